"""Exchanging a username and password for an API token (shown once; only its digest is
stored). Throttled per client address against password guessing."""

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError

from ..schemas import InSchema, error_responses
from ..services import api_token_create
from ..throttles import TOKENS

router = Router(tags=["auth"])


class TokenRequestIn(InSchema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=128)
    name: str = Field("", max_length=100, description="What the token is for.")


class TokenOut(Schema):
    token: str = Field(..., description="Send as 'Authorization: Bearer <token>'. Shown once.")
    prefix: str
    username: str


@router.post(
    "/tokens",
    response={201: TokenOut, **error_responses(400, 401, 422, 429)},
    throttle=TOKENS,
    summary="Get an API token",
)
def token_create(request: HttpRequest, payload: TokenRequestIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        raise AuthenticationError(message="Wrong username or password.")
    token, raw_token = api_token_create(user=user, name=payload.name or "api")
    return Status(
        201, {"token": raw_token, "prefix": token.prefix, "username": user.get_username()}
    )
