"""The groundwater monitoring domain: monitoring points (wells), where they are, the water
levels and water chemistry measured at them, and the people, networks and sensors involved.

Modelled on the data that groundwater programmes keep (the OcotilloAPI data model and the
USGS field-measurements schema). Controlled vocabularies (well kind, measuring method, level
status, data quality) live in LexiconTerm so data managers can extend them in the admin;
rows store the term's code and are validated against the vocabulary in clean().
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import trends

# validate_finite: older migrations name it as apps.monitoring.models.validate_finite.
from .contract import LIMITS, MISSING_DEPTH, NO_VALUE_STATUSES, validate_finite


class LexiconTerm(models.Model):
    """One term of a controlled vocabulary, e.g. ("level_status", "dry", "Dry")."""

    class Category(models.TextChoices):
        WELL_KIND = "well_kind", "Well kind"
        METHOD = "method", "Measuring method"
        LEVEL_STATUS = "level_status", "Level status"
        DATA_QUALITY = "data_quality", "Data quality"

    category = models.CharField(max_length=32, choices=Category.choices)
    code = models.SlugField(max_length=32)
    label = models.CharField(max_length=100)
    definition = models.TextField(blank=True)

    class Meta:
        ordering = ["category", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="lexicon_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.label} ({self.code})"


def lexicon_labels() -> dict[str, dict[str, str]]:
    """Every vocabulary's terms as {category: {code: label}}, in one query: what the API,
    the admin and the importers validate many rows against."""
    labels: dict[str, dict[str, str]] = {}
    for category, code, label in LexiconTerm.objects.values_list("category", "code", "label"):
        labels.setdefault(category, {})[code] = label
    return labels


def lexicon_vocabulary() -> dict[str, set[str]]:
    """Every vocabulary's codes (lexicon_labels without the labels)."""
    return {category: set(terms) for category, terms in lexicon_labels().items()}


def lexicon_errors(
    instance: models.Model, fields: dict[str, str], *, vocabulary: dict[str, set[str]] | None = None
) -> dict[str, str]:
    """Messages for each field whose code is not a term of its vocabulary.

    ``fields`` maps a field name to its LexiconTerm category. Blank values are left to
    the field's own blank rule. Pass ``vocabulary`` (lexicon_vocabulary()) when checking
    many rows; without it each field is looked up.
    """
    errors = {}
    for field_name, category in fields.items():
        code = getattr(instance, field_name)
        if not code:
            continue
        if vocabulary is not None:
            allowed = vocabulary.get(category, set())
        else:
            allowed = set(
                LexiconTerm.objects.filter(category=category).values_list("code", flat=True)
            )
        if code not in allowed:
            errors[field_name] = (
                f"{code!r} is not a known {category.replace('_', ' ')} code; "
                f"allowed: {', '.join(sorted(allowed))}."
            )
    return errors


class Release(models.TextChoices):
    """Whether a record may be shown to the public (ADR-0012). Staff with the
    monitoring.view_private_data permission see both."""

    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


def new_well_release() -> str:
    """A new well's release status: PIEZO_NEW_WELL_RELEASE, private unless a deployment
    says otherwise (ADR-0012)."""
    return settings.PIEZO_NEW_WELL_RELEASE


