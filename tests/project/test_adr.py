"""Every ADR is MADR with front matter (status, date) and a Confirmation section."""

import re

from django.conf import settings


def test_every_adr_has_status_date_and_confirmation():
    records = sorted((settings.BASE_DIR / "ADR").glob("*.md"))
    assert records, "ADR/ is empty"
    for path in records:
        assert re.fullmatch(r"\d{4}-[a-z0-9-]+\.md", path.name), path.name
        text = path.read_text()
        front = re.match(r"---\n(.*?)\n---\n", text, re.S)
        assert front, f"{path.name}: no front matter"
        assert re.search(r"^status: (proposed|accepted|superseded by \d{4})$", front[1], re.M)
        assert re.search(r"^date: \d{4}-\d{2}-\d{2}$", front[1], re.M), path.name
        assert "### Confirmation" in text, f"{path.name}: no Confirmation section"
