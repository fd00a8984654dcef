"""Generic hints: what the shape of a wrong output suggests, told only where it can be true.

The judge (:mod:`course_lib.grading.judging.judge`) first looks for one of the exercise's own
:class:`~course_lib.grading.exercises.model.Mistake` s; when none matches it asks :func:`generic_diagnosis`
for a *signature* of the difference between the expected and the actual output (a sign, a
factor N, a log base, swapped outputs, a list for an array, NaN...). Each signature has a stable
name (``generic:sign``, ``generic:factor_n``...), listed with where it applies in :data:`GENERICS`,
which the judge records like a bank mistake's name.

A signature is only claimed where it can be the mistake: the overflow hint only in an exercise
with an exponential, the hinge's j = y_i term only in a hinge exercise, "N times" only when the
input has N examples (a single example's scores have length C, not N), a log base only where a
log is taken. Where a family is unknown (an exercise built outside the bank), every signature
applies. The family of an exercise is :attr:`Exercise.family <course_lib.grading.exercises.model.Exercise>`,
or else inferred from its id and notebook by :func:`family_of`.
"""

from __future__ import annotations

import inspect
import itertools
import math
from dataclasses import dataclass

import numpy as np

from course_lib.grading.exercises import model, plain
from course_lib.grading.exercises.model import FAMILIES, family_of
from course_lib.grading.judging import mistakes

EXPONENTIAL = frozenset({"softmax"})  # families whose answers exponentiate (and take logs)
OVERFLOW_INPUT = 700.0  # np.exp overflows above ~709.8: only inputs this large can overflow

_RTOL = 1e-6  # tolerance for recognising a signature (relative, on top of the exercise's)

@dataclass(frozen=True)
class Generic:
    """One generic signature: its stable ``name``, the families it may be told in (None: all), and
    ``signature``, how it is recognised (for the instructors' hint table)."""

    name: str
    families: frozenset | None
    signature: str


_ALL = None
GENERICS = {g.name: g for g in (
    Generic("generic:missing_return", _ALL, "the function returns None"),
    Generic("generic:tuple", _ALL, "a tuple was expected, and a single value or a tuple of another length came back"),
    Generic("generic:swapped", _ALL, "every part of the tuple is right but in another order"),
    Generic("generic:container", _ALL, "a list where an array (or a tuple) was expected, or the reverse"),
    Generic("generic:state_not_returned", frozenset({"optimizer"}),
            "a later part of an update rule's output (the new state) is None, zero everywhere or the old state"),
    Generic("generic:none_part", _ALL, "one part of the output is None"),
    Generic("generic:broadcast", _ALL, "an (N,) array where (N, 1) was expected or the reverse"),
    Generic("generic:transposed", _ALL, "shape (a, b) instead of (b, a)"),
    Generic("generic:length", _ALL, "one entry (or row) too many or too few: an off-by-one in a loop"),
    Generic("generic:shape", _ALL, "any other shape difference"),
    Generic("generic:overflow", EXPONENTIAL,
            "NaN or inf where the case's inputs exceed ~700, so that np.exp overflows"),
    Generic("generic:nan", _ALL, "NaN where no input can overflow an exponential: a 0/0 (or inf - inf)"),
    Generic("generic:inf", _ALL, "inf where no input can overflow an exponential: a division by zero"),
    Generic("generic:cancellation", frozenset({"gradient"}),
            "a numerical gradient that is zero everywhere: the step h is so small that x + h == x"),
    Generic("generic:zero", _ALL, "zero everywhere where the expected value is not"),
    Generic("generic:returns_input", _ALL, "a part of the output equals one of the arguments, unchanged"),
    Generic("generic:sign", _ALL, "actual = -expected"),
    Generic("generic:step_sign", frozenset({"optimizer"}),
            "an update rule's step next_w - w is minus the expected one"),
    Generic("generic:hinge_plus_one", frozenset({"hinge"}),
            "actual = expected + 1: the sum over classes includes the j = y_i term, max(0, 1) = 1"),
    Generic("generic:plus_one", frozenset(FAMILIES) - {"hinge"}, "actual = expected + 1 (an extra term of 1)"),
    Generic("generic:factor_n", _ALL, "actual = N * expected or expected / N, N the number of examples"),
    Generic("generic:factor_c", _ALL, "actual = expected / C (or C - 1), or C (or C - 1) times it, C the number "
                                      "of classes"),
    Generic("generic:factor_n_or_c", _ALL, "a factor that is both N and C on this case (N = C)"),
    Generic("generic:c_for_n", _ALL, "actual = expected * N / C: divided by C (classes) where N (examples) was meant"),
    Generic("generic:log_base", EXPONENTIAL, "actual = expected / ln 10 or / ln 2: np.log10 or np.log2 for np.log"),
    Generic("generic:factor_two", _ALL, "actual = 2 * expected or expected / 2"),
    Generic("generic:factor", _ALL, "an array proportional to the expected one by another constant"),
)}


