"""The admin is where data managers curate wells and readings. Lexicon-coded fields are
offered as choices from the vocabulary; the observation inline on a well is paginated so a
well with 100,000 readings renders one page of them, not all."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from . import plausibility, services
from .admin_scale import (
    BoundedCountPaginator,
    ObservedFilter,
    TimeOrderedChangeList,
    lexicon_filter,
    observations_of_matching_wells,
)
from .models import (
    Contact,
    Deployment,
    Group,
    LexiconTerm,
    Location,
    Observation,
    OwnerConsent,
    Sample,
    SampleResult,
    Sensor,
    Well,
    WellContact,
)


class LexiconFormMixin:
    """Offer each lexicon-coded CharField as a choice among its vocabulary's terms."""

    lexicon_fields: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field_name, category in self.lexicon_fields.items():
            if field_name not in self.fields:
                continue
            field = self.fields[field_name]
            terms = LexiconTerm.objects.filter(category=category).values_list("code", "label")
            choices = [("", "---------")] if not field.required else []
            self.fields[field_name] = forms.ChoiceField(
                choices=[*choices, *terms],
                required=field.required,
                label=field.label,
                help_text=field.help_text,
                initial=field.initial,
            )


class WellForm(LexiconFormMixin, forms.ModelForm):
    # No Meta: the ModelAdmin supplies the model and its fields.
    lexicon_fields = {"kind": LexiconTerm.Category.WELL_KIND}


class ObservationForm(LexiconFormMixin, forms.ModelForm):
    lexicon_fields = {
        "method": LexiconTerm.Category.METHOD,
        "level_status": LexiconTerm.Category.LEVEL_STATUS,
        "data_quality": LexiconTerm.Category.DATA_QUALITY,
    }


class PaginatedInlineFormSet(BaseInlineFormSet):
    """Shows one page of the related rows, newest first. The page number comes from the
    change page's query string (``?<prefix>-page=N``), set by the inline's get_formset."""

    per_page = 25
    page_number: str | int = 1

    def get_queryset(self):
        if not hasattr(self, "_paginated_queryset"):
            queryset = super().get_queryset()
            self.paginator = Paginator(queryset, self.per_page)
            self.page = self.paginator.get_page(self.page_number)
            self._paginated_queryset = self.page.object_list
        return self._paginated_queryset


class ObservationInline(admin.TabularInline):
    model = Observation
    form = ObservationForm
    formset = PaginatedInlineFormSet
    template = "admin/monitoring/paginated_tabular.html"
    fields = (
        "observed_at",
        "depth_to_water_ft",
        "level_status",
        "method",
        "data_quality",
        "source",
        "measured_by",
    )
    ordering = ("-observed_at",)
    extra = 0
    show_change_link = True

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any):
        formset = super().get_formset(request, obj, **kwargs)
        page_number = request.GET.get(f"{formset.get_default_prefix()}-page", 1)
        return type(formset.__name__, (formset,), {"page_number": page_number})


class WellContactInline(admin.TabularInline):
    model = WellContact
    autocomplete_fields = ("contact",)
    extra = 0


class DeploymentInline(admin.TabularInline):
    model = Deployment
    autocomplete_fields = ("sensor",)
    extra = 0


