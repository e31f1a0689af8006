"""How the checklist's analyser scores on the corpus: one verdict per case, and the two
rates ADR-0004 states (unsafe cases flagged, safe cases flagged)."""

from dataclasses import dataclass

from apps.ops.checklist.analysis import UNKNOWN, UNSAFE, Analysis, analyze, analyze_class

from . import Case


def analyse(case: Case) -> Analysis:
    if isinstance(case.target, type):
        return analyze_class(case.target)
    return analyze(case.target)


def flagged(classification: str) -> bool:
    """What a team lead reads as "not safe to serve from the loop"."""
    return classification in (UNSAFE, UNKNOWN)


@dataclass(frozen=True)
class Rates:
    unsafe: int
    safe: int
    caught: int  # unsafe cases flagged
    false_alarms: int  # safe cases flagged

    @property
    def detection(self) -> float:
        return self.caught / self.unsafe if self.unsafe else 1.0

    @property
    def false_positive(self) -> float:
        return self.false_alarms / self.safe if self.safe else 0.0

    def __str__(self) -> str:
        return (
            f"{self.caught}/{self.unsafe} unsafe flagged ({self.detection:.0%}), "
            f"{self.false_alarms}/{self.safe} safe flagged ({self.false_positive:.0%})"
        )


def rates(cases: list[Case], verdicts: dict[str, bool]) -> Rates:
    """``verdicts``: case name -> flagged by the tool being scored."""
    unsafe = [c for c in cases if c.unsafe]
    safe = [c for c in cases if not c.unsafe]
    return Rates(
        len(unsafe),
        len(safe),
        sum(verdicts[c.name] for c in unsafe),
        sum(verdicts[c.name] for c in safe),
    )
