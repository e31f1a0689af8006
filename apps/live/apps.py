from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "apps.live"
    label = "live"
    verbose_name = "Live updates"

    def ready(self) -> None:
        from apps.monitoring.events import event_subscribe

        from .publisher import live_event_forward

        event_subscribe(live_event_forward)
