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


def confirmation(text: str) -> str:
    """An ADR's Confirmation section: from its heading to the next heading of any level."""
    return re.search(r"### Confirmation\n(.*?)(?=\n#{2,3} |\Z)", text, re.S)[1]


def cited(section: str) -> dict[str, set[str]]:
    """What a Confirmation section cites: test files (with test names after ``::``),
    ``make`` targets and ``manage.py`` commands."""
    tests = set(re.findall(r"`(tests/[\w/]+\.py(?:::\w+)?)", section))
    targets = set(re.findall(r"`make ([\w-]+)", section))
    commands = set(re.findall(r"manage\.py (\w+)", section))
    return {"tests": tests, "targets": targets, "commands": commands}


def test_every_test_and_command_a_confirmation_cites_exists():
    from django.core.management import get_commands

    makefile = (settings.BASE_DIR / "Makefile").read_text()
    commands = get_commands()
    missing = []
    for path in sorted((settings.BASE_DIR / "ADR").glob("*.md")):
        text = path.read_text()
        assert any(cited(confirmation(text)).values()), f"{path.name}: cites nothing runnable"
        # Proofs are cited in the phases and outcomes too (ADR-0004's "Proved by"): all of
        # them must exist.
        found = cited(text)
        for test in found["tests"]:
            file, _, name = test.partition("::")
            source = settings.BASE_DIR / file
            if not source.exists():
                missing.append(f"{path.name}: {file}")
            elif name and not re.search(rf"^(async )?def {name}\b", source.read_text(), re.M):
                missing.append(f"{path.name}: {test}")
        missing += [
            f"{path.name}: make {t}"
            for t in found["targets"]
            if not re.search(rf"^{t}:", makefile, re.M)
        ]
        missing += [f"{path.name}: manage.py {c}" for c in found["commands"] if c not in commands]
    assert missing == [], missing
