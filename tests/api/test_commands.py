"""create_api_token shows a token once and stores only its digest."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from apps.api.models import ApiToken, token_digest
from apps.api.selectors import api_token_user

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_it_once_and_stores_a_digest():
    user = get_user_model().objects.create_user("field", "f@example.org", "pw-12345!")
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "field", "--name", "logger", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("pz_") and len(raw) > 40
    assert "not shown again" in err.getvalue()
    token = ApiToken.objects.get()
    assert token.digest == token_digest(raw) and raw not in (token.digest, token.prefix)
    assert api_token_user(raw_token=raw) == user
    call_command("create_api_token", "--revoke", token.prefix, stdout=StringIO())
    assert api_token_user(raw_token=raw) is None


@pytest.mark.parametrize("args", [["nobody"], [], ["--revoke", "pz_zzzzz"]])
def test_create_api_token_errors(args):
    with pytest.raises(CommandError):
        call_command("create_api_token", *args, stdout=StringIO(), stderr=StringIO())
