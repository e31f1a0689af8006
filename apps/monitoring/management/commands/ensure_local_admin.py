"""manage.py ensure_local_admin: the account `make run` prints. Local use only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.monitoring import services


class Command(BaseCommand):
    help = "Create a local superuser (once) and print its credentials. Refused when DEBUG is off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "ensure_local_admin is for local development (DEBUG on); "
                "use `manage.py createsuperuser` on a deployment."
            )
        password, created = services.local_admin_ensure(
            username=options["username"], password_file=settings.VAR_DIR / "local-admin.txt"
        )
        verb = "Created" if created else "Using"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} local admin: username {options['username']!r}, password {password!r}"
            )
        )
