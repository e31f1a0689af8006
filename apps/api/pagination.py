"""Page-number pagination for the small tables (wells, samples, contacts, groups, lexicon),
with Django 6's AsyncPaginator. Observations are paged by time instead (no COUNT)."""

from typing import Any

from django.core.paginator import AsyncPaginator, EmptyPage, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from .errors import ApiError
from .schemas import PageParams


def link(request: HttpRequest, **changes: Any) -> str:
    """This request's URL with some query parameters replaced (None removes one)."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    suffix = f"?{query.urlencode()}" if query else ""
    return request.build_absolute_uri(request.path + suffix)


class _CountedPaginator(AsyncPaginator):
    """Counts ``counted`` rather than the page's queryset."""

    def __init__(self, object_list: QuerySet, per_page: int, *, counted: QuerySet) -> None:
        super().__init__(object_list, per_page)
        self.counted = counted
        self._total: int | None = None

    async def acount(self) -> int:
        if self._total is None:
            self._total = await self.counted.acount()
        return self._total


async def apaginate(
    request: HttpRequest, queryset: QuerySet, params: PageParams, *, counted: QuerySet | None = None
) -> dict:
    """One page of ``queryset`` with count and next/previous links. ``counted``: the same
    rows without what only the page shows (annotations Django would otherwise resolve and
    strip again for the COUNT, the largest cost of a wells page)."""
    paginator = (
        AsyncPaginator(queryset, params.page_size)
        if counted is None
        else _CountedPaginator(queryset, params.page_size, counted=counted)
    )
    try:
        page = await paginator.apage(params.page)
    except EmptyPage:
        raise _no_such_page(params, await paginator.anum_pages()) from None
    results = await page.aget_object_list()
    return _page_body(
        request,
        params,
        results,
        count=await paginator.acount(),
        has_next=await page.ahas_next(),
        has_previous=await page.ahas_previous(),
    )


def paginate(request: HttpRequest, queryset: QuerySet, params: PageParams) -> dict:
    """The sync twin of apaginate (the benchmarks' sync views)."""
    paginator = Paginator(queryset, params.page_size)
    try:
        page = paginator.page(params.page)
    except EmptyPage:
        raise _no_such_page(params, paginator.num_pages) from None
    return _page_body(
        request,
        params,
        list(page.object_list),
        count=paginator.count,
        has_next=page.has_next(),
        has_previous=page.has_previous(),
    )


def _no_such_page(params: PageParams, last: int) -> ApiError:
    return ApiError(
        404,
        "page_not_found",
        f"Page {params.page} does not exist; the last page is {max(last, 1)}.",
        loc=["query", "page"],
    )


def _page_body(
    request: HttpRequest,
    params: PageParams,
    results: list,
    *,
    count: int,
    has_next: bool,
    has_previous: bool,
) -> dict:
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "next": link(request, page=params.page + 1) if has_next else None,
        "previous": link(request, page=params.page - 1) if has_previous else None,
        "results": results,
    }
