"""The exercise bank as data: what the student release carries instead of the bank's code.

The bank modules (``course_lib/grading/exercises/bank/``) hold trusted references, near-solution
:class:`~course_lib.grading.exercises.model.Mistake` s and hidden cases: none of them may reach a
student. At release time :func:`bank_data` runs them once on the *public* cases and keeps
only their outputs; in the release, :class:`DataBank` turns that data back into
:class:`~course_lib.grading.exercises.model.Exercise` s whose ``reference`` and mistake
``implementation`` s look the stored outputs up by the case's arguments, so that
``check`` works there unchanged.

Arrays are stored with the grader's wire encoding (``.npy`` in base64, never pickle);
a :class:`~course_lib.grading.exercises.model.Fixture` argument is stored as ``{"f": target}``.
Custom ``judge`` s are code, so a released exercise compares with its stored expected
value instead, except for two kinds of judge the release carries:

- an outcome judge named as a :class:`~course_lib.grading.exercises.plain.NamedJudge` (a function of
  :mod:`course_lib.grading.exercises.judges`, which ships): the record keeps its name (``"judge"``) and
  the cases' arguments (its parameters), and no expected value (there is none: several answers are
  right, and an example answer would be a solution);
- a prediction graded for commitment (:class:`~course_lib.grading.exercises.commitment.CommitmentJudge`):
  the record keeps the items' keys and kinds (``"commitment"``) beside the answer's fingerprints, and the
  released judge counts the items whose fingerprint matches.

**Value answers are not stored in plain text.** A value exercise ("predict the loss") would
otherwise hand out its answer in ``public_bank.json``. Its expected value is stored as salted
SHA-256 fingerprints of the value *rounded to the exercise's tolerance* (:func:`fingerprints`):

- a number: with ``rtol > 0``, its ``d = round(-log10(rtol)) + 1`` significant digits (mantissa and
  decimal exponent); with ``rtol == 0``, ``round(x / atol)``; a number within ``atol`` of 0 is "zero";
- a string: stripped and lower-cased; a tuple: one fingerprint per item.

The check rounds the student's value the same way and accepts it if the stored fingerprint is
among those of its rounding and of the neighbouring grid points (one unit either side, and the
neighbouring exponents), i.e. within about 1.5 units of the last kept digit, close to (not exactly)
the tolerance of :func:`course_lib.grading.exercises.model.compare`. The salt is public (it is derived from
the exercise id): it only rules out a precomputed table. **Limit:** this hides the answer from
reading, not from search. A small value space is brute-forced in a moment (one of four words, a
whole number, a value with three decimals), and even seven significant digits are 10**7 hashes
per exponent, seconds on a laptop. Grades come from the autograder, which compares with the
instructor's bank, never with this file. A value exercise's mistaken values are fingerprinted too
(a wrong tuple may hold the right value in part), and its judge names the matching mistake's hint.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
import math
import warnings
from pathlib import Path

import numpy as np

from course_lib.grading.exercises import model, plain
from course_lib.grading.exercises.commitment import CommitmentJudge, commitment_judge
from course_lib.grading.exercises.plain import decode as decode_plain
from course_lib.grading.exercises.plain import encode as encode_plain

FORMAT = 2
_FIELDS = ("id", "notebook", "answer", "kind", "points", "title", "rtol", "atol", "loop_free")
_TUPLE_FIELDS = ("output_names", "forbidden")


# --- arguments <-> JSON ----------------------------------------------------------------

def encode_args(value):
    """A case's arguments (plain data and fixtures, in tuples) to JSON-able data."""
    if isinstance(value, plain.Fixture):
        return {"f": value.target}
    if type(value) is tuple:
        return {"t": [encode_args(v) for v in value]}
    return encode_plain(value)


def decode_args(obj):
    """The inverse of :func:`encode_args`."""
    if type(obj) is dict and set(obj) == {"f"}:
        return plain.Fixture(obj["f"])
    if type(obj) is dict and set(obj) == {"t"}:
        return tuple(decode_args(v) for v in obj["t"])
    return decode_plain(obj)


# --- value answers as fingerprints ----------------------------------------------------------

def _digits(rtol: float) -> int:
    return max(1, min(15, round(-math.log10(rtol)) + 1))


