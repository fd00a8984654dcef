"""The one result model: a case, an exercise, a submission (plain data, round-trips through JSON).

The judge (:func:`course_lib.grading.judging.judge.judge`) makes an :class:`ExerciseResult`, in
``check()`` and in the grader alike. A :class:`SubmissionResult` holds one submission's grade: a
status, and one :class:`ExerciseResult` per exercise of its notebook; the grader's cache stores it
as JSON, and :mod:`course_lib.grading.reports.outputs` writes it as feedback, CSV rows and
Gradescope results, which the class report reads back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from course_lib.grading.judging.scoring import total_points

_IN_PROCESS = ("hint", "expected", "actual")  # a case's fields for check()'s report only: never stored


@dataclass
class CaseResult:
    """One test case: ``label`` (empty for hidden ones), ``passed``, and a ``message`` if not.

    ``outcome`` is a :class:`~course_lib.grading.statuses.CaseOutcome`; a hidden case's is only ever
    "passed" or "failed". A case that did not pass keeps the ``fingerprint`` of what the answer did
    (:mod:`course_lib.grading.judging.fingerprint`: a digest, never the output), and a public one a
    ``shown`` summary of its wrong output, both for the instructor's class report. ``hint``,
    ``expected`` and ``actual`` (public cases) serve ``check()``'s report in the notebook and are not
    stored.
    """

    label: str
    hidden: bool
    passed: bool
    message: str = ""
    outcome: str = ""
    fingerprint: str = ""
    shown: str = ""
    hint: str = field(default="", compare=False)
    expected: object = field(default=None, compare=False, repr=False)
    actual: object = field(default=None, compare=False, repr=False)


@dataclass
class ExerciseResult:
    """One exercise of a submission: its ``status`` (one of ``tuple(Status)``) and score."""

    id: str
    title: str
    points: float
    score: float
    status: str
    message: str = ""
    hint: str = ""
    cases: list = field(default_factory=list)
    mistakes: list = field(default_factory=list)  # Mistake.name ids recognised, public and hidden cases
    hints: dict = field(default_factory=dict)  # mistake id -> its hint text
    scoring: str = ""  # the scoring rule applied, in words ("all-or-nothing", "per-case (public 1, hidden 2)")

    @property
    def partial(self) -> bool:
        """Whether it earned some of its points but not all."""
        return 0.0 < self.score < self.points

    def _keyed_cases(self) -> list:
        """``("public k" / "hidden k", case)`` of every case (k 1-based within each kind)."""
        out, counts = [], {True: 0, False: 0}
        for case in self.cases:
            counts[case.hidden] += 1
            out.append((f"{'hidden' if case.hidden else 'public'} {counts[case.hidden]}", case))
        return out

    @property
    def failed_cases(self) -> list:
        """``"public k"`` / ``"hidden k"`` (1-based within each kind) of every case that did not pass."""
        return [key for key, case in self._keyed_cases() if not case.passed]

    @property
    def behaviour(self) -> dict:
        """``{"public k" / "hidden k": fingerprint}`` of the cases that did not pass (those fingerprinted)."""
        return {key: case.fingerprint for key, case in self._keyed_cases() if not case.passed and case.fingerprint}

    @property
    def wrong_outputs(self) -> dict:
        """``{"public k": "label: the output summarised"}`` of the failed public cases with a summary."""
        return {key: f"{case.label}: returned {case.shown}" for key, case in self._keyed_cases()
                if not case.passed and not case.hidden and case.shown}

    @property
    def example(self) -> str:
        """The first failing public case's label and message (no code, no name), or ''."""
        case = next((c for c in self.cases if not c.hidden and not c.passed and c.message), None)
        return f"{case.label}: {case.message}" if case else ""


@dataclass
class SubmissionResult:
    """One submission: ``status`` ("ok" or why it could not be graded), its exercises.

    ``retried_steps`` counts the steps the grader ran again because the machine kept them from
    running in time (waiting for a CPU is never charged to the student).
    """

    notebook: str
    status: str
    message: str = ""
    exercises: list = field(default_factory=list)
    max_score: float = 0.0
    isolation: str = ""
    written: dict = field(default_factory=dict)  # written-question id -> the student's answer text
    retried_steps: int = 0

    @property
    def score(self) -> float:
        """The sum of the exercises' scores (each rounded once, by the judge: :mod:`..judging.scoring`)."""
        return total_points(ex.score for ex in self.exercises)

    def to_json(self) -> dict:
        data = asdict(self)
        for exercise in data["exercises"]:
            for case in exercise["cases"]:
                for name in _IN_PROCESS:
                    case.pop(name, None)
        return data

    @classmethod
    def from_json(cls, data: dict) -> SubmissionResult:
        exercises = [ExerciseResult(**{**ex, "cases": [CaseResult(**c) for c in ex["cases"]]})
                     for ex in data["exercises"]]
        return cls(data["notebook"], data["status"], data["message"], exercises, data["max_score"],
                   data.get("isolation", ""), data.get("written", {}), data.get("retried_steps", 0))
