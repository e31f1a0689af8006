"""The Piezo REST API: /api/, with its OpenAPI document at /api/openapi.json and
interactive docs at /api/docs."""

from ninja import NinjaAPI

from .errors import register_error_handlers
from .renderers import ORJSONRenderer
from .routers import audit, catalog, system, tokens, wells

api = NinjaAPI(
    title="Piezo API",
    version="1",
    description=(
        "Groundwater wells, water levels, samples and statistics. Reads are open to everyone "
        "and show each caller what their role allows (private wells, readings and exact "
        "locations need monitoring.view_private_data); writes need `Authorization: Bearer "
        "<token>` (manage.py create_api_token) or a staff session with CSRF. Errors are "
        '`{"detail": [...], "code": "..."}`.'
    ),
    renderer=ORJSONRenderer(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
register_error_handlers(api)
api.add_router("/", system.router)
api.add_router("/", wells.router)
api.add_router("/", catalog.router)
api.add_router("/", tokens.router)
api.add_router("/", audit.router)
