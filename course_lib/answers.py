"""Your own answers from earlier notebooks: ``cl.mine("svm_vectorized")``.

Later notebooks, widgets and the capstone run on functions that an earlier exercise
built. ``mine(exercise_id)`` gives the function to use, depending on which course_lib this is
(:func:`release_mode`, read from the ``_release.json`` a release writes into the package):

- ``"instructor"`` (the course repository, no ``_release.json``): the exercise's reference
  implementation, from the bank;
- ``"open"`` (``release --open``, self-study): the reference library's function where one
  implements the exercise, else the student's own answer as below;
- ``"graded"`` (``release --out DIR``, the default): the student's own answer. ``mine`` finds the
  exercise's notebook (``<notebook stem>.ipynb``) in the release's ``notebooks/`` folder (looked for
  from the current directory upwards, or in ``$COURSE_LIB_NOTEBOOKS``), checks that it has the
  answer cell (by nbgrader ``grade_id`` or ``course_lib`` metadata, else a cell defining the
  answer's name), executes in a fresh namespace the top-level statements the answer needs, as the
  grader slices them (:meth:`course_lib.grading.judging.program.Program.slice` over the notebook's code
  cells, check cells left out; a statement that fails is skipped; output, warnings and new figures
  are swallowed), runs the exercise's public check quietly, and returns the function only if every
  public case passes. The result is cached per (notebook path, modification time).

When no usable answer exists, it returns a :class:`Missing` stand-in: falsy, and calling it
raises :class:`AnswerMissing` with a one-line message naming the exercise, its notebook and the
name to define. Cells guard on it (``if loss_fn: ...``) so that "Run All" never stops.

In a graded release the reference functions of course_lib (``cl.svm_loss`` and the like) are
stubs that call :func:`reference_answer`: the student's answer, or ``AnswerMissing``. With the
environment variable ``COURSE_LIB_SANDBOX=1`` (set by the grader's sandbox) nothing is loaded:
``mine`` returns ``Missing("... not available while grading ...")`` and the stubs raise
:class:`ReferenceUnavailable`, so that the grader can report "uses the reference implementation".
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import warnings
from functools import lru_cache
from pathlib import Path

SANDBOX_VARIABLE = "COURSE_LIB_SANDBOX"
NOTEBOOKS_VARIABLE = "COURSE_LIB_NOTEBOOKS"
RELEASE_FILE = "_release.json"  # written into the package by the release: {"mode": "graded" | "open"}
RELEASE_MODES = ("graded", "open")  # what a release writes into _release.json (else: the instructor's copy)


class AnswerMissing(RuntimeError):
    """An earlier exercise's answer is needed but not available (not solved yet)."""


class ReferenceUnavailable(AnswerMissing):
    """A graded release's reference stub was called where no answer may be loaded (the grader's sandbox).

    Attributes
    ----------
    exercise_id : str
        The exercise whose reference implementation was asked for.
    """

    def __init__(self, exercise_id: str):
        self.exercise_id = exercise_id
        super().__init__(f"course_lib's own answer to exercise {exercise_id!r} cannot be used inside an answer: "
                         f"write the code yourself")


class Missing:
    """Stands in for an answer that is not available; falsy, and raises when called."""

    def __init__(self, exercise_id: str, reason: str):
        self.exercise_id = exercise_id
        self.reason = reason

    def __bool__(self) -> bool:
        return False

    def __call__(self, *args, **kwargs):
        raise AnswerMissing(self.reason)

    def __repr__(self) -> str:
        return f"<missing answer {self.exercise_id!r}: {self.reason}>"


@lru_cache(maxsize=1)
def release_mode() -> str:
    """``"instructor"``, ``"open"`` or ``"graded"``: which course_lib this is (see the module docstring)."""
    path = Path(__file__).with_name(RELEASE_FILE)
    if not path.is_file():
        return "instructor"
    mode = json.loads(path.read_text(encoding="utf-8")).get("mode")
    if mode not in RELEASE_MODES:
        raise ValueError(f"{path}: expected mode 'open' or 'graded', got {mode!r}")
    return mode


def in_sandbox() -> bool:
    """Whether this process runs student code for the grader (``COURSE_LIB_SANDBOX=1``)."""
    return os.environ.get(SANDBOX_VARIABLE) == "1"


