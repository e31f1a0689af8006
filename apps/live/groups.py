"""Channel-layer group names. Layers accept ASCII letters, digits, hyphens, underscores and
periods (under 100 characters), so a site number is encoded to fit."""

import hashlib
import re

STATS_GROUP = "stats"
_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


def well_group(site_no: str) -> str:
    if _SAFE.match(site_no):
        return f"well.{site_no}"
    return f"well.h{hashlib.sha1(site_no.encode()).hexdigest()[:40]}"
