"""The migration checklist's analyser against the corpus (tests/ops/corpus): each case
classified as labelled, every unsafe case flagged, no safe case flagged (ADR-0004's
target: at least 95% and 0%)."""

import pytest

from tests.ops.corpus import all_cases
from tests.ops.corpus.scoring import analyse, flagged, rates

CASES = all_cases()


def test_the_corpus_covers_every_category_with_both_kinds():
    assert len(CASES) >= 60
    categories = {c.category for c in CASES}
    assert categories >= {
        "queryset-evaluation",
        "orm",
        "lazy-relation",
        "sync-only-api",
        "offload",
        "async-context",
        "blocking-io",
        "helpers",
    }
    for category in categories:
        kinds = {c.unsafe for c in CASES if c.category == category}
        assert kinds == {True, False}, f"{category} needs unsafe and safe cases"


@pytest.mark.parametrize("case", [c for c in CASES if not c.missed_as], ids=lambda c: c.name)
def test_each_case_is_classified_as_labelled(case):
    analysis = analyse(case)
    assert analysis.classification == case.expected, [str(f) for f in analysis.findings]


@pytest.mark.parametrize("case", [c for c in CASES if c.missed_as], ids=lambda c: c.name)
def test_each_known_miss_is_still_missed_as_recorded(case):
    """When the analyser learns one of these, this fails: move its label to the truth."""
    assert analyse(case).classification == case.missed_as


def test_detection_and_false_positive_rates_meet_the_target():
    scored = rates(CASES, {c.name: flagged(analyse(c).classification) for c in CASES})
    assert scored.detection >= 0.95, scored
    assert scored.false_alarms == 0, scored


def test_each_unsafe_finding_names_its_file_line_and_call_chain():
    by_name = {c.name: c for c in CASES}
    analysis = analyse(by_name["helpers.five_calls_deep"])
    (finding,) = [f for f in analysis.unsafe if "Well.objects.get" in f.detail]
    assert finding.file == "tests/ops/corpus/helpers.py"
    assert finding.line > 0
    assert [site["calls"].rsplit(".", 1)[-1] for site in finding.chain] == [
        "level_1",
        "level_2",
        "level_3",
        "level_4",
        "level_5",
    ]
    assert finding.chain[0]["function"].endswith("five_calls_deep")
