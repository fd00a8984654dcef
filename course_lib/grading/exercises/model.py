"""What an exercise is: its cases, its classic mistakes, its trusted reference.

An :class:`Exercise` is defined once, in a bank module (``course_lib/grading/exercises/bank/``),
and names everything needed to judge an answer: the name the student defines, its points, the
public and hidden test :class:`Case` s (plain data only, :mod:`.plain`, so that they can cross to
a sandboxed process), how the expected output is obtained (a trusted reference), and the classic
:class:`Mistake` s whose output earns a specific hint. Judging lives in
:mod:`course_lib.grading.judging`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable

from course_lib.grading.exercises.plain import Fixture, to_plain


class Kind(str, Enum):
    """What the student writes: a function, or a value (a number, a tuple of predictions, a dict)."""

    FUNCTION = "function"
    VALUE = "value"

    def __str__(self) -> str:
        return self.value


class Scoring(str, Enum):
    """How an exercise's points are earned.

    ``ALL_OR_NOTHING``: every public and hidden case must pass. ``PER_CASE``: each passed case earns its
    share of the points, a public case weighing ``Exercise.weights[0]`` and a hidden one ``weights[1]``
    (:mod:`course_lib.grading.judging.scoring`). Under either policy the loop-free rule and the rule
    against reusing the reference zero the exercise.
    """

    ALL_OR_NOTHING = "all-or-nothing"
    PER_CASE = "per-case"

    def __str__(self) -> str:
        return self.value


def check_weights(weights, what: str) -> tuple:
    """``weights`` as a ``(public, hidden)`` pair of finite non-negative floats, not both 0; else ValueError."""
    try:
        public, hidden = (float(w) for w in weights)
    except (TypeError, ValueError):
        raise ValueError(f"{what}: expected two numbers (public, hidden), got {weights!r}") from None
    if not all(0.0 <= w < float("inf") for w in (public, hidden)) or public + hidden == 0.0:
        raise ValueError(f"{what}: expected finite weights >= 0, not both 0, got ({public:g}, {hidden:g})")
    return public, hidden


@dataclass(frozen=True)
class ScoringRule:
    """A scoring policy with its case weights: ``public`` and ``hidden`` are each case's weight."""

    policy: Scoring = Scoring.ALL_OR_NOTHING
    public: float = 1.0
    hidden: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "policy", Scoring(self.policy))
        public, hidden = check_weights((self.public, self.hidden), "scoring weights")
        object.__setattr__(self, "public", public)
        object.__setattr__(self, "hidden", hidden)

    def describe(self) -> str:
        """The rule in words ("all-or-nothing", "per-case (public 1, hidden 2)")."""
        if self.policy == Scoring.ALL_OR_NOTHING:
            return str(self.policy)
        return f"{self.policy} (public {self.public:g}, hidden {self.hidden:g})"


@dataclass(frozen=True)
class Case:
    """One test input for an exercise.

    Attributes
    ----------
    args : tuple
        Positional arguments for the student's function (numbers, strings, ndarrays, or
        :class:`Fixture` references); empty for a value exercise.
    label : str
        What the case is, as a student reads it ("the lecture's worked example").
    """

    args: tuple = ()
    label: str = ""



@dataclass(frozen=True)
class Mistake:
    """A classic mistake, recognised by the output it produces.

    Attributes
    ----------
    name : str
        Short identifier ("includes_correct_class").
    hint : str
        What to tell the student ("did you include j = y_i in the sum?").
    implementation : callable
        Same signature as the answer; reproduces the mistake. For a value exercise, a
        callable with no arguments returning the mistaken value.
    covers : tuple of str
        Generic signatures (``"generic:overflow"``) that this mistake's hint explains better in
        this exercise: an answer showing one of them, and matching no mistake's output, is told
        this mistake (the overflow of an unshifted exp, however the answer then patches its NaN).
    """

    name: str
    hint: str
    implementation: Callable
    covers: tuple = ()


