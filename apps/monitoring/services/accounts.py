"""The local administrator account that `make run` prints."""

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model


def local_admin_ensure(*, username: str, password_file: Path) -> tuple[str, bool]:
    """Make sure a local superuser exists; returns (password, created).

    The password is generated once and kept in ``password_file`` (under var/, not in
    git) so that every `make run` can print it again.
    """
    User = get_user_model()
    if password_file.exists():
        password = password_file.read_text().strip()
    else:
        password = secrets.token_urlsafe(12)
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": True}
    )
    if created or not password_file.exists():
        user.set_password(password)
        user.save()
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(password + "\n")
        password_file.chmod(0o600)
    return password, created
