"""A corpus of small views, class-based views, consumers and middleware as a team new to
async Django writes them, each labelled with what it is (``@case``): the checklist's
analyser must flag every unsafe one and none of the safe ones (tests/ops/test_corpus.py),
and ``make checklist-eval`` prints its rates beside ruff's ASYNC rules and Django's own
``SynchronousOnlyOperation`` on the same cases (tests/ops/corpus/evaluate.py, ADR-0004).

Every case is also runnable: the evaluation serves each through Django's async handler
against a throwaway database, so the runtime column is what Django really raises. Network
cases talk to 127.0.0.1:9, where nothing listens, and fail fast.
"""

from dataclasses import dataclass

from apps.ops.checklist.analysis import DRIVER, NATIVE, OFFLOADED, UNKNOWN, UNSAFE

__all__ = ["DRIVER", "NATIVE", "OFFLOADED", "UNKNOWN", "UNSAFE", "Case", "case", "CASES"]

SITE = "CORPUS-1"  # the well every case reads; the evaluation creates it
NOWHERE = ("127.0.0.1", 9)  # the discard port: nothing listens, connections are refused


@dataclass(frozen=True)
class Case:
    target: object  # a function view, a View class, a consumer class or a middleware class
    expected: str
    category: str
    # What the analyser is known to get wrong (it says ``missed_as``): kept in the corpus so
    # the rates are honest, and tested as misses so that a fix updates the label.
    missed_as: str | None = None

    @property
    def name(self) -> str:
        return f"{self.target.__module__.rsplit('.', 1)[-1]}.{self.target.__qualname__}"

    @property
    def unsafe(self) -> bool:
        return self.expected in (UNSAFE, UNKNOWN)


CASES: list[Case] = []


def case(expected: str, category: str, *, missed_as: str | None = None):
    """Label a corpus entry; returns it unchanged (no wrapper for the analyser to read)."""

    def label(target):
        CASES.append(Case(target, expected, category, missed_as))
        return target

    return label


def all_cases() -> list[Case]:
    from . import (  # noqa: F401 - importing registers the cases
        apis,
        blocking,
        contexts,
        helpers,
        offloading,
        querysets,
        relations,
    )

    return list(CASES)
