"""Server-rendered pages. Async views over the async ORM; every context value is
materialised before rendering, so templates never touch the database (a lazy query in a
template would be a sync query inside async code)."""

from django.core.paginator import AsyncPaginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from apps.monitoring import selectors
from apps.monitoring.models import WellContact

PAGE_SIZE = 25


async def _audience(request: HttpRequest) -> selectors.Audience:
    return await selectors.audience_aget(user=await request.auser())


async def landing(request: HttpRequest) -> HttpResponse:
    """Headline figures and a featured well, of what the visitor may see; the page
    refreshes both from the API and then live from ws/stats/."""
    audience = await _audience(request)
    stats = await selectors.stats_aget(audience=audience)
    featured = await selectors.featured_well_aget(audience=audience)
    return render(request, "web/landing.html", {"stats": stats, "featured": featured})


def _filters(
    request: HttpRequest, choices: dict[str, list[str]]
) -> tuple[selectors.WellFilters, dict]:
    chosen = {
        name: request.GET.get(name, "").strip()[:120]
        for name in ("q", "county", "aquifer", "status", "group")
    }
    for name in ("county", "aquifer", "status", "group"):
        if chosen[name] and chosen[name] not in choices[name]:
            chosen[name] = ""  # an unknown value filters nothing rather than failing
    filters = selectors.WellFilters(**{k: v or None for k, v in chosen.items()})
    return filters, chosen


async def well_browser(request: HttpRequest) -> HttpResponse:
    """Search by name or site number, filter by county, aquifer, status and group."""
    audience = await _audience(request)
    choices = await selectors.well_filter_choices_aget(audience=audience)
    filters, chosen = _filters(request, choices)
    wells = selectors.well_aqueryset(filters=filters, audience=audience)
    paginator = AsyncPaginator(wells, PAGE_SIZE)
    page = await paginator.aget_page(request.GET.get("page", 1))
    wells = await page.aget_object_list()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/wells.html",
        {
            "wells": wells,
            "page": page,
            "count": await paginator.acount(),
            "num_pages": await paginator.anum_pages(),
            "has_next": await page.ahas_next(),
            "has_previous": await page.ahas_previous(),
            "choices": choices,
            "chosen": chosen,
            "query": query.urlencode(),
        },
    )


async def well_page(request: HttpRequest, site_no: str) -> HttpResponse:
    """A well's facts, summary, hydrograph, recent readings and CSV download."""
    detail = await selectors.well_aget(site_no=site_no, audience=await _audience(request))
    if detail is None:
        raise Http404(f"No well with site number {site_no!r}.")
    well = detail.well
    series = await selectors.well_series_asummary(detail=detail)
    recent = await selectors.observation_recent_aget(well=detail.scope, limit=20)
    return render(
        request,
        "web/well.html",
        {
            "well": well,
            "location": detail.location,
            "groups": detail.groups,
            "contacts": [
                {**contact, "role": WellContact.Role(contact["role"]).label}
                for contact in detail.contacts
            ],
            "series": series,
            "summary": detail.summary,
            "recent": recent,
        },
    )
