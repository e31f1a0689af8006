from django.contrib.auth.models import AbstractBaseUser

from .models import ApiToken, token_digest


def _live_tokens(raw_token: str):
    return ApiToken.objects.select_related("user").filter(
        digest=token_digest(raw_token), revoked_at__isnull=True, user__is_active=True
    )


def api_token_user(*, raw_token: str) -> AbstractBaseUser | None:
    """The active user behind a bearer token, or None (unknown, revoked, or inactive user)."""
    token = _live_tokens(raw_token).first()
    return token.user if token else None


async def api_token_auser(*, raw_token: str) -> AbstractBaseUser | None:
    """api_token_user for async reads."""
    token = await _live_tokens(raw_token).afirst()
    return token.user if token else None
