"""A course's own settings for grading, in one file: scoring overrides and assignments.

The grader reads ``course.toml`` at the root of the course repository (beside ``notebooks/``) when it
exists, or the file given with ``--config``::

    # course.toml
    [scoring]                       # optional: every exercise not listed below
    policy = "per-case"             # "all-or-nothing" or "per-case"
    public_weight = 1               # each public case's weight (per-case)
    hidden_weight = 2               # each hidden case's weight (per-case)

    [scoring.exercises.softmax_loss_vectorized]   # one exercise, by its id
    policy = "all-or-nothing"

    [assignments]                   # an assignment: the notebooks it grades (a stem or its number)
    hw2 = ["03", "05"]

Without a file (or without a table) the bank's declarations stand (:class:`.model.Exercise`'s
``scoring`` and ``weights``). TOML needs Python 3.11's ``tomllib`` (or ``tomli``); the same settings may
be given as JSON (``.json``), which is what the Gradescope bundle carries so that Python 3.10 reads it.
Every mistake is a ``ValueError`` that names the key, what was expected and what was found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from course_lib.grading.exercises.model import Exercise, Scoring, ScoringRule

FILE_NAME = "course.toml"
_RULE_KEYS = {"policy", "public_weight", "hidden_weight"}


@dataclass(frozen=True)
class CourseConfig:
    """The course's settings: ``default`` (a rule for every exercise, or None), ``exercises`` (exercise id ->
    rule), ``assignments`` (name -> notebook stems) and ``source`` (the file read, '' if none)."""

    default: ScoringRule | None = None
    exercises: dict = field(default_factory=dict)
    assignments: dict = field(default_factory=dict)
    source: str = ""

    def rule_for(self, exercise: Exercise) -> ScoringRule:
        """The rule in force for ``exercise``: the course's for it, else the course's default, else the bank's."""
        return self.exercises.get(exercise.id) or self.default or exercise.rule

    def fingerprint(self) -> str:
        """What of the settings can change a grade, as text (for the grader's cache key)."""
        rules = sorted((k, v.describe()) for k, v in self.exercises.items())
        return repr((self.default.describe() if self.default else None, rules))

    def to_json(self) -> dict:
        """The settings as the JSON form :func:`parse` reads back."""
        def rule(r: ScoringRule) -> dict:
            return {"policy": str(r.policy), "public_weight": r.public, "hidden_weight": r.hidden}

        scoring = {**(rule(self.default) if self.default else {}),
                   "exercises": {k: rule(v) for k, v in sorted(self.exercises.items())}}
        return {"scoring": scoring, "assignments": {k: list(v) for k, v in self.assignments.items()}}


def _rule(table, where: str) -> ScoringRule:
    if not isinstance(table, dict):
        raise ValueError(f"{where}: expected a table (policy, public_weight, hidden_weight), got {table!r}"[:200])
    unknown = sorted(set(table) - _RULE_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(_RULE_KEYS))}")
    policy = table.get("policy", str(Scoring.ALL_OR_NOTHING))
    if policy not in {s.value for s in Scoring}:
        raise ValueError(f"{where}.policy: expected one of {', '.join(s.value for s in Scoring)}, got {policy!r}")
    return ScoringRule(Scoring(policy), _weight(table, "public_weight", where), _weight(table, "hidden_weight", where))


def _weight(table: dict, key: str, where: str) -> float:
    value = table.get(key, 1.0)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float("inf"):
        raise ValueError(f"{where}.{key}: expected a finite number >= 0, got {value!r}")
    return float(value)


def notebook_stems(names, stems: list) -> tuple:
    """Each of ``names`` ("03" or "03_multiclass_svm") as one of the workbook's notebook ``stems``."""
    found = []
    for name in names:
        name = str(name)
        matches = [s for s in stems if s == name or s.split("_", 1)[0] == name]
        if len(matches) != 1:
            raise ValueError(f"notebooks: {name!r} names {'no' if not matches else 'more than one'} notebook of "
                             f"this workbook; expected one of {', '.join(stems)} (or its number)")
        if matches[0] not in found:
            found.append(matches[0])
    return tuple(found)


def parse(data, exercises: dict, stems: list, source: str = "") -> CourseConfig:
    """Settings from decoded TOML/JSON ``data``; ``exercises``: the bank (id -> Exercise), ``stems``: its notebooks."""
    if not isinstance(data, dict):
        raise ValueError(f"{source or 'course config'}: expected a table at the top, got {type(data).__name__}")
    unknown = sorted(set(data) - {"scoring", "assignments"})
    if unknown:
        raise ValueError(f"{source}: unknown table(s) {', '.join(unknown)}; expected scoring, assignments")
    scoring = dict(data.get("scoring", {}))
    per_exercise = scoring.pop("exercises", {})
    if not isinstance(per_exercise, dict):
        raise ValueError("scoring.exercises: expected a table per exercise id")
    missing = sorted(set(per_exercise) - set(exercises))
    if missing:
        raise ValueError(f"scoring.exercises: no exercise {', '.join(map(repr, missing))} in the bank "
                         f"(exercise ids look like {', '.join(sorted(exercises)[:3])})")
    rules = {key: _rule(table, f"scoring.exercises.{key}") for key, table in per_exercise.items()}
    assignments = data.get("assignments", {})
    if not isinstance(assignments, dict) or not all(isinstance(v, list) and v for v in assignments.values()):
        raise ValueError("assignments: expected name = [notebooks...] (a non-empty list each)")
    return CourseConfig(_rule(scoring, "scoring") if scoring else None, rules,
                        {name: notebook_stems(names, stems) for name, names in assignments.items()}, source)


def _decode(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--config: {path} is not valid JSON ({exc})") from None
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise ValueError(f"--config: reading {path} needs Python 3.11+ (tomllib) or tomli; give the same "
                             f"settings as JSON instead") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"--config: {path} is not valid TOML ({exc})") from None


def load(path=None, default_dir=None) -> CourseConfig:
    """The course's settings from ``path``, else ``default_dir/course.toml`` if it exists, else none (the bank's).

    Raises ValueError (a missing ``path``, a file that does not parse, a wrong key or value).
    """
    from course_lib.grading.exercises.bank import all_exercises

    if path is None:
        candidate = Path(default_dir) / FILE_NAME if default_dir is not None else None
        if candidate is None or not candidate.is_file():
            return CourseConfig()
        path = candidate
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"--config: no such file: {path}")
    bank = {ex.id: ex for ex in all_exercises()}
    stems = sorted({ex.notebook for ex in bank.values()})
    return parse(_decode(path), bank, stems, str(path))