class ReadingHistory(HistoricalRecords):
    """simple-history for readings, less its per-object delete signals: with them Django
    loads every reading of a well before deleting it (millions, for a logger's well). The
    services record deletions set-wise instead (services/audit.py)."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if getattr(self, "cls", None) is sender:
            models.signals.post_delete.disconnect(self.post_delete, sender=sender)
            models.signals.pre_delete.disconnect(self.pre_delete, sender=sender)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Location(TimestampedModel):
    """Where a monitoring point is: WGS84 coordinates and the land surface there."""

    latitude = models.FloatField(
        validators=LIMITS["latitude"].validators(),
        help_text="Decimal degrees, WGS84.",
    )
    longitude = models.FloatField(
        validators=LIMITS["longitude"].validators(),
        help_text="Decimal degrees, WGS84.",
    )
    land_surface_elevation_ft = models.FloatField(
        null=True,
        blank=True,
        validators=LIMITS["land_surface_elevation_ft"].validators(),
    )
    vertical_datum = models.CharField(max_length=16, blank=True, help_text="e.g. NAVD88")
    county = models.CharField(max_length=64, blank=True, db_index=True)
    state = models.CharField(max_length=2, blank=True, help_text="Two-letter code, e.g. NM.")
    huc = models.CharField("hydrologic unit code", max_length=16, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.county, self.state) if part)
        return f"{self.latitude:.5f}, {self.longitude:.5f}" + (f" ({where})" if where else "")


class Group(TimestampedModel):
    """A monitoring network or project that wells belong to."""

    class Kind(models.TextChoices):
        NETWORK = "network", "Monitoring network"
        PROJECT = "project", "Project"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NETWORK)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(TimestampedModel):
    """A person or office responsible for, or with access to, a well."""

    name = models.CharField(max_length=120)
    organization = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})" if self.organization else self.name


class Well(TimestampedModel):
    """A monitoring point: a well, spring or piezometer, named by its site number."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DESTROYED = "destroyed", "Destroyed"

    site_no = models.CharField(
        "site number",
        max_length=32,
        help_text="A USGS 15-digit site number or a local point id such as AR0001.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, default="well", help_text="Lexicon: well kind.")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    well_depth_ft = models.FloatField(
        null=True,
        blank=True,
        validators=LIMITS["well_depth_ft"].validators(),
    )
    aquifer = models.CharField(max_length=120, blank=True, db_index=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="wells")
    groups = models.ManyToManyField(Group, blank=True, related_name="wells")
    contacts = models.ManyToManyField(
        Contact, through="WellContact", blank=True, related_name="wells"
    )
    release_status = models.CharField(
        max_length=8,
        choices=Release.choices,
        default=new_well_release,
        db_index=True,
        help_text="Public wells are listed to everyone; their readings, chemistry and exact "
        "location also need the owner's consent where the well has an owner.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["site_no"]
        permissions = [
            ("view_private_data", "Can see private wells, readings, samples and exact locations"),
            ("view_audit", "Can read the audit trail"),
        ]
        constraints = [
            # Django's default message names the site_no field; a custom one would not.
            models.UniqueConstraint(fields=["site_no"], name="well_unique_site_no"),
        ]

    def __str__(self) -> str:
        return f"{self.site_no} {self.name}"

    def clean(self) -> None:
        errors = lexicon_errors(self, {"kind": LexiconTerm.Category.WELL_KIND})
        if errors:
            raise ValidationError(errors)


class WellContact(models.Model):
    """A contact's role at a well (owner, operator, field technician, ...)."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        OPERATOR = "operator", "Operator"
        TECHNICIAN = "technician", "Field technician"
        DATA_MANAGER = "data_manager", "Data manager"

    well = models.ForeignKey(Well, on_delete=models.CASCADE, related_name="well_contacts")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="well_roles")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OWNER)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["well", "contact", "role"], name="wellcontact_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} – {self.get_role_display()} of {self.well.site_no}"


class OwnerConsent(models.Model):
    """An owner's consent to publish one kind of a well's data. Revoking keeps the row (who
    and when), so the history of what was allowed stays; at most one consent per well and
    kind is in force."""

    class DataType(models.TextChoices):
        WATER_LEVELS = "water_levels", "Water levels"
        CHEMISTRY = "chemistry", "Water chemistry"
        LOCATION = "location", "Exact location"

    well = models.ForeignKey(Well, on_delete=models.CASCADE, related_name="consents")
    data_type = models.CharField(max_length=16, choices=DataType.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(blank=True, help_text="e.g. how the owner agreed (letter, form).")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["well", "data_type", "-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["well", "data_type"],
                condition=models.Q(revoked_at__isnull=True),
                name="ownerconsent_one_in_force",
                violation_error_message="This well already has a consent in force for that "
                "data; revoke it first.",
            ),
        ]

    def __str__(self) -> str:
        state = f"revoked {self.revoked_at:%Y-%m-%d}" if self.revoked_at else "in force"
        return f"{self.well.site_no}: {self.get_data_type_display()} ({state})"


class Sensor(TimestampedModel):
    """A pressure transducer or other logger."""

    serial_no = models.CharField("serial number", max_length=64, unique=True)
    model = models.CharField(max_length=120, blank=True)
    manufacturer = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["serial_no"]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.model} #{self.serial_no}".strip()


class Deployment(TimestampedModel):
    """A sensor installed in a well between two dates (removed_on empty: still there)."""

    sensor = models.ForeignKey(Sensor, on_delete=models.PROTECT, related_name="deployments")
    well = models.ForeignKey(Well, on_delete=models.CASCADE, related_name="deployments")
    installed_on = models.DateField()
    removed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-installed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True)
                | models.Q(removed_on__gte=models.F("installed_on")),
                name="deployment_removed_after_installed",
                violation_error_message="A sensor cannot be removed before it was installed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sensor} in {self.well.site_no} from {self.installed_on}"


def validate_aware(value) -> None:
    if value is not None and timezone.is_naive(value):
        raise ValidationError(
            "%(value)s has no time zone; give an offset (e.g. -07:00) or a zone.",
            params={"value": value},
        )


class Observation(models.Model):
    """One water level: depth to water below land surface at a time, with how and by whom.

    ``depth_to_water_ft`` is empty when the well was dry or obstructed; the level status
    then says why. Negative depths are legal (a flowing well's head above land surface).
    """

    class Source(models.TextChoices):
        MANUAL = "manual", "Manual"
        TRANSDUCER = "transducer", "Transducer"
        IMPORT = "import", "Import"

    well = models.ForeignKey(Well, on_delete=models.CASCADE, related_name="observations")
    observed_at = models.DateTimeField("observed at (UTC)", validators=[validate_aware])
    depth_to_water_ft = models.FloatField(
        null=True,
        blank=True,
        validators=LIMITS["depth_to_water_ft"].validators(),
        help_text="Below land surface; negative above it (flowing). Empty when dry.",
    )
    water_level_elevation_ft = models.FloatField(
        null=True, blank=True, validators=LIMITS["water_level_elevation_ft"].validators()
    )
    elevation_datum = models.CharField(max_length=16, blank=True, help_text="e.g. NAVD88")
    measuring_point_height_ft = models.FloatField(
        null=True,
        blank=True,
        validators=LIMITS["measuring_point_height_ft"].validators(),
    )
    method = models.CharField(max_length=32, blank=True, help_text="Lexicon: method.")
    level_status = models.CharField(
        max_length=32, default="static", help_text="Lexicon: level status."
    )
    data_quality = models.CharField(
        max_length=32, default="provisional", help_text="Lexicon: data quality."
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    measured_by = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)
    sensor = models.ForeignKey(
        Sensor, on_delete=models.SET_NULL, null=True, blank=True, related_name="observations"
    )
    flags = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text="Plausibility warnings, comma-separated (apps/monitoring/plausibility.py).",
    )
    # A database default: bulk writers (COPY, imports) leave the column to it.
    release_status = models.CharField(
        max_length=8,
        choices=Release.choices,
        default=Release.PUBLIC,
        db_default=Release.PUBLIC,
        help_text="Private: withheld from the public even where the well's readings are public.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = ReadingHistory(excluded_fields=["created_at"])

    class Meta:
        ordering = ["well", "observed_at"]
        constraints = [
            # The idempotency key of every import, and the index behind "one well's series
            # in time order": (well, observed_at) serves both.
            models.UniqueConstraint(
                fields=["well", "observed_at"],
                name="observation_unique_well_time",
                violation_error_message="This well already has a reading at that time.",
            ),
            models.CheckConstraint(
                condition=models.Q(depth_to_water_ft__isnull=False)
                | models.Q(level_status__in=NO_VALUE_STATUSES),
                name="observation_value_or_reason",
                violation_error_message=MISSING_DEPTH,
            ),
        ]
        indexes = [
            models.Index(fields=["observed_at"], name="observation_time_idx"),
            # The admin's "approved only" / "provisional only", newest first (ADR-0008).
            models.Index(fields=["data_quality", "observed_at"], name="observation_quality_idx"),
        ]

    def __str__(self) -> str:
        # Labelled by the well's site number, as people know it (the admin lists load the
        # well with the reading; elsewhere this is one query).
        value = "—" if self.depth_to_water_ft is None else f"{self.depth_to_water_ft} ft"
        return f"{self.well.site_no} @ {self.observed_at:%Y-%m-%d %H:%M} UTC {value}"

    # Each lexicon-coded field and its vocabulary.
    LEXICON_FIELDS = {
        "method": LexiconTerm.Category.METHOD,
        "level_status": LexiconTerm.Category.LEVEL_STATUS,
        "data_quality": LexiconTerm.Category.DATA_QUALITY,
    }

    def clean(self) -> None:
        errors = lexicon_errors(self, self.LEXICON_FIELDS)
        if errors:
            raise ValidationError(errors)


class Sample(TimestampedModel):
    """A water sample taken from a well for chemistry."""

    well = models.ForeignKey(Well, on_delete=models.CASCADE, related_name="samples")
    sampled_at = models.DateTimeField("sampled at (UTC)", validators=[validate_aware])
    collected_by = models.CharField(max_length=120, blank=True)
    laboratory = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)
    release_status = models.CharField(
        max_length=8,
        choices=Release.choices,
        default=Release.PUBLIC,
        help_text="Private: withheld from the public even where the well's chemistry is public.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["well", "-sampled_at"]

    def __str__(self) -> str:
        return f"{self.well.site_no} sample {self.sampled_at:%Y-%m-%d}"


class SampleResult(models.Model):
    """One analyte's result for a sample. ``below_detection`` means ``value`` is the
    detection limit, not a measured concentration."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="results")
    analyte = models.CharField(max_length=64)
    value = models.FloatField(validators=[validate_finite])
    unit = models.CharField(max_length=16, help_text="e.g. mg/L, µS/cm, pH units")
    below_detection = models.BooleanField(default=False)

    class Meta:
        ordering = ["sample", "analyte"]
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "analyte"], name="sampleresult_unique_analyte"
            ),
        ]

    def __str__(self) -> str:
        prefix = "<" if self.below_detection else ""
        return f"{self.analyte} {prefix}{self.value} {self.unit}"


