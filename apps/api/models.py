import hashlib

from django.conf import settings
from django.db import models


def token_digest(raw_token: str) -> str:
    """Tokens are random 256-bit secrets, so a plain SHA-256 is enough to store them
    (unlike passwords, they cannot be guessed from a dictionary)."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for API writes. Only its digest is stored; the token itself is shown
    once, when it is created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for.")
    prefix = models.CharField(
        max_length=8, help_text="The token's first characters, to tell tokens apart."
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.prefix}… for {self.user} ({self.name or 'unnamed'}, {state})"
