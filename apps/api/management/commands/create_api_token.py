"""manage.py create_api_token USERNAME: a bearer token for API writes, shown once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.api.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print it once (only its digest is stored). "
        "The token can do what the user may do. --revoke PREFIX revokes tokens instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?")
        parser.add_argument("--name", default="", help="What the token is for.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the tokens with PREFIX.")

    def handle(self, *args, **options) -> None:
        if options["revoke"]:
            count = api_token_revoke(prefix=options["revoke"])
            if not count:
                raise CommandError(f"No active token starts with {options['revoke']!r}.")
            self.stdout.write(f"Revoked {count} token(s).")
            return
        if not options["username"]:
            raise CommandError("Give the USERNAME the token acts for.")
        User = get_user_model()
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"User {options['username']!r} is inactive.")
        token, raw_token = api_token_create(user=user, name=options["name"])
        self.stderr.write(f"Token {token.prefix}… for {user}. Copy it now: it is not shown again.")
        self.stdout.write(raw_token)
