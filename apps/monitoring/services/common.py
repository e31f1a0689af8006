"""What every service that updates a model does the same way."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def model_update[M: models.Model](
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any]
) -> tuple[M, list[str]]:
    """Set the allowed ``fields`` that ``data`` changes on ``instance``, validate it and
    save just those columns (HackSoft's model_update). A key of ``data`` outside ``fields``
    is refused by name: a caller cannot widen what an update may touch. Returns the
    instance and the names of the fields that changed (none: nothing is saved)."""
    allowed = set(fields)
    refused = sorted(set(data) - allowed)
    if refused:
        raise ValidationError({name: "This field cannot be changed here." for name in refused})
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    if not changed:
        return instance, []
    for name in changed:
        setattr(instance, name, data[name])
    instance.full_clean(validate_constraints=False)
    update_fields = list(changed)
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        update_fields.append("updated_at")  # auto_now is only written when named
    instance.save(update_fields=update_fields)
    return instance, changed
