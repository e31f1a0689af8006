from tests.api.conftest import writer_token  # noqa: F401 - shared fixture
