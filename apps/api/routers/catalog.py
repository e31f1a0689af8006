"""Samples, contacts, groups and the lexicon: list and detail (async, open to everyone,
each caller seeing what their roles allow: ADR-0012) and create (sync, needs write
access)."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from apps.monitoring import selectors, services

from ..auth import WriteAccess, audience_for
from ..errors import ApiError
from ..pagination import apaginate
from ..schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ContactIn,
    ContactOut,
    ContactPageOut,
    GroupIn,
    GroupOut,
    GroupPageOut,
    LexiconCategory,
    LexiconPageOut,
    LexiconTermIn,
    LexiconTermOut,
    PageParams,
    SampleIn,
    SampleOut,
    SamplePageOut,
)
from ..throttles import WRITES

router = Router()


def _missing(what: str, key: object, loc: str) -> ApiError:
    return ApiError(404, "not_found", f"No {what} {key!r}.", loc=["path", loc])


class SampleQuery(Schema):
    site_no: str | None = Field(None, max_length=32)


@router.get("/samples", response={200: SamplePageOut, **READ_ERRORS}, tags=["samples"])
async def sample_list(request: HttpRequest, query: Query[SampleQuery], paging: Query[PageParams]):
    """Water-chemistry samples with their results that the caller may see, newest first."""
    samples = selectors.sample_queryset(site_no=query.site_no, audience=await audience_for(request))
    return await apaginate(request, samples, paging)


@router.get("/samples/{sample_id}", response={200: SampleOut, **READ_ERRORS}, tags=["samples"])
async def sample_detail(request: HttpRequest, sample_id: int):
    samples = selectors.sample_queryset(audience=await audience_for(request))
    sample = await samples.filter(pk=sample_id).afirst()
    if sample is None:
        raise _missing("sample with id", sample_id, "sample_id")
    return sample


@router.post(
    "/samples",
    response={201: SampleOut, **WRITE_ERRORS},
    auth=WriteAccess("monitoring.add_sample"),
    throttle=WRITES,
    tags=["samples"],
)
def sample_create(request: HttpRequest, payload: SampleIn):
    sample = services.sample_create(**payload.dict())
    audience = selectors.audience_get(user=request.user)
    return Status(201, selectors.sample_queryset(audience=audience).get(pk=sample.pk))


@router.get(
    "/contacts",
    response={200: ContactPageOut, **READ_ERRORS},
    tags=["contacts"],
    summary="Contacts (email and phone only for callers allowed them)",
)
async def contact_list(request: HttpRequest, paging: Query[PageParams]):
    await audience_for(request)  # ContactOut reads it: email and phone or null
    return await apaginate(request, selectors.contact_queryset(), paging)


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, **READ_ERRORS},
    tags=["contacts"],
)
async def contact_detail(request: HttpRequest, contact_id: int):
    await audience_for(request)
    contact = await selectors.contact_queryset().filter(pk=contact_id).afirst()
    if contact is None:
        raise _missing("contact with id", contact_id, "contact_id")
    return contact


@router.post(
    "/contacts",
    response={201: ContactOut, **WRITE_ERRORS},
    auth=WriteAccess("monitoring.add_contact"),
    throttle=WRITES,
    tags=["contacts"],
)
def contact_create(request: HttpRequest, payload: ContactIn):
    request.audience = selectors.audience_get(user=request.user)
    return Status(201, services.contact_create(**payload.dict()))


@router.get("/groups", response={200: GroupPageOut, **READ_ERRORS}, tags=["groups"])
async def group_list(request: HttpRequest, paging: Query[PageParams]):
    """Monitoring networks and projects, with how many of their wells the caller may see."""
    groups = selectors.group_queryset(audience=await audience_for(request))
    return await apaginate(request, groups, paging)


@router.get("/groups/{group_id}", response={200: GroupOut, **READ_ERRORS}, tags=["groups"])
async def group_detail(request: HttpRequest, group_id: int):
    groups = selectors.group_queryset(audience=await audience_for(request))
    group = await groups.filter(pk=group_id).afirst()
    if group is None:
        raise _missing("group with id", group_id, "group_id")
    return group


@router.post(
    "/groups",
    response={201: GroupOut, **WRITE_ERRORS},
    auth=WriteAccess("monitoring.add_group"),
    throttle=WRITES,
    tags=["groups"],
)
def group_create(request: HttpRequest, payload: GroupIn):
    group = services.group_create(**payload.dict())
    groups = selectors.group_queryset(audience=selectors.audience_get(user=request.user))
    return Status(201, groups.get(pk=group.pk))


class LexiconQuery(Schema):
    category: LexiconCategory | None = None


@router.get("/lexicon", response={200: LexiconPageOut, **READ_ERRORS}, tags=["lexicon"])
async def lexicon_list(request: HttpRequest, query: Query[LexiconQuery], paging: Query[PageParams]):
    """The controlled vocabularies: the codes that observations and wells accept."""
    return await apaginate(request, selectors.lexicon_queryset(category=query.category), paging)


@router.get(
    "/lexicon/{category}/{code}", response={200: LexiconTermOut, **READ_ERRORS}, tags=["lexicon"]
)
async def lexicon_detail(request: HttpRequest, category: LexiconCategory, code: str):
    term = await selectors.lexicon_queryset(category=category).filter(code=code).afirst()
    if term is None:
        raise _missing(f"{category} term", code, "code")
    return term


@router.post(
    "/lexicon",
    response={201: LexiconTermOut, **WRITE_ERRORS},
    auth=WriteAccess("monitoring.add_lexiconterm"),
    throttle=WRITES,
    tags=["lexicon"],
)
def lexicon_create(request: HttpRequest, payload: LexiconTermIn):
    return Status(201, services.lexicon_term_create(**payload.dict()))