def _number_tokens(x: float, rtol: float, atol: float, spread: bool) -> set:
    """Grid tokens of a number (see the module docstring); with ``spread``, its neighbours' too."""
    if not math.isfinite(x):
        return {f"nonfinite:{x}"}
    if abs(x) <= atol or x == 0:
        tokens = {"zero"}
        if not spread:
            return tokens
    else:
        tokens = set()
    steps = (-1, 0, 1) if spread else (0,)
    if rtol > 0:
        digits = _digits(rtol)
        if x != 0:
            exponent = math.floor(math.log10(abs(x)))
            for e in ({exponent - 1, exponent, exponent + 1} if spread else {exponent}):
                k = round(x / 10.0 ** (e - digits + 1))
                tokens |= {f"r{digits}:{k + d}e{e}" for d in steps}
    elif atol > 0:
        k = round(x / atol)
        tokens |= {f"a{atol!r}:{k + d}" for d in steps}
    else:
        tokens.add(f"exact:{x!r}")
    return tokens


def _tokens(value, rtol: float, atol: float, spread: bool) -> set:
    if isinstance(value, str):
        return {"s:" + value.strip().lower()}
    if isinstance(value, (bool, int, float, np.integer, np.floating)):
        return _number_tokens(float(value), rtol, atol, spread)
    raise TypeError(f"value: expected a number or a string, got {type(value).__name__}")


def _hash(salt: str, token: str) -> str:
    return hashlib.sha256(f"{salt}\0{token}".encode()).hexdigest()[:32]


def fingerprints(value, salt: str, rtol: float, atol: float):
    """The stored form of a value answer: a fingerprint per item (a list for a tuple, else one string)."""
    if isinstance(value, tuple):
        return [fingerprints(v, salt, rtol, atol) for v in value]
    return min(_hash(salt, t) for t in _tokens(value, rtol, atol, spread=False))


def matches(stored, value, salt: str, rtol: float, atol: float) -> bool:
    """Whether ``value`` (plain data) rounds to the stored fingerprint (of a number or string)."""
    try:
        return stored in {_hash(salt, t) for t in _tokens(value, rtol, atol, spread=True)}
    except TypeError:
        return False


def _salt(exercise_id: str) -> str:
    return hashlib.sha256(f"course_lib value answer:{exercise_id}".encode()).hexdigest()[:16]


def hashed_judge(record: dict):
    """The judge of a released value exercise: compares fingerprints, names the part that is off."""
    stored = record["fingerprints"]
    salt, rtol, atol = _salt(record["id"]), record["rtol"], record["atol"]
    names = tuple(record.get("output_names") or ())
    known = [(m["hint"], m["fingerprints"]) for m in record.get("mistakes", []) if m.get("fingerprints") is not None]

    def same(fingerprint, actual) -> bool:
        if isinstance(fingerprint, list):
            return (isinstance(actual, tuple) and len(actual) == len(fingerprint)
                    and all(matches(f, a, salt, rtol, atol) for f, a in zip(fingerprint, actual)))
        return not isinstance(actual, tuple) and matches(fingerprint, actual, salt, rtol, atol)

    def judge(case, actual):
        verdict = _judge(case, actual)
        if not verdict.passed:
            hint = next((hint for hint, fingerprint in known if same(fingerprint, actual)), None)
            if hint:
                return plain.Verdict(False, f"{verdict.message}. Hint: {hint}")
        return verdict

    def _judge(case, actual):
        if isinstance(stored, list):
            if not isinstance(actual, tuple) or len(actual) != len(stored):
                return plain.Verdict(False, f"expected {len(stored)} values"
                                           + (f" ({', '.join(names)})" if names else "")
                                           + f", e.g. `answer = ({', '.join('...' for _ in stored)})`")
            for k, (fingerprint, value) in enumerate(zip(stored, actual)):
                if not matches(fingerprint, value, salt, rtol, atol):
                    name = names[k] if k < len(names) else f"item {k + 1}"
                    return plain.Verdict(False, f"{name}: {plain.describe(value)} is not the expected value")
            return plain.Verdict(True)
        if isinstance(actual, tuple):
            return plain.Verdict(False, f"expected a single value, got {plain.describe(actual)}")
        if matches(stored, actual, salt, rtol, atol):
            return plain.Verdict(True)
        return plain.Verdict(False, f"{plain.describe(actual)} is not the expected value")

    judge.__name__ = judge.__qualname__ = f"{record['id']}_judge"
    return judge


# --- release side: run the trusted code once ------------------------------------------

