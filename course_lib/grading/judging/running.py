"""Calling an answer on one case, the same way in the notebook (``check``) and in the grader's worker.

:func:`run_case` gives a *reply*, plain data that the judge reads
(:mod:`course_lib.grading.judging.judge`):

- ``{"value": plain}``: what the answer returned, as plain data;
- ``{"error": {"type": ..., "message": ...}}``: what it raised;
- ``{"not_plain": why}``: it returned something that is not numbers (an object with a
  custom ``__eq__``, a generator, a complex array...);

and, when the answer changed an array it was given, ``"mutated": [argument names]``.
"""

from __future__ import annotations

import copy
import inspect
import warnings

import numpy as np

from course_lib.grading.exercises import plain

MEMORY_ERRORS = ("MemoryError", "_ArrayMemoryError")  # numpy raises the second for a huge array


def describe_error(exc: BaseException) -> dict:
    """``{"type", "message"}`` of an exception, robust to hostile ``__str__`` s."""
    kind = type(exc).__name__
    for base, name in ((MemoryError, "MemoryError"), (SystemExit, "SystemExit"),
                       (NotImplementedError, "NotImplementedError"), (KeyboardInterrupt, "KeyboardInterrupt")):
        if isinstance(exc, base):
            kind = name
    if type(exc).__name__ == "ReferenceUnavailable":
        kind = "ReferenceUnavailable"
    try:
        text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    except BaseException:  # a hostile __str__
        text = ""
    return {"type": str(kind)[:60], "message": text}


def _parameter_names(answer, count: int) -> list:
    try:
        names = [p.name for p in inspect.signature(answer).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []
    return [names[i] if i < len(names) else f"argument {i + 1}" for i in range(count)]


def _changed(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and after.shape == before.shape and after.dtype == before.dtype
                    and np.array_equal(after, before, equal_nan=before.dtype.kind in "fc"))
    if isinstance(before, (list, dict)):
        try:
            return bool(before != after)
        except Exception:  # an array inside a list: compare element-wise
            return True
    return False


def run_case(answer, args: tuple, kind: str = "function") -> dict:
    """Call ``answer(*args)`` (or take the value), quietly: no warnings reach stderr.

    ``args`` are used as given (pass fresh copies: the answer may change them); arrays are
    compared with copies taken before the call to detect an answer that modifies its input.
    """
    if kind == "value":
        raw = answer
        reply = {}
    else:
        if not callable(answer):
            return {"error": {"type": "TypeError", "message": f"expected a function, got {type(answer).__name__}"}}
        before = [copy.deepcopy(a) if isinstance(a, (np.ndarray, list, dict)) else None for a in args]
        reply = {}
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                raw = answer(*args)
        except BaseException as exc:  # any error in student code becomes data, SystemExit included
            if isinstance(exc, KeyboardInterrupt):
                raise
            return {"error": describe_error(exc), "_exception": exc}
        names = _parameter_names(answer, len(args))
        mutated = [names[i] for i, (b, a) in enumerate(zip(before, args)) if b is not None and _changed(b, a)]
        if mutated:
            reply["mutated"] = mutated
    try:
        reply["value"] = plain.to_plain(raw)
    except TypeError as exc:
        reply["not_plain"] = str(exc)[:200]
    except BaseException as exc:  # a hostile object raising from __len__, __iter__...
        reply["not_plain"] = f"a value that could not be read ({type(exc).__name__})"
    return reply