class WellSummary(models.Model):
    """Per-well figures that `manage.py rebuild_stats` computes and swaps in at once.

    The trend is trends.well_trend's (Seasonal Kendall and Sen's slope on monthly medians of
    static levels, over the last ten years of the record or all of it when shorter): the
    slope in ft/year (positive: the water table is falling), its p-value and the months it
    used. Services refresh a well's row in the transaction that changes its readings;
    `manage.py rebuild_stats` recomputes them all.
    """

    well = models.OneToOneField(
        Well, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    observation_count = models.PositiveIntegerField()
    first_observed_at = models.DateTimeField(null=True)
    last_observed_at = models.DateTimeField(null=True)
    # The same for the readings that are themselves released: /api/stats sums these over
    # the wells the public may see (ADR-0013), instead of counting readings.
    public_observation_count = models.PositiveIntegerField(default=0)
    public_last_observed_at = models.DateTimeField(null=True)
    last_depth_to_water_ft = models.FloatField(null=True)
    min_depth_to_water_ft = models.FloatField(null=True)
    median_depth_to_water_ft = models.FloatField(null=True)
    max_depth_to_water_ft = models.FloatField(null=True)
    trend_ft_per_year = models.FloatField(null=True)
    trend_p_value = models.FloatField(null=True)
    trend_start = models.DateField(null=True, help_text="First month the trend used.")
    trend_end = models.DateField(null=True, help_text="Last month the trend used.")
    trend_months = models.PositiveIntegerField(null=True, help_text="Monthly medians used.")
    change_12_months_ft = models.FloatField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "well summaries"

    def __str__(self) -> str:
        return f"Summary of {self.well_id} ({self.observation_count} readings)"

    @property
    def trend_direction(self) -> str | None:
        """ "water falling", "water rising" or "no significant trend" (p < 0.05)."""
        if self.trend_ft_per_year is None:
            return None
        if self.trend_p_value is None or self.trend_p_value >= trends.SIGNIFICANCE:
            return "no significant trend"
        return "water falling" if self.trend_ft_per_year > 0 else "water rising"

    @property
    def trend_method(self) -> str | None:
        return trends.METHOD if self.trend_ft_per_year is not None else None


class ReadingDay(models.Model):
    """How many readings a well has on one recent UTC day (all of them, and those
    themselves released), kept beside its WellSummary by the same writes. /api/stats counts
    "the last 30 days" from these rows instead of from the readings (ADR-0013); days older
    than RECENT_DAYS are not kept, since the window only moves away from them."""

    RECENT_DAYS = 31

    well = models.ForeignKey(Well, on_delete=models.CASCADE, related_name="reading_days")
    day = models.DateField()
    observation_count = models.PositiveIntegerField()
    public_observation_count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["well", "day"], name="readingday_unique")]
        indexes = [models.Index(fields=["day"], name="readingday_day_idx")]

    def __str__(self) -> str:
        return f"{self.well_id} on {self.day}: {self.observation_count} readings"
