import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .models import ApiToken, token_digest


def api_token_create(*, user: AbstractBaseUser, name: str = "") -> tuple[ApiToken, str]:
    """Create a token; returns it and the raw secret, which is not stored anywhere."""
    raw_token = "pz_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw_token[:8], digest=token_digest(raw_token)
    )
    return token, raw_token


def api_token_revoke(*, prefix: str) -> int:
    """Revoke the active tokens whose prefix matches; returns how many."""
    return ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