@dataclass(frozen=True)
class Exercise:
    """A graded exercise.

    Attributes
    ----------
    id : str
        The nbgrader ``grade_id`` of the answer cell (letters, digits, ``_``, ``-``).
    notebook : str
        Stem of the source notebook ("03_multiclass_svm").
    answer : str
        Name the student defines in the answer cell: a function, or a variable for a
        value exercise.
    points : float
    kind : Kind
        A function to write, or a value to find (a number, a tuple of predictions...).
    reference : callable
        Trusted source of expected outputs: called like the answer (a function exercise)
        or with no arguments (a value exercise).
    public, hidden : tuple of Case
        Public cases run by ``check`` in the notebook; hidden ones only by the autograder.
    mistakes : tuple of Mistake
    output_names : tuple of str
        Names of the parts of a tuple output, for messages ("loss", "dscores").
    rtol, atol : float
        Tolerances of the comparison.
    forbidden : tuple of str
        course_lib names that an answer may not call (the reference it must not reuse).
    family : str
        What kind of exercise it is, for the generic hints ("hinge", "softmax", "regression",
        "penalty", "gradient", "optimizer", "search", "data"): a hint is only told where it can be
        true (no overflow hint without an exponential). Empty: inferred from the id and notebook
        (:func:`family_of`).
    loop_free : bool
        The answer must not loop in Python (a "vectorized" exercise): its Python-level steps are
        counted while it runs on ``loop_probe`` (:func:`course_lib.grading.judging.conduct.measure_loops`).
    loop_probe : tuple of Case
        For a loop-free exercise: a small and a large input (every dimension that a loop could run
        over larger in the second, by 8 or more), on which the answer's steps must not grow.
    judge : callable, optional
        ``judge(case, actual) -> Verdict`` replacing the comparison with the reference:
        for answers with more than one right output (an outcome judge, named as a
        :class:`~course_lib.grading.exercises.plain.NamedJudge` of
        :mod:`course_lib.grading.exercises.judges` so that the release carries it), or a
        prediction graded for commitment (:mod:`course_lib.grading.exercises.commitment`).
    scoring : Scoring
        All-or-nothing (the default) or points per case; a course may override it
        (:mod:`course_lib.grading.exercises.course_config`).
    weights : tuple of float
        ``(public, hidden)``: the weight of each public and of each hidden case under per-case scoring.
    """

    id: str
    notebook: str
    answer: str
    points: float
    kind: Kind = Kind.FUNCTION
    reference: Callable | None = None
    public: tuple = ()
    hidden: tuple = ()
    mistakes: tuple = ()
    output_names: tuple = ()
    rtol: float = 1e-6
    atol: float = 1e-8
    forbidden: tuple = ()
    judge: Callable | None = None
    title: str = field(default="")
    loop_free: bool = False
    family: str = ""
    loop_probe: tuple = ()
    scoring: Scoring = Scoring.ALL_OR_NOTHING
    weights: tuple = (1.0, 1.0)

    def __post_init__(self):
        object.__setattr__(self, "kind", Kind(self.kind))  # a bank module may write "value"
        object.__setattr__(self, "scoring", Scoring(self.scoring))
        object.__setattr__(self, "weights", check_weights(self.weights, f"{self.id}: weights"))

    @property
    def rule(self) -> ScoringRule:
        """The scoring rule the bank declares (a course may override it)."""
        return ScoringRule(self.scoring, *self.weights)
        if self.loop_free and not (len(self.loop_probe) == 2 and all(isinstance(c, Case) for c in self.loop_probe)):
            raise ValueError(f"{self.id}: loop_probe: a loop-free exercise declares two Cases (a small and a large "
                             f"input), got {self.loop_probe!r}")

    def cases(self, include_hidden: bool):
        """Public cases, then hidden ones if asked: list of ``(case, is_hidden)``."""
        out = [(c, False) for c in self.public]
        if include_hidden:
            out += [(c, True) for c in self.hidden]
        return out



def resolve_args(args: tuple) -> tuple:
    """Fresh copies of a case's arguments, fixtures resolved (the answer may mutate them)."""
    return tuple(a.resolve() if isinstance(a, Fixture) else copy.deepcopy(a) for a in args)


def expected_output(exercise: Exercise, case: Case):
    """The trusted expected output for a case, as plain data."""
    if exercise.kind == Kind.VALUE:
        return to_plain(exercise.reference())
    return to_plain(exercise.reference(*resolve_args(case.args)))


# --- families: which generic hints can be true for an exercise --------------------------------

FAMILIES = ("hinge", "softmax", "regression", "penalty", "gradient", "optimizer", "search", "data")

# Exercises whose id names a family other than their notebook's.
_ID_FAMILY = {
    "cat_hinge_loss": "hinge", "svm_predictions": "hinge", "ridge_closed_form": "regression",
    "train_epochs": "optimizer", "grid_search": "search", "random_local_search": "search",
    "crosses_kink": "hinge", "regularized_objective": "penalty",
}
_NOTEBOOK_FAMILY = {"00": "data", "01": "data", "02": "regression", "03": "hinge", "04": "penalty",
                    "05": "softmax", "06": "", "07": "search", "08": "gradient", "09": "optimizer",
                    "10": "optimizer", "11": "data"}


def family_of(exercise: Exercise) -> str:
    """The exercise's family (one of :data:`FAMILIES`), or '' when unknown (then every hint applies)."""
    declared = getattr(exercise, "family", "")
    if declared:
        return declared
    if exercise.id in _ID_FAMILY:
        return _ID_FAMILY[exercise.id]
    for word, family in (("svm", "hinge"), ("hinge", "hinge"), ("softmax", "softmax")):
        if word in exercise.id:
            return family
    return _NOTEBOOK_FAMILY.get(exercise.notebook[:2], "")