# Signatures inferred from a ratio, which one case can show by coincidence: the judge tells them
# only when every wrong public case shows the same one (the others are facts about a case).
INFERRED = frozenset({"generic:sign", "generic:step_sign", "generic:hinge_plus_one", "generic:plus_one",
                      "generic:factor_n",
                      "generic:factor_c", "generic:factor_n_or_c", "generic:c_for_n", "generic:log_base",
                      "generic:factor_two", "generic:factor"})


def applies(name: str, family: str) -> bool:
    """Whether the generic signature ``name`` may be told in an exercise of ``family``."""
    families = GENERICS[name].families
    return families is None or not family or family in families


# --- reading the case ------------------------------------------------------------------------

_N_FROM_LENGTH = ("y", "labels", "y_true", "y_pred", "targets", "target", "t", "pred", "outputs")
_N_FROM_ROWS = ("X", "scores", "s", "outputs")
_C_NAMES = ("scores", "s")


def _parameter_names(exercise: model.Exercise, count: int):
    try:
        params = list(inspect.signature(exercise.reference).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params) or len(params) < count:
        return None  # a stand-in (the released data bank's stored outputs): no names to read
    return [p.name for p in params[:count]]


def dimensions(exercise: model.Exercise, case: model.Case) -> tuple:
    """(N, C) of a case: the number of examples and of classes, each None when the case has none.

    Read from the reference's parameter names (``scores`` (N, C), ``y`` (N,), ``X`` (N, D),
    ``W`` (D, C), a single example's ``s`` (C,)); without names, from integer label arrays and a
    single 2-D score array. A single example has no N.
    """
    family = family_of(exercise)
    classes = family in ("hinge", "softmax", "data", "")
    args = case.args
    names = _parameter_names(exercise, len(args))
    n = c = None
    if names is not None:
        named = dict(zip(names, args))
        for key in _N_FROM_LENGTH + _N_FROM_ROWS:
            value = named.get(key)
            if isinstance(value, np.ndarray) and value.ndim >= 1 and n is None:
                if key in _N_FROM_LENGTH and value.ndim == 1 or key in _N_FROM_ROWS and value.ndim == 2:
                    n = value.shape[0]
        if classes:
            for key in _C_NAMES + ("W",):
                value = named.get(key)
                if isinstance(value, np.ndarray) and c is None and (value.ndim == 2 or key != "W"):
                    c = value.shape[-1]
            if isinstance(named.get("num_classes"), int):
                c = named["num_classes"]
        return n, c
    arrays = [a for a in args if isinstance(a, np.ndarray) and a.ndim >= 1]
    labels = [a for a in arrays if a.ndim == 1 and a.dtype.kind in "iu"]
    floats2d = [a for a in arrays if a.ndim == 2 and a.dtype.kind == "f"]
    floats1d = [a for a in arrays if a.ndim == 1 and a.dtype.kind == "f"]
    if labels:
        n = labels[0].shape[0]
    if len(floats2d) == 1 and (n is None or floats2d[0].shape[0] == n):
        n = floats2d[0].shape[0]
        c = floats2d[0].shape[1] if classes else None
    elif not labels and not floats2d and len(floats1d) == 1 and classes and family:
        c = floats1d[0].shape[0]  # a single example's scores
    return n, c


