"""Page-number pagination for the small tables (wells, samples, contacts, groups, lexicon),
with Django 6's AsyncPaginator. Observations are paged by time instead (no COUNT)."""

from typing import Any

from django.core.paginator import AsyncPaginator, EmptyPage
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


async def apaginate(request: HttpRequest, queryset: QuerySet, params: PageParams) -> dict:
    """One page of ``queryset`` with count and next/previous links."""
    paginator = AsyncPaginator(queryset, params.page_size)
    try:
        page = await paginator.apage(params.page)
    except EmptyPage:
        last = await paginator.anum_pages()
        raise ApiError(
            404,
            "page_not_found",
            f"Page {params.page} does not exist; the last page is {max(last, 1)}.",
            loc=["query", "page"],
        ) from None
    results = await page.aget_object_list()
    return {
        "count": await paginator.acount(),
        "page": params.page,
        "page_size": params.page_size,
        "next": link(request, page=params.page + 1) if await page.ahas_next() else None,
        "previous": link(request, page=params.page - 1) if await page.ahas_previous() else None,
        "results": results,
    }
