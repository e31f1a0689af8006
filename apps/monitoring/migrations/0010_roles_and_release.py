"""Roles as groups, and what was public before release and consent existed (ADR-0012).

The roles are apps/monitoring/roles.py's, one definition for this migration and the tests
(as the lexicon's is services.lexicon_seed's)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

from apps.monitoring.roles import ROLES, roles_ensure

CARRIED_OVER = (
    "Recorded by migration 0010: this well's data was public before Piezo recorded "
    "owners' consent. Confirm with the owner, or revoke."
)


def roles_create(apps, schema_editor):
    # Permissions are made after all migrations by default; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_ensure(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
    )


def roles_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


def release_carry_over(apps, schema_editor):
    """Wells that existed were public: they stay so, and where a well has an owner the
    consent it implied is recorded, marked for a data manager to confirm."""
    Well = apps.get_model("monitoring", "Well")
    OwnerConsent = apps.get_model("monitoring", "OwnerConsent")
    Well.objects.update(release_status="public")
    owned = Well.objects.filter(well_contacts__role="owner").distinct().values_list("pk", flat=True)
    now = timezone.now()
    OwnerConsent.objects.bulk_create(
        OwnerConsent(well_id=pk, data_type=data_type, recorded_at=now, notes=CARRIED_OVER)
        for pk in owned.iterator()
        for data_type in ("water_levels", "chemistry", "location")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0009_visibility_and_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(roles_create, roles_delete),
        migrations.RunPython(release_carry_over, migrations.RunPython.noop),
    ]