def _largest_input(args: tuple) -> float:
    values = [float(np.abs(a).max()) for a in args
              if isinstance(a, np.ndarray) and a.size and a.dtype.kind in "fiu"]
    values += [abs(float(a)) for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
    return max(values, default=0.0)


# --- comparing -------------------------------------------------------------------------------

def _same(exercise: model.Exercise, e, a) -> bool:
    try:
        return plain.compare(e, a, rtol=exercise.rtol, atol=exercise.atol).passed
    except Exception:  # odd data never matches
        return False


def _form(x):
    """What kind of thing ``x`` is, values aside: its type, or its shape for numbers."""
    if x is None or isinstance(x, (str, tuple)):
        return type(x)
    return np.shape(x)


def _failing_part(exercise: model.Exercise, expected, actual):
    """The (index, name, expected, actual) part of a tuple output that differs, else the whole.

    A part of the wrong form (None, another shape, a list) comes first: it says more than an
    earlier part whose values are off because of it (one step too many changes ``w`` *and*
    gives ``losses`` an extra entry).
    """
    names = exercise.output_names
    if isinstance(expected, tuple) and isinstance(actual, tuple) and len(expected) == len(actual):
        differing = [i for i, (e, a) in enumerate(zip(expected, actual)) if not _same(exercise, e, a)]
        formed = [i for i in differing if _form(expected[i]) != _form(actual[i])]
        for i in formed[:1] or differing[:1]:
            return i, (names[i] if i < len(names) else f"item {i}"), expected[i], actual[i]
    return None, "", expected, actual


def _scale_factor(e: np.ndarray, a: np.ndarray):
    """r with a == r * e (within tolerance), or None; needs some entry of e clearly nonzero."""
    if e.shape != a.shape or not np.isfinite(a).all() or not np.isfinite(e).all():
        return None
    scale = float(np.abs(e).max()) if e.size else 0.0
    if scale < 1e-9:
        return None
    r = float(np.dot(a.ravel(), e.ravel()) / np.dot(e.ravel(), e.ravel()))
    if not np.allclose(a, r * e, rtol=_RTOL, atol=1e-9 * scale):
        return None
    return r


def _yes_or_no(x) -> bool:
    """Whether ``x`` is a bool or an array of bools (a yes/no answer: no sign, factor or zero to read)."""
    return isinstance(x, (bool, np.bool_)) or isinstance(x, np.ndarray) and x.dtype == bool


def _near(r: float, target: float) -> bool:
    return math.isclose(r, target, rel_tol=1e-5)


def _outputs(exercise: model.Exercise, count: int) -> str:
    names = list(exercise.output_names)[:count]
    return f"({', '.join(names)})" if len(names) == count else f"a tuple of {count} values"


def _kind(x) -> str:
    if isinstance(x, plain.PlainList):
        return f"a list of {len(x)} values"
    if isinstance(x, tuple):
        return f"a tuple of {len(x)} values"
    if isinstance(x, np.ndarray):
        return f"a numpy array of shape {x.shape}"
    return "a single number" if isinstance(x, (int, float)) else type(x).__name__


# --- the signatures --------------------------------------------------------------------------

def _tuple_signatures(exercise, expected, actual):
    count = len(expected)
    wanted = _outputs(exercise, count)
    named = f" {wanted}" if wanted.startswith("(") else ""
    as_list = isinstance(expected, plain.PlainList)
    if isinstance(actual, tuple) and len(actual) == count:
        if isinstance(actual, plain.PlainList) != as_list and all(
                _same(exercise, e, a) for e, a in zip(expected, actual)):
            return ("generic:container", f"your function returned {_kind(actual)}; return "
                    + (f"a list of {count} values" if as_list else f"a tuple, `return {wanted[1:-1]}`") + ".")
        if count <= 4:
            for order in itertools.permutations(range(count)):
                if list(order) != list(range(count)) and all(
                        _same(exercise, expected[i], actual[j]) for i, j in enumerate(order)):
                    return ("generic:swapped", f"the outputs are in the wrong order: return {wanted}.")
        return None
    if not isinstance(actual, tuple):
        for i, e in enumerate(expected):
            if _same(exercise, e, actual):
                part = f"`{exercise.output_names[i]}`" if i < len(exercise.output_names) else f"item {i + 1}"
                return ("generic:tuple", f"return a tuple of {count} values{named}: yours returned only {part}.")
    return ("generic:tuple", f"return a tuple of {count} values{named}, e.g. `return loss, grad`; yours returned "
                             f"{_kind(actual)}.")


def _shape_signature(what: str, e: np.ndarray, a: np.ndarray, family: str):
    if a.ndim == 2 and a.shape == e.shape[::-1]:
        return ("generic:transposed", f"{what} has shape {a.shape}, the transpose of {e.shape}: a missing or "
                f"extra .T? (the gradient of a quantity has the quantity's shape)")
    squeezed = tuple(d for d in a.shape if d != 1) == tuple(d for d in e.shape if d != 1)
    if squeezed and e.size > 1:
        return ("generic:broadcast", f"{what} has shape {a.shape} but should have shape {e.shape}. Such arrays "
                f"broadcast silently (an (N,) array minus an (N, 1) one gives (N, N)): use .reshape or "
                f"[:, None] deliberately, or keepdims=True only where you need it.")
    if a.ndim == e.ndim >= 1 and a.shape[1:] == e.shape[1:] and abs(a.shape[0] - e.shape[0]) == 1:
        more = a.shape[0] > e.shape[0]
        unit = "entries" if e.ndim == 1 else "rows"
        loop = " (one step or iteration too many?)" if more else " (one step or iteration too few?)"
        return ("generic:length", f"{what} has {a.shape[0]} {unit} instead of {e.shape[0]}: one "
                f"{'too many' if more else 'too few'}; check where your loop starts and stops"
                + (loop if family in ("optimizer", "search", "") else "") + ".")
    if e.size == a.size:
        return ("generic:shape", f"{what} has the right number of entries but shape {a.shape} instead of {e.shape}.")
    if a.ndim == 0 and e.ndim > 0:
        return ("generic:shape", f"{what} is a single number but should have shape {e.shape}: did you sum or "
                                 f"average too much?")
    if e.ndim == 0:
        return ("generic:shape", f"{what} should be a single number, not shape {a.shape}: did you forget to sum "
                                 f"or average?")
    return None  # another shape: the case's own line says both shapes, and a guess at the cause would mislead


def _factor_signature(what: str, r: float, proportional: bool, n, c, family: str):
    exponential = not family or family in EXPONENTIAL
    n_ok = bool(n and n > 1)
    c_ok = bool(c and c > 1)
    big_n, small_n = n_ok and _near(r, n), n_ok and _near(r, 1 / n)
    big_c = c_ok and (_near(r, c) or (c > 2 and _near(r, c - 1)))
    small_c = c_ok and (_near(r, 1 / c) or (c > 2 and _near(r, 1 / (c - 1))))
    if (big_n and big_c) or (small_n and small_c):
        both = f"({n} is both N, the number of examples, and C, the number of classes, here)"
        if big_n:
            return ("generic:factor_n_or_c", f"{what} is {n} times too large {both}: did you forget to divide by "
                                             f"the number of examples N, or sum over classes where you should average?")
        return ("generic:factor_n_or_c", f"{what} is {n} times too small {both}: did you divide by N twice, or "
                                         f"average over classes where you should sum?")
    if big_n:
        return ("generic:factor_n", f"{what} is N = {n} times too large: did you forget to divide by the number "
                                    f"of examples N?")
    if small_n:
        return ("generic:factor_n", f"{what} is N = {n} times too small: did you divide by N twice, or average "
                                    f"where you should sum?")
    if n_ok and c_ok and n != c and (_near(r, n / c) or _near(r, c / n)):
        used, meant = ("C", "N") if _near(r, n / c) else ("N", "C")
        return ("generic:c_for_n", f"{what} is off by a factor {meant}/{used} (N = {n} examples, C = {c} classes "
                                   f"here): did you divide by {used} where {meant} was meant?")
    if exponential and _near(r, 1 / math.log(10)):
        return ("generic:log_base", f"{what} is off by a factor ln(10): np.log is the natural log; np.log10 is "
                                    f"base 10.")
    if exponential and (_near(r, 1 / math.log(2)) or _near(r, math.log(2))):
        return ("generic:log_base", f"{what} is off by a factor ln(2): np.log is the natural log; np.log2 is "
                                    f"base 2.")
    if small_c:
        return ("generic:factor_c", f"{what} is too small by the number of classes: did you average over classes "
                                    f"instead of summing?")
    if big_c:
        return ("generic:factor_c", f"{what} is too large by the number of classes: did you sum where you should "
                                    f"average?")
    if _near(r, 2.0) or _near(r, 0.5):
        where = {"penalty": " (the derivative of w² is 2w)", "regression": " (the derivative of e² is 2e)",
                 "gradient": " (x + h and x - h are 2h apart)"}.get(family, "")
        return ("generic:factor_two", f"{what} is {'twice' if r > 1 else 'half'} the expected value: a factor "
                                      f"of 2 is {'extra' if r > 1 else 'missing'}{where}.")
    if proportional:
        return ("generic:factor", f"{what} is {r:.4g} times the expected value: a constant factor is off.")
    return None


def generic_diagnosis(exercise: model.Exercise, case: model.Case, expected, actual):
    """``(name, hint)`` for the signature of the difference between ``expected`` and ``actual``, or None.

    Signatures, in order: no return; a tuple of another length, a list for a tuple, swapped
    outputs; a part that is None; a list for an array; shapes (broadcast, transpose, one too
    many); NaN or inf (overflow only where an exponential can overflow, else 0/0 or x/0); zero
    everywhere (cancellation in a numerical gradient; the state of an update rule not
    returned); an argument returned unchanged; the sign; exactly 1 too large; a factor (N, C,
    a log base, 2, any other for arrays). Each is told only where :func:`applies` allows.
    """
    family = family_of(exercise)
    found = _diagnosis(exercise, case, expected, actual, family)
    if found is not None and not applies(found[0], family):
        return None
    return found


def _diagnosis(exercise, case, expected, actual, family):
    """The generic signature of ``actual`` against ``expected``: first what the output is (None, a
    container, a shape), then what its numbers show (non-finite, zero, an input returned, a ratio)."""
    if actual is None:
        return ("generic:missing_return", "your function returned None: did you forget the `return` statement?")
    if isinstance(expected, tuple):
        if not isinstance(actual, tuple) or len(actual) != len(expected) or (
                isinstance(actual, plain.PlainList) != isinstance(expected, plain.PlainList)):
            return _tuple_signatures(exercise, expected, actual)
        swapped = _tuple_signatures(exercise, expected, actual)
        if swapped is not None:
            return swapped
    index, part, e, a = _failing_part(exercise, expected, actual)
    if not part and not isinstance(expected, tuple) and len(exercise.output_names) == 1:
        part = exercise.output_names[0]  # a single output with a name: "`path` is a list"
    what = f"`{part}`" if part else "your result"
    state = family == "optimizer" and bool(index)  # a later part of an update rule's output: the new state
    if a is None:
        if state:
            return ("generic:state_not_returned", f"{what} is None: is the new state computed and returned?")
        return ("generic:none_part", f"{what} is None: did you forget to compute or return it?")
    if isinstance(e, np.ndarray) and isinstance(a, tuple):
        return ("generic:container", f"{what} is {_kind(a)} but should be {_kind(e)}: build it with np.array(...) "
                                     f"or np.stack(...).")
    if isinstance(e, tuple) and isinstance(a, np.ndarray):
        return ("generic:container", f"{what} is {_kind(a)} but should be {_kind(e)}.")
    if isinstance(e, (str, tuple)) or isinstance(a, (str, tuple)):
        return None
    if _yes_or_no(e) or _yes_or_no(a):
        return None  # True is not "1 too large", nor False "zero everywhere"
    e, a = np.asarray(e, dtype=float), np.asarray(a, dtype=float)
    if e.shape != a.shape:
        return _shape_signature(what, e, a, family)
    if not np.isfinite(a).all() and np.isfinite(e).all():
        return _non_finite_signature(what, case, a, family)
    if not np.isfinite(e).all():
        return None
    return (_zero_signature(what, e, a, family, state)
            or _returned_input_signature(exercise, what, case, a, state)
            or _ratio_signature(exercise, what, case, e, a, family, index))


def _non_finite_signature(what: str, case, a: np.ndarray, family: str) -> tuple:
    """NaN or inf where the expected output is finite: an overflow on large inputs, else a division by 0."""
    exponential = not family or family in EXPONENTIAL
    if exponential and _largest_input(case.args) > OVERFLOW_INPUT:
        return overflow_diagnosis(what)
    if np.isnan(a).any():
        return ("generic:nan", f"{what} contains NaN (not a number), which comes from 0/0 or inf - inf: is "
                f"something you divide by zero on this case (a count, a norm, 1 - beta**t)?")
    return ("generic:inf", f"{what} contains inf: something you divide by is zero on this case.")


def _zero_signature(what: str, e: np.ndarray, a: np.ndarray, family: str, state: bool):
    """An output that is zero everywhere where the expected one is not (or None)."""
    scale = float(np.abs(e).max()) if e.size else 0.0
    if scale <= 1e-9 or np.any(a):
        return None
    if family == "gradient":
        return ("generic:cancellation", f"{what} is zero everywhere: with a step h far below ~1e-8 of x, x + h "
                f"rounds to x and f(x + h) - f(x - h) cancels. Use the h you are given.")
    if state:
        return ("generic:state_not_returned", f"{what} is zero everywhere: is the new state computed and "
                                              f"returned?")
    return ("generic:zero", f"{what} is zero everywhere: is it computed and returned?")


def _returned_input_signature(exercise, what: str, case, a: np.ndarray, state: bool):
    """An output equal to one of the case's array inputs, unchanged (or None)."""
    for k, arg in enumerate(case.args):
        if isinstance(arg, np.ndarray) and arg.shape == a.shape and arg.dtype.kind == "f" and arg.size > 1 \
                and np.array_equal(arg, a):
            names = _parameter_names(exercise, len(case.args))
            given = f"`{names[k]}`" if names else f"argument {k + 1}"
            if state:
                return ("generic:state_not_returned", f"{what} is the {given} you were given, unchanged: is the "
                                                      f"new state computed and returned?")
            return ("generic:returns_input", f"{what} is the {given} you were given, unchanged: is it computed "
                                             f"and returned?")
    return None


def _ratio_signature(exercise, what: str, case, e: np.ndarray, a: np.ndarray, family: str, index):
    """What the ratio or the difference of the output to the expected one shows: a step's sign, a sign, an
    extra 1, a factor (N, C, 2, ...); or None."""
    r = _scale_factor(e, a)
    start = case.args[0] if family == "optimizer" and not index and case.args else None
    if isinstance(start, np.ndarray) and start.shape == e.shape and r is None:
        step = _scale_factor(e - start, a - start)  # an update rule's step, next_w - w
        if step is not None and _near(step, -1.0):
            return ("generic:step_sign", f"{what} moves the wrong way: the step next_w - w has the right size but "
                                         f"the wrong sign (a descent step goes against the gradient).")
    if r is not None and _near(r, -1.0):
        return ("generic:sign", f"{what} has the right size but the wrong sign: check the direction of each term "
                                f"(or the minus).")
    scale = float(np.abs(e).max()) if e.size else 0.0
    if e.size and np.allclose(a - e, 1.0, rtol=0.0, atol=1e-6 * max(1.0, scale)):
        if family == "hinge":
            return ("generic:hinge_plus_one", f"{what} is exactly 1 too large: in the hinge loss, the j = y_i term "
                    f"adds max(0, s_y - s_y + 1) = 1 per example: the sum skips j = y_i.")
        return ("generic:plus_one", f"{what} is exactly 1 too large: an extra term of 1?")
    if r is None or _near(r, 1.0):
        return None
    n, c = dimensions(exercise, case)
    return _factor_signature(what, r, e.size > 1, n, c, family)


def fails_only_on_large_inputs(exercise: model.Exercise, wrong: list, right: list) -> bool:
    """Whether an answer is wrong exactly on the cases whose inputs can overflow an exponential.

    ``wrong`` and ``right`` are the public cases the answer gets wrong and right. In an exercise with an
    exponential, an answer right wherever every input is below ~700 and wrong on each case with a larger
    one shows an overflow, whatever it then does with the NaN (an answer patching NaN to 0 shows no NaN).
    """
    family = family_of(exercise)
    if family and family not in EXPONENTIAL or not wrong or not right:
        return False
    return all(_largest_input(case.args) > OVERFLOW_INPUT for case in wrong) and all(
        _largest_input(case.args) <= OVERFLOW_INPUT for case in right)


def overflow_diagnosis(what: str, seen: str = "contains NaN or inf") -> tuple:
    """The ``generic:overflow`` signature and its hint, for the part named ``what`` (``seen``: how it shows)."""
    return ("generic:overflow", f"{what} {seen} on scores this large. np.exp overflows "
            f"above ~709: subtract each row's maximum score before exponentiating (it leaves softmax unchanged); "
            f"and a probability that underflows to 0 has log -inf: take the log-probability as "
            f"z - log(sum(exp(z))) rather than the log of a probability.")


def generic_hint(exercise: model.Exercise, case: model.Case, expected, actual) -> str:
    """The text of :func:`generic_diagnosis`, or ''."""
    found = generic_diagnosis(exercise, case, expected, actual)
    return found[1] if found else ""


def hint_for(exercise: model.Exercise, case: model.Case, expected, actual) -> str:
    """The exercise's own hint if a known mistake matches, else a generic one, else ''."""
    mistake = mistakes.diagnose(exercise, case, actual)
    if mistake is not None:
        return mistake.hint
    try:
        return generic_hint(exercise, case, expected, actual)
    except Exception:  # a hint must never break the report
        return ""
