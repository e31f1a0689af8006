"""Settings: ``base`` holds what every environment shares; pick one of ``local``,
``test`` or ``production`` with DJANGO_SETTINGS_MODULE."""