def _exercise(exercise_id):
    if not isinstance(exercise_id, str):
        raise ValueError(f"exercise_id: expected a string, got {type(exercise_id).__name__}")
    return _function_exercise(exercise_id)


@lru_cache(maxsize=None)
def _function_exercise(exercise_id: str):
    from course_lib.grading.exercises import bank

    if not isinstance(exercise_id, str):
        raise ValueError(f"exercise_id: expected a string, got {type(exercise_id).__name__}")
    try:
        exercise = bank.get(exercise_id)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    if exercise.kind != "function":
        raise ValueError(f"exercise_id: {exercise_id!r} is not a function exercise")
    return exercise


def _library_function(exercise):
    """The open reference library's function for an exercise (``library`` in the data bank), or None."""
    from course_lib.grading.exercises.plain import resolve_target

    target = getattr(exercise, "library", None) or _LIBRARY.get(exercise.id)
    return resolve_target(target) if target else None


# exercises whose answer the open library implements with the same signature (the data bank does not
# carry code, so the open release looks them up here)
_LIBRARY = {
    "squared_error": "course_lib.losses:l2_loss",
    "svm_loop": "course_lib.losses:svm_loss_naive",
    "svm_vectorized": "course_lib.losses:svm_loss",
    "softmax_probs": "course_lib.losses:softmax",
    "softmax_loop": "course_lib.losses:softmax_loss_naive",
    "softmax_vectorized": "course_lib.losses:softmax_loss",
    "random_search_best": "course_lib.optim:random_search",
    "numerical_gradient_centred": "course_lib.gradcheck:numerical_gradient",
    "adam_step": "course_lib.optim:_adam_step",
    "sgd_epochs": "course_lib.optim:sgd_epochs",
}


def mine(exercise_id: str):
    """The function an earlier exercise built (see the module docstring).

    Parameters
    ----------
    exercise_id : str
        The exercise's id, e.g. ``"svm_vectorized"``.

    Returns
    -------
    callable or Missing
    """
    exercise = _exercise(exercise_id)
    mode = release_mode()
    if mode == "instructor":
        return exercise.reference
    if mode == "open":
        library = _library_function(exercise)
        if library is not None:
            return library
    if in_sandbox():
        return Missing(exercise.id, f"{exercise.id}: earlier answers are not available while grading "
                                    f"(each notebook is graded on its own)")
    return _students_answer(exercise)


def reference_answer(exercise_id: str):
    """What a graded release's reference stub calls: the student's passing answer.

    Raises
    ------
    ReferenceUnavailable
        In the grader's sandbox (``COURSE_LIB_SANDBOX=1``).
    AnswerMissing
        When the student has no passing answer yet (the message says what to solve).
    """
    if in_sandbox() or _checking:
        raise ReferenceUnavailable(exercise_id)
    answer = mine(exercise_id)
    if isinstance(answer, Missing):
        raise AnswerMissing(answer.reason)
    return answer


# --- the graded side: the student's answer from their notebook -------------------------------

def _solve_first(exercise, why: str) -> str:
    return (f"solve exercise '{exercise.id}' in {exercise.notebook}.ipynb first "
            f"(define {exercise.answer}; {why})")


def _search_roots():
    override = os.environ.get(NOTEBOOKS_VARIABLE)
    if override:
        yield Path(override)
        return
    here = Path.cwd()
    for folder in (here, *here.parents):
        yield folder
        yield folder / "notebooks"
    package_parent = Path(__file__).resolve().parents[1]
    yield package_parent / "notebooks"


def find_notebook(stem: str):
    """The student's ``<stem>.ipynb``: in ``$COURSE_LIB_NOTEBOOKS``, else from the current folder up."""
    for folder in _search_roots():
        candidate = folder / f"{stem}.ipynb"
        if candidate.is_file():
            return candidate.resolve()
    return None


