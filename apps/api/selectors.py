from django.contrib.auth.models import AbstractBaseUser

from .models import ApiToken, token_digest


def api_token_user(*, raw_token: str) -> AbstractBaseUser | None:
    """The active user behind a bearer token, or None (unknown, revoked, or inactive user)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw_token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token.user if token else None