class OwnerConsentInline(admin.TabularInline):
    """The well's consents, in force and revoked; recorded and revoked on their own page
    (Owner consents), so that each change is the service's."""

    model = OwnerConsent
    fields = ("data_type", "recorded_at", "recorded_by", "notes", "revoked_at", "revoked_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Well)
class WellAdmin(SimpleHistoryAdmin):
    """Wells, with their release status and owners' consents (ADR-0012); History shows who
    changed what."""

    form = WellForm
    list_display = (
        "site_no",
        "name",
        "kind",
        "status",
        "release_status",
        "aquifer",
        "county",
        "well_depth_ft",
    )
    list_filter = ("status", "release_status", "kind", "aquifer", "groups", "location__county")
    list_select_related = ("location",)
    search_fields = ("site_no", "name")
    autocomplete_fields = ("location",)
    filter_horizontal = ("groups",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (WellContactInline, OwnerConsentInline, DeploymentInline, ObservationInline)

    @admin.display(ordering="location__county")
    def county(self, well: Well) -> str:
        return well.location.county

    # Every write goes through a service (services/), which judges, summarises and
    # announces it; the admin's view is one transaction, which the services join.
    def save_model(self, request, obj, form, change) -> None:
        services.well_save(well=obj)

    def delete_model(self, request, obj) -> None:
        services.well_delete(site_no=obj.site_no)

    def delete_queryset(self, request, queryset) -> None:
        services.wells_delete(well_ids=list(queryset.values_list("pk", flat=True)))

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Observation:
            formset.save()
            return
        # Readings added, edited or deleted on the well's page.
        services.observations_save(
            well=form.instance,
            observations=formset.save(commit=False),
            deleted=formset.deleted_objects,
        )


@admin.register(OwnerConsent)
class OwnerConsentAdmin(SimpleHistoryAdmin):
    """Owners' consent to publish a well's water levels, chemistry or exact location. A
    consent is recorded, then revoked (the action), never edited or deleted."""

    list_display = ("well", "data_type", "recorded_at", "recorded_by", "revoked_at", "revoked_by")
    list_filter = ("data_type", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("well", "recorded_by", "revoked_by")
    search_fields = ("well__site_no", "notes")
    autocomplete_fields = ("well",)
    actions = ("revoke",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("well", "data_type", "notes")
        return (
            "well",
            "data_type",
            "recorded_at",
            "recorded_by",
            "notes",
            "revoked_at",
            "revoked_by",
            "revocation_notes",
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            saved = services.consent_record(
                well=obj.well, data_type=obj.data_type, recorded_by=request.user, notes=obj.notes
            )
            obj.pk = saved.pk

    @admin.action(description="Revoke selected consents", permissions=["change"])
    def revoke(self, request, queryset) -> None:
        in_force = queryset.filter(revoked_at__isnull=True)
        for consent in in_force:
            services.consent_revoke(consent=consent, revoked_by=request.user)
        self.message_user(request, f"Revoked {len(in_force)} consent(s).")


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "county", "state", "land_surface_elevation_ft", "huc")
    list_filter = ("state", "county")
    search_fields = ("county", "state", "huc")


class PlausibilityFilter(admin.SimpleListFilter):
    """Readings stored with a plausibility warning (apps/monitoring/plausibility.py)."""

    title = "plausibility"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [("any", "Any warning"), *plausibility.FLAGS.items()]

    def queryset(self, request, queryset):
        if self.value() == "any":
            return queryset.exclude(flags="")
        if self.value() in plausibility.FLAGS:
            return queryset.filter(flags__contains=self.value())
        return queryset


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    """Readings, newest first. At millions of rows every query here is served by an index
    or a small table (admin_scale.py, ADR-0008)."""

    form = ObservationForm
    list_display = (
        "observed_at",
        "well_link",
        "depth_to_water_ft",
        "level_status",
        "data_quality",
        "method",
        "source",
        "flags",
    )
    list_filter = (
        ObservedFilter,
        PlausibilityFilter,
        "source",
        lexicon_filter("data_quality", LexiconTerm.Category.DATA_QUALITY, "data quality"),
        lexicon_filter("level_status", LexiconTerm.Category.LEVEL_STATUS, "level status"),
        lexicon_filter("method", LexiconTerm.Category.METHOD, "method"),
    )
    list_select_related = ("well",)
    # Shown as the search box's hint; the search itself goes through the wells.
    search_fields = ("well__site_no", "well__name")
    search_help_text = "A well's site number or name."
    ordering = ("-observed_at",)
    paginator = BoundedCountPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return TimeOrderedChangeList

    autocomplete_fields = ("well", "sensor")
    readonly_fields = ("flags", "created_at")  # flags: what the plausibility checks found
    actions = ("mark_approved", "mark_provisional")

    @admin.display(description="well", ordering="well__site_no")
    def well_link(self, observation: Observation) -> str:
        url = reverse("admin:monitoring_well_change", args=[observation.well_id])
        return format_html('<a href="{}">{}</a>', url, observation.well.site_no)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return observations_of_matching_wells(queryset, search_term.strip()), False

    @admin.action(description="Mark selected readings approved", permissions=["change"])
    def mark_approved(self, request, queryset):
        self._set_quality(request, queryset, "approved")

    @admin.action(description="Mark selected readings provisional", permissions=["change"])
    def mark_provisional(self, request, queryset):
        self._set_quality(request, queryset, "provisional")

    def _set_quality(self, request, queryset, quality: str) -> None:
        changed = services.observations_quality_set(readings=queryset, quality=quality)
        self.message_user(request, f"{changed} reading(s) marked {quality}.")

    # Writes through services, as on the well's page (WellAdmin).
    def save_model(self, request, obj, form, change) -> None:
        services.observation_save(
            observation=obj, previous_well_id=form.initial.get("well") if change else None
        )

    def delete_model(self, request, obj) -> None:
        services.observations_delete(readings=Observation.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        services.observations_delete(readings=queryset)


class SampleResultInline(admin.TabularInline):
    model = SampleResult
    extra = 0


@admin.register(Sample)
class SampleAdmin(SimpleHistoryAdmin):
    list_display = ("well", "sampled_at", "collected_by", "laboratory")
    list_select_related = ("well",)
    search_fields = ("well__site_no", "laboratory", "collected_by")
    date_hierarchy = "sampled_at"
    autocomplete_fields = ("well",)
    inlines = (SampleResultInline,)

    def save_model(self, request, obj, form, change) -> None:
        services.sample_save(sample=obj)


@admin.register(SampleResult)
class SampleResultAdmin(admin.ModelAdmin):
    list_display = ("sample", "analyte", "value", "unit", "below_detection")
    list_filter = ("analyte", "below_detection")
    list_select_related = ("sample__well",)
    search_fields = ("analyte", "sample__well__site_no")
    autocomplete_fields = ("sample",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "email", "phone")
    search_fields = ("name", "organization", "email")


@admin.register(WellContact)
class WellContactAdmin(admin.ModelAdmin):
    list_display = ("well", "contact", "role")
    list_filter = ("role",)
    list_select_related = ("well", "contact")
    autocomplete_fields = ("well", "contact")
    search_fields = ("well__site_no", "contact__name")


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Sensor)
class SensorAdmin(admin.ModelAdmin):
    list_display = ("serial_no", "manufacturer", "model")
    search_fields = ("serial_no", "manufacturer", "model")


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    list_display = ("sensor", "well", "installed_on", "removed_on")
    list_select_related = ("sensor", "well")
    autocomplete_fields = ("sensor", "well")
    search_fields = ("well__site_no", "sensor__serial_no")


@admin.register(LexiconTerm)
class LexiconTermAdmin(admin.ModelAdmin):
    list_display = ("category", "code", "label")
    list_filter = ("category",)
    search_fields = ("code", "label")
