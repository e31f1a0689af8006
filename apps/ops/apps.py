from django.apps import AppConfig


class OpsConfig(AppConfig):
    """How Piezo is operated and checked: system checks, the migration checklist's
    analyser, the concurrency load generator. No models; nothing in the domain imports it."""

    name = "apps.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
