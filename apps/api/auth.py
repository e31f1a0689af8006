"""Who may write, and who is reading. Reads are open to everyone, and show each caller what
their roles allow (apps/monitoring/selectors/visibility.py, ADR-0012); a write needs a bearer
token (manage.py create_api_token) or a staff session that passes the CSRF check, and the
user behind either must hold the Django permission the operation names (e.g.
monitoring.add_well)."""

from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from apps.monitoring.selectors import Audience, audience_aget

from .selectors import api_token_auser, api_token_user


async def reader_aget(request: HttpRequest):
    """Who is reading: the user behind a bearer token, the signed-in user, or anonymous. A
    token that is sent but unknown or revoked is a 401, not a silent anonymous read."""
    header = request.headers.get("Authorization")
    if header is None:
        return await request.auser()
    return _known(await api_token_auser(raw_token=_bearer_token(header)))


async def audience_for(request: HttpRequest) -> Audience:
    """What this request's reader may see, decided once and kept on the request."""
    if not hasattr(request, "audience"):
        request.audience = await audience_aget(user=await reader_aget(request))
    return request.audience


def _bearer_token(header: str) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; 401 for any other shape."""
    scheme, _, raw_token = header.partition(" ")
    if scheme.lower() != "bearer" or not raw_token.strip():
        raise AuthenticationError(message="Use 'Authorization: Bearer <token>'.")
    return raw_token.strip()


def _known(user):
    """The token's user; 401 when the token is unknown or revoked (None)."""
    if user is None:
        raise AuthenticationError(message="The token is unknown or revoked.")
    return user


class WriteAccess(HttpBearer):
    """Bearer token or staff session, plus ``permission``. Runs sync: every write
    operation is a sync view, so this lookup shares its thread and connection."""

    def __init__(self, permission: str) -> None:
        super().__init__()
        self.permission = permission

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if header is not None:
            user = _known(api_token_user(raw_token=_bearer_token(header)))
        else:
            user = request.user
            if not user.is_authenticated:
                return None  # ninja answers 401
            if not user.is_staff:
                raise AuthorizationError(message="Session writes are for staff users.")
            if check_csrf(request) is not None:
                raise AuthorizationError(message="CSRF check failed: send the X-CSRFToken header.")
        if not user.has_perm(self.permission):
            raise AuthorizationError(message=f"{user} lacks the {self.permission} permission.")
        request.user = user
        return user

    def authenticate(self, request: HttpRequest, token: str):  # pragma: no cover - unused
        raise NotImplementedError
