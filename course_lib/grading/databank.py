"""The exercise bank as data: what the student release carries instead of the bank's code.

The bank modules (``course_lib/grading/bank/``) hold trusted references, near-solution
:class:`~course_lib.grading.spec.Mistake` s and hidden cases: none of them may reach a
student. At release time :func:`bank_data` runs them once on the *public* cases and keeps
only their outputs; in the release, :class:`DataBank` turns that data back into
:class:`~course_lib.grading.spec.Exercise` s whose ``reference`` and mistake
``implementation`` s look the stored outputs up by the case's arguments, so that
``check`` works there unchanged.

Arrays are stored with the grader's wire encoding (``.npy`` in base64, never pickle);
a :class:`~course_lib.grading.spec.Fixture` argument is stored as ``{"f": target}``.
Custom ``judge`` s are code, so a released exercise compares with its stored expected
value instead.
"""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path

import numpy as np

from . import spec
from .wire import decode as decode_plain
from .wire import encode as encode_plain

FORMAT = 1
_FIELDS = ("id", "notebook", "answer", "kind", "points", "title", "rtol", "atol", "loop_free")
_TUPLE_FIELDS = ("output_names", "forbidden")


# --- arguments <-> JSON ----------------------------------------------------------------

def encode_args(value):
    """A case's arguments (plain data and fixtures, in tuples) to JSON-able data."""
    if isinstance(value, spec.Fixture):
        return {"f": value.target}
    if type(value) is tuple:
        return {"t": [encode_args(v) for v in value]}
    return encode_plain(value)


def decode_args(obj):
    """The inverse of :func:`encode_args`."""
    if type(obj) is dict and set(obj) == {"f"}:
        return spec.Fixture(obj["f"])
    if type(obj) is dict and set(obj) == {"t"}:
        return tuple(decode_args(v) for v in obj["t"])
    return decode_plain(obj)


# --- release side: run the trusted code once ------------------------------------------

def _run_quietly(function, args: tuple):
    """``to_plain(function(*args))``, or None if it raises; no warnings reach stderr."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return spec.to_plain(function(*args))
    except Exception:  # a mistake that cannot run on a case never matches it
        return None


def _mistake_output(exercise: spec.Exercise, mistake: spec.Mistake, case: spec.Case):
    args = () if exercise.kind == "value" else spec.resolve_args(case.args)
    return _run_quietly(mistake.implementation, args)


def exercise_record(exercise: spec.Exercise) -> dict:
    """One exercise as JSON-able data: its fields, public cases, expected and mistaken outputs."""
    record = {name: getattr(exercise, name) for name in _FIELDS}
    record.update({name: list(getattr(exercise, name)) for name in _TUPLE_FIELDS})
    record["cases"] = [{"label": case.label, "args": encode_args(tuple(case.args)),
                        "expected": encode_plain(spec.expected_output(exercise, case))}
                       for case in exercise.public]
    record["mistakes"] = [{"name": m.name, "hint": m.hint,
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
    if isinstance(stored, spec.Fixture):
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


def exercise_from_record(record: dict) -> spec.Exercise:
    """The :class:`~course_lib.grading.spec.Exercise` of one stored record (public cases only)."""
    cases = tuple(spec.Case(decode_args(c["args"]), c["label"]) for c in record["cases"])
    expected = [decode_plain(c["expected"]) for c in record["cases"]]
    mistakes = tuple(spec.Mistake(m["name"], m["hint"],
                                  stored_outputs(cases, [decode_plain(o) for o in m["outputs"]], m["name"]))
                     for m in record["mistakes"])
    return spec.Exercise(**{name: record[name] for name in _FIELDS},
                         **{name: tuple(record[name]) for name in _TUPLE_FIELDS},
                         reference=stored_outputs(cases, expected, f"{record['id']}_expected"),
                         public=cases, hidden=(), mistakes=mistakes)


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