def _run_quietly(function, args: tuple):
    """``to_plain(function(*args))``, or None if it raises; no warnings reach stderr."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return plain.to_plain(function(*args))
    except Exception:  # a mistake that cannot run on a case never matches it
        return None


def _mistake_output(exercise: model.Exercise, mistake: model.Mistake, case: model.Case):
    args = () if exercise.kind == "value" else model.resolve_args(case.args)
    return _run_quietly(mistake.implementation, args)


def exercise_record(exercise: model.Exercise) -> dict:
    """One exercise as JSON-able data: its fields, public cases, expected and mistaken outputs."""
    record = {name: getattr(exercise, name) for name in _FIELDS}
    record.update({name: list(getattr(exercise, name)) for name in _TUPLE_FIELDS})
    # what the hints read off the instructor's exercise: its family and the reference's parameter names
    record["family"] = model.family_of(exercise)
    record["parameters"] = _parameters(exercise.reference) if exercise.kind == "function" else []
    if isinstance(exercise.judge, plain.NamedJudge):  # an outcome judge: its name and parameters, no answer
        record["judge"] = exercise.judge.target
        record["cases"] = [{"label": case.label, "args": encode_args(tuple(case.args))} for case in exercise.public]
        record["mistakes"] = [{"name": m.name, "hint": m.hint} for m in exercise.mistakes]
        return record
    if isinstance(exercise.judge, CommitmentJudge):
        record["commitment"] = {"keys": list(exercise.judge.keys), "kinds": list(exercise.judge.kinds)}
    if exercise.kind == "value":  # the answer as fingerprints, never in plain text
        if len(exercise.public) != 1:
            raise ValueError(f"{exercise.id}: a value exercise has one public case, got {len(exercise.public)}")
        record["fingerprints"] = fingerprints(model.expected_output(exercise, exercise.public[0]),
                                              _salt(exercise.id), exercise.rtol, exercise.atol)
        record["cases"] = [{"label": case.label, "args": encode_args(())} for case in exercise.public]
    else:
        record["cases"] = [{"label": case.label, "args": encode_args(tuple(case.args)),
                            "expected": encode_plain(model.expected_output(exercise, case))}
                           for case in exercise.public]
        record["loop_probe"] = [{"label": case.label, "args": encode_args(tuple(case.args))}
                                for case in exercise.loop_probe]
    if exercise.kind == "value":  # a mistaken value may hold the right one in part: fingerprints too
        record["mistakes"] = []
        for m in exercise.mistakes:
            output = _mistake_output(exercise, m, exercise.public[0])
            record["mistakes"].append({"name": m.name, "hint": m.hint, "fingerprints": None if output is None else
                                       fingerprints(output, _salt(exercise.id), exercise.rtol, exercise.atol)})
    else:
        record["mistakes"] = [{"name": m.name, "hint": m.hint, "covers": list(m.covers),
                               "outputs": [encode_plain(_mistake_output(exercise, m, c)) for c in exercise.public]}
                              for m in exercise.mistakes]
    return record


def bank_data(exercises) -> str:
    """The data bank of ``exercises`` as a JSON document (deterministic)."""
    document = {"format": FORMAT, "exercises": [exercise_record(ex) for ex in exercises]}
    return json.dumps(document, indent=1) + "\n"


# --- student side: the stored outputs, behind the bank's API ----------------------------

def _same(stored, given) -> bool:
    """Whether ``given`` (resolved arguments) is exactly the stored argument."""
    if isinstance(stored, plain.Fixture):
        return given is stored.resolve()
    if isinstance(stored, tuple):
        return isinstance(given, tuple) and len(given) == len(stored) and all(map(_same, stored, given))
    if isinstance(stored, np.ndarray):
        return (isinstance(given, np.ndarray) and given.dtype == stored.dtype and given.shape == stored.shape
                and given.tobytes() == stored.tobytes())
    return type(given) is type(stored) and given == stored


def stored_outputs(cases: tuple, outputs: list, what: str):
    """A callable that returns the stored output of the case whose arguments it is given.

    Stands in for a reference or a mistake's implementation; raises ``LookupError`` for
    arguments of no stored case, and ``RuntimeError`` where the original raised (None).
    """
    def lookup(*args):
        for case, output in zip(cases, outputs):
            if _same(tuple(case.args), args):
                if output is None:
                    raise RuntimeError(f"{what} does not run on the case {case.label!r}")
                return copy.deepcopy(output)
        raise LookupError(f"{what}: no stored output for these arguments (only the public cases are stored)")

    lookup.__name__ = lookup.__qualname__ = what
    return lookup


def exercise_from_record(record: dict) -> model.Exercise:
    """The :class:`~course_lib.grading.exercises.model.Exercise` of one stored record (public cases only)."""
    cases = tuple(model.Case(decode_args(c["args"]), c["label"]) for c in record["cases"])
    if "judge" in record:  # an outcome judge that ships with the release
        reference, judge = _no_value(record["id"]), plain.NamedJudge(record["judge"])
        mistakes = tuple(model.Mistake(m["name"], m["hint"], _no_value(m["name"])) for m in record["mistakes"])
    elif "commitment" in record:  # a prediction graded for commitment: count the items that match
        reference, mistakes = _no_value(record["id"]), ()
        judge = commitment_judge(record["id"], record["commitment"]["keys"], record["commitment"]["kinds"],
                                 _item_matcher(record))
    elif "fingerprints" in record:  # a value exercise: judged by fingerprint, no expected value to show
        reference, judge = _no_value(record["id"]), hashed_judge(record)
        # the judge names a known mistake itself; its stand-in has no value to give mistakes.diagnose
        mistakes = tuple(model.Mistake(m["name"], m["hint"], _no_value(m["name"])) for m in record["mistakes"])
    else:
        mistakes = tuple(model.Mistake(m["name"], m["hint"],
                                      stored_outputs(cases, [decode_plain(o) for o in m["outputs"]], m["name"]),
                                      tuple(m.get("covers", ())))
                         for m in record["mistakes"])
        expected = [decode_plain(c["expected"]) for c in record["cases"]]
        reference, judge = stored_outputs(cases, expected, f"{record['id']}_expected"), None
        if record.get("parameters"):  # the hints read N and C off the parameter names, as in the bank
            reference.__signature__ = inspect.Signature(
                [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in record["parameters"]])
    return model.Exercise(**{name: record[name] for name in _FIELDS},
                         **{name: tuple(record[name]) for name in _TUPLE_FIELDS},
                         family=record.get("family", ""),
                         loop_probe=tuple(model.Case(decode_args(c["args"]), c["label"])
                                          for c in record.get("loop_probe", ())),
                         reference=reference, judge=judge, public=cases, hidden=(), mistakes=mistakes)


def _item_matcher(record: dict):
    """``is_right(k, value)``: whether item ``k`` of a value tuple matches its stored fingerprint."""
    stored = record["fingerprints"]
    salt, rtol, atol = _salt(record["id"]), record["rtol"], record["atol"]

    def is_right(k: int, value) -> bool:
        return matches(stored[k], value, salt, rtol, atol)
    return is_right


def _parameters(function) -> list:
    try:
        return [p.name for p in inspect.signature(function).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return []


def _no_value(exercise_id: str):
    def reference():
        raise LookupError(f"{exercise_id}: the release stores this answer as a fingerprint, not as a value")

    reference.__name__ = reference.__qualname__ = f"{exercise_id}_expected"
    return reference


class DataBank:
    """The bank's API (``all_exercises``, ``get``, ``for_notebook``) over a data file.

    Parameters
    ----------
    path : Path
        A JSON document written by :func:`bank_data`; read on first use.
    """

    def __init__(self, path):
        self.path = Path(path)
        self._exercises = None

    def _registry(self) -> dict:
        if self._exercises is None:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            if document.get("format") != FORMAT:
                raise ValueError(f"{self.path}: expected data bank format {FORMAT}, got {document.get('format')!r}")
            self._exercises = {r["id"]: exercise_from_record(r) for r in document["exercises"]}
        return self._exercises

    def all_exercises(self) -> list:
        """Every exercise, in notebook order."""
        return list(self._registry().values())

    def get(self, exercise_id: str):
        """The exercise with this id; ``KeyError`` naming the known ids otherwise."""
        try:
            return self._registry()[exercise_id]
        except KeyError:
            known = ", ".join(sorted(self._registry())) or "none"
            raise KeyError(f"exercise_id: no exercise {exercise_id!r} (known: {known})") from None

    def for_notebook(self, stem: str) -> list:
        """The exercises of one notebook, e.g. ``for_notebook("03_multiclass_svm")``."""
        return [ex for ex in self._registry().values() if ex.notebook == stem]