@contextlib.contextmanager
def _quietly():
    """No output, warnings or new figures escape while the student's earlier cells run."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    before = set(pyplot.get_fignums()) if pyplot else set()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot:
                for number in set(pyplot.get_fignums()) - before:
                    pyplot.close(number)


def _compiled(source: str, filename: str):
    """Compile a cell, its lines registered so that tracebacks and the loop check can read them."""
    import linecache

    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return compile(source, filename, "exec")


_CACHE: dict = {}
_LOADING: set = set()


_FAST: dict = {}  # (exercise id, cwd, $COURSE_LIB_NOTEBOOKS) -> (path, mtime_ns, result): one stat per call


def _students_answer(exercise):
    where = (exercise.id, os.getcwd(), os.environ.get(NOTEBOOKS_VARIABLE))
    hit = _FAST.get(where)
    if hit is not None:
        try:
            if os.stat(hit[0]).st_mtime_ns == hit[1]:
                return hit[2]
        except OSError:
            pass
    result = _find_and_load(exercise)
    path = find_notebook(exercise.notebook)
    if path is not None and exercise.id not in _LOADING:
        _FAST[where] = (str(path), path.stat().st_mtime_ns, result)
    return result


def _find_and_load(exercise):
    path = find_notebook(exercise.notebook)
    if path is None:
        return Missing(exercise.id, _solve_first(exercise, f"no {exercise.notebook}.ipynb was found "
                                                           f"in the notebooks folder"))
    key = (exercise.id, str(path), path.stat().st_mtime_ns)
    if key in _CACHE:
        return _CACHE[key]
    if exercise.id in _LOADING:  # the answer calls course_lib's stub of itself
        return Missing(exercise.id, _solve_first(exercise, "your answer calls course_lib's version of itself"))
    _LOADING.add(exercise.id)
    try:
        result = _load(exercise, path)
    finally:
        _LOADING.discard(exercise.id)
    _CACHE[key] = result
    return result


def _load(exercise, path: Path):
    from course_lib.grading.exercises.notebook import read_notebook
    from course_lib.grading.judging.program import Program

    try:
        notebook = read_notebook(path.read_bytes())
    except OSError:
        notebook = None
    if notebook is None or notebook.status != "ok":
        return Missing(exercise.id, _solve_first(exercise, f"{path.name} could not be read as a notebook"))
    cells = [c for c in notebook.code_cells if not c.is_check]
    if not any(exercise.id in c.ids or exercise.answer in c.defines for c in cells):
        return Missing(exercise.id, _solve_first(exercise, "its answer cell was not found"))
    # the statements the answer needs, as the grader takes them (course_lib.grading.judging.program)
    program = Program([(f"cell {k + 1}", c.source) for k, c in enumerate(cells)])
    statements = program.slice([exercise.answer])
    namespace = {"__name__": f"__{exercise.notebook}__"}
    with _quietly():
        for statement in statements:
            filename = f"<{exercise.notebook} cell {statement.cell + 1}>"
            try:
                exec(_compiled(statement.source, filename), namespace)
            except Exception:  # a statement that fails is skipped, as the cell would have been
                continue
        answer = namespace.get(exercise.answer)
        if not callable(answer):
            return Missing(exercise.id, _solve_first(exercise, f"{exercise.answer} is not defined as a function"))
        from course_lib.grading.judging import judge
        from course_lib.grading.statuses import Status

        cases = [(case, False) for case in exercise.public]
        try:
            with checking(exercise.id):
                _, verdict = judge.judge_answer(exercise, answer, cases,
                                                program.answer_findings(exercise.answer, exercise.forbidden))
        except Exception:
            verdict = None
    if verdict is None or verdict.status == Status.NOT_ATTEMPTED:
        return Missing(exercise.id, _solve_first(exercise, "it is not written yet"))
    if verdict.status != Status.PASSED:
        passed = sum(case.passed for case in verdict.cases)
        why = (f"its check passes {passed} of {len(cases)} public tests" if passed < len(cases)
               else f"its check fails: {verdict.message}")
        return Missing(exercise.id, _solve_first(exercise, why))
    return answer


_checking: list = []  # exercise ids whose answer ``check`` is running right now (innermost last)


class checking:
    """``with checking(exercise_id):`` while ``check`` runs an answer: reference stubs of a graded release
    then raise :class:`ReferenceUnavailable` instead of calling the student's earlier answers, as in the
    grader's sandbox, so that ``check`` and the grader agree on what an answer may call."""

    def __init__(self, exercise_id: str):
        self.exercise_id = exercise_id

    def __enter__(self):
        _checking.append(self.exercise_id)
        return self

    def __exit__(self, *exc):
        _checking.pop()
        return False
