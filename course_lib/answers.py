"""Your own answers from earlier notebooks: ``cl.mine("svm_vectorized")``.

Later notebooks, widgets and the capstone run on functions that an earlier exercise
built. ``mine(exercise_id)`` gives the function to use, depending on which course_lib this is
(:func:`release_mode`, read from the ``_release.json`` a release writes into the package):

- ``"instructor"`` (the course repository, no ``_release.json``): the exercise's reference
  implementation, from the bank;
- ``"open"`` (``release --open``, self-study): the reference library's function where one
  implements the exercise, else the student's own answer as below;
- ``"graded"`` (``release --out DIR``, the default): the student's own answer.

**Where the student's answer comes from.** Two places, next to the exercise's notebook
(``<notebook stem>.ipynb`` in the copy's ``notebooks/`` folder, looked for in ``$COURSE_LIB_NOTEBOOKS``, else
from the current folder upwards):

1. *checked*: the answers store (:mod:`course_lib.answer_store`), which ``check()`` writes the moment an
   answer passes its public cases in the kernel, saved or not;
2. *saved*: the saved ``.ipynb``: its code cells (check cells left out), sliced to what the answer needs as the
   grader slices them (:meth:`course_lib.grading.judging.program.Program.slice`).

Each is run in a fresh namespace (a statement that fails is skipped; output, warnings and new figures are
swallowed) and used only if it passes every public case of the exercise, the loop rule included. A store entry
must also be intact (its digest matches). When both pass, the newer one wins: the store entry's check time
against the notebook file's modification time (a tie goes to the saved notebook, which the grader reads).
When only one passes, that one is used: a failing check or a broken saved answer takes away nothing
the student had, and a damaged, hand-edited or failing store entry never beats a passing saved answer.
:func:`which` says which one ``mine`` uses and why. Results are cached per file modification.

When no usable answer exists, ``mine`` returns a :class:`Missing` stand-in: falsy, and calling it raises
:class:`AnswerMissing` with one line that names the exercise (``exercise `svm_vectorized```, its
notebook and the name to define), says exactly why (not found; not written in the saved notebook and never
checked; "the saved answer's check passes 2 of 3 public tests"; the loop rule; it raises) and what to do (run its
check cell, save the notebook). Cells guard on it (``with needs_answer():``) so that "Run All" never stops.

In a graded release the reference functions of course_lib (``cl.svm_loss`` and the like) are
stubs that call :func:`reference_answer`: the student's answer, or ``AnswerMissing``. With the
environment variable ``COURSE_LIB_SANDBOX=1`` (set by the grader's sandbox) nothing is loaded:
``mine`` returns a ``Missing`` and the stubs raise :class:`ReferenceUnavailable`, so that the grader can
report "uses the reference implementation". While ``check()`` runs an answer (:class:`checking`), the same
holds, so that the check and the grader agree on what an answer may call.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SANDBOX_VARIABLE = "COURSE_LIB_SANDBOX"
NOTEBOOKS_VARIABLE = "COURSE_LIB_NOTEBOOKS"
RELEASE_FILE = "_release.json"  # written into the package by the release: {"mode": "graded" | "open"}
RELEASE_MODES = ("graded", "open")  # what a release writes into _release.json (else: the instructor's copy)


class AnswerMissing(RuntimeError):
    """An earlier exercise's answer is needed but not available; the message is one line saying why and what to do."""


class ReferenceUnavailable(AnswerMissing):
    """A graded release's reference stub was called where no earlier answer may be used: by an answer that
    ``check()`` is running, or in the grader's sandbox.

    Attributes
    ----------
    exercise_id : str
        The exercise whose implementation (the student's own answer, in a graded release) was asked for.
    """

    def __init__(self, exercise_id: str):
        self.exercise_id = exercise_id
        # the judge reads the id between single quotes
        super().__init__(f"this course_lib function runs your answer to exercise '{exercise_id}', which an answer "
                         f"may not use: each answer is graded on its own, so write that code yourself")


class Missing:
    """Stands in for an answer that is not available; falsy, and raises ``AnswerMissing(reason)`` when called."""

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
    "svm_vectorized": "course_lib.losses:svm_loss_W",
    "regularized_objective": "course_lib.regularization:regularized_objective",
    "softmax_probs": "course_lib.losses:softmax",
    "softmax_vectorized": "course_lib.losses:softmax_loss_W",
    "numerical_gradient_centred": "course_lib.gradcheck:numerical_gradient",
    "adam_step": "course_lib.optim:_adam_step",
    "sgd_epochs": "course_lib.optim:sgd_epochs",
}


@dataclass(frozen=True)
class Found:
    """Which answer :func:`mine` uses for an exercise, and why.

    Attributes
    ----------
    exercise_id : str
    origin : str
        ``"reference"`` (the instructor's copy), ``"library"`` (an open release's reference library),
        ``"checked"`` (the answers store: its check passed in a kernel), ``"saved"`` (the saved notebook) or
        ``"missing"``.
    answer : callable or Missing
    note : str
        One line for the student: where the answer comes from, or (missing) why there is none and what to do.
    path : Path or None
        The file it was read from.
    """

    exercise_id: str
    origin: str
    answer: object
    note: str
    path: Path | None = None

    def __str__(self) -> str:
        return self.note


def which(exercise_id: str) -> Found:
    """Which answer ``mine(exercise_id)`` uses and why (``print(cl.which("svm_vectorized"))``).

    Parameters
    ----------
    exercise_id : str
        A function exercise's id.

    Returns
    -------
    Found
    """
    exercise = _exercise(exercise_id)
    mode = release_mode()
    if mode == "instructor":
        return Found(exercise.id, "reference", exercise.reference,
                     f"exercise `{exercise.id}`: the instructor's reference (this is the course repository)")
    if mode == "open":
        library = _library_function(exercise)
        if library is not None:
            return Found(exercise.id, "library", library,
                         f"exercise `{exercise.id}`: course_lib's own `{library.__name__}` (an open release)")
    if in_sandbox():
        return _missing(exercise, "earlier answers are not available while grading (each notebook is graded on "
                                  "its own)", "")
    if _checking:
        return _missing(exercise, "an answer cannot use cl.mine(): each answer is graded on its own, without your "
                                  "other notebooks", "write that code in your answer, or take the function as a "
                                  "parameter")
    return _students_answer(exercise)


def mine(exercise_id: str):
    """The function an earlier exercise built (see the module docstring).

    Parameters
    ----------
    exercise_id : str
        The exercise's id, e.g. ``"svm_vectorized"``.

    Returns
    -------
    callable or Missing

    Notes
    -----
    When the answer comes from its check (the answers store) rather than the saved notebook, the first call
    in a kernel prints one line saying so: the autograder grades only the saved notebook.
    """
    found = which(exercise_id)
    if found.origin == "checked" and found.exercise_id not in _reminded:
        _reminded.add(found.exercise_id)
        print(f"(note: {found.note}; save that notebook too: the autograder grades the saved .ipynb)")
    return found.answer


_reminded: set = set()  # exercise ids whose "save that notebook too" line this kernel has printed


def reference_answer(exercise_id: str):
    """What a graded release's reference stub calls: the student's passing answer.

    Raises
    ------
    ReferenceUnavailable
        In the grader's sandbox (``COURSE_LIB_SANDBOX=1``) and while ``check()`` runs an answer.
    AnswerMissing
        When the student has no passing answer yet (the message says why and what to do).
    """
    if in_sandbox() or _checking:
        raise ReferenceUnavailable(exercise_id)
    answer = mine(exercise_id)
    if isinstance(answer, Missing):
        raise AnswerMissing(answer.reason)
    return answer


# --- the student's answer: the answers store or the saved notebook ----------------------------

def _missing(exercise, why: str, todo: str) -> Found:
    """A ``Found`` with no answer, whose note is the one line: the exercise, why, what to do."""
    reason = f"exercise `{exercise.id}` ({exercise.notebook}.ipynb, `{exercise.answer}`): {why}"
    reason = f"{reason}; {todo}" if todo else reason
    return Found(exercise.id, "missing", Missing(exercise.id, reason), reason)


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


def _where_to_look() -> str:
    override = os.environ.get(NOTEBOOKS_VARIABLE)
    return f"in {override}" if override else f"in {Path.cwd()} or the folders above it"


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


_CACHE: dict = {}     # (exercise id, "saved"/"checked", path, mtime_ns, size) -> the result for that file
_LOADING: set = set()  # exercise ids being loaded (an answer that reaches course_lib's stub of itself)
_FAST: dict = {}       # (exercise id, cwd, $COURSE_LIB_NOTEBOOKS) -> (stamps, notebook, store, Found)


def _stamp(path):
    try:
        info = os.stat(path)
    except (OSError, TypeError):
        return None
    return info.st_mtime_ns, info.st_size


def _students_answer(exercise) -> Found:
    where = (exercise.id, os.getcwd(), os.environ.get(NOTEBOOKS_VARIABLE))
    hit = _FAST.get(where)
    if hit is not None and hit[0] == (_stamp(hit[1]), _stamp(hit[2])):
        return hit[3]
    from course_lib import answer_store

    notebook = find_notebook(exercise.notebook)
    if notebook is None:
        return _missing(exercise, f"not found: there is no {exercise.notebook}.ipynb {_where_to_look()}",
                        "open your workbook's notebooks folder (or set COURSE_LIB_NOTEBOOKS to it)")
    store = answer_store.entry_path(notebook.parent, exercise.id)
    stamps = (_stamp(notebook), _stamp(store))
    if stamps[0] is None:  # removed since it was found
        return _missing(exercise, f"not found: {notebook} is gone", "put the notebook back")
    if exercise.id in _LOADING:  # the answer reaches course_lib's stub of itself
        return _missing(exercise, "your answer calls course_lib's version of itself", "write the code yourself")
    _LOADING.add(exercise.id)
    try:
        found = _choose(exercise, notebook, store, stamps)
    finally:
        _LOADING.discard(exercise.id)
    _FAST[where] = (stamps, notebook, store, found)
    return found


def _cached(key, compute):
    if key not in _CACHE:
        _CACHE[key] = compute()
    return _CACHE[key]


def _choose(exercise, notebook: Path, store: Path, stamps) -> Found:
    """The store's entry or the saved notebook's answer (see the module docstring for the rules)."""
    saved = _cached((exercise.id, "saved", str(notebook), stamps[0]), lambda: _saved_answer(exercise, notebook))
    checked = _cached((exercise.id, "checked", str(store), stamps[1]), lambda: _checked_answer(exercise, store))
    saved_ok, checked_ok = saved[0] is not None, checked[0] is not None
    if saved_ok and checked_ok:
        entry = checked[2]
        same = [src.strip() for _, src in entry.statements] == [src.strip() for src in saved[3]]
        if entry.checked_at_ns > stamps[0][0] and not same:  # (the same code checked after a save: the saved one)
            return Found(exercise.id, "checked", checked[0], f"exercise `{exercise.id}`: your answer checked at "
                         f"{entry.checked_at} (newer than the saved notebook)", store)
        return Found(exercise.id, "saved", saved[0], f"exercise `{exercise.id}`: your answer in the saved "
                     f"{notebook.name}", notebook)
    if checked_ok:
        entry = checked[2]
        return Found(exercise.id, "checked", checked[0], f"exercise `{exercise.id}`: your answer checked at "
                     f"{entry.checked_at} (the saved {notebook.name}: {saved[1]})", store)
    if saved_ok:
        return Found(exercise.id, "saved", saved[0], f"exercise `{exercise.id}`: your answer in the saved "
                     f"{notebook.name}", notebook)
    return _nothing_usable(exercise, notebook, saved, checked)


def _nothing_usable(exercise, notebook: Path, saved, checked) -> Found:
    """The one line when neither the store nor the saved notebook has a passing answer."""
    why, kind = saved[1], saved[2]
    store_problem = checked[1]
    if kind == "blank":
        if store_problem:
            return _missing(exercise, f"not written in the saved {notebook.name}, and {store_problem}",
                            "write it and run its check cell")
        return _missing(exercise, f"not written in the saved {notebook.name} and never checked",
                        "write it and run its check cell (or save the notebook)")
    if kind == "absent":
        return _missing(exercise, why, "put the exercise's cells back (they are in the release), write the answer "
                                       "and run its check cell")
    note = f"; {store_problem}" if store_problem else ""
    return _missing(exercise, f"{why} (the answer in the saved {notebook.name}{note})",
                    "fix it, run its check cell (it counts as soon as the check passes), and save the notebook")


def _run(exercise, sources: list, name: str, namespace_name: str):
    """Run ``sources`` (``(label, source)`` statements) in a fresh namespace; ``(answer, Judgement)``."""
    from course_lib.grading.judging import judge
    namespace = {"__name__": namespace_name}
    with _quietly():
        for label, source in sources:
            try:
                exec(_compiled(source, f"<{exercise.notebook} {label}>"), namespace)
            except Exception:  # a statement that fails is skipped, as the cell would have been
                continue
        answer = namespace.get(name)
        if not callable(answer):
            return None, None
        cases = [(case, False) for case in exercise.public]
        try:
            with checking(exercise.id):
                _, verdict = judge.judge_answer(exercise, answer, cases)
        except Exception:
            return answer, None
    return answer, verdict


def _why_not(verdict) -> str:
    """Why a judged answer is not used, exactly (issue 24): the loop rule (never reading as "done" when its
    cases pass), course_lib's own version called, an exception, or the public tests it fails, named."""
    from course_lib.grading.statuses import Status

    total = len(verdict.cases)
    failing = [case for case in verdict.cases if not case.passed]
    score = f"its check passes {total - len(failing)} of {total} public tests"
    if failing:
        more = f" and {len(failing) - 1} more" if len(failing) > 1 else ""
        score += f": it fails “{failing[0].label or 'a public test'}”{more}"
    if verdict.status == Status.FORBIDDEN:
        return (f"it breaks the loop rule ({verdict.message.split(':')[0]}; this exercise must be loop-free), "
                + (f"though its {total} public tests pass" if not failing else f"and {score}"))
    if verdict.status == Status.USES_REFERENCE:
        return "it calls course_lib's own version of an exercise (write the code yourself)"
    raised = [case for case in failing if case.outcome == "raised an exception"]
    if raised and len(raised) == len(failing):
        message = raised[0].message.removeprefix("raised ").splitlines()[0]
        message = message if len(message) <= 100 else message[:97] + "..."
        return f"it raises {message} (on {raised[0].label or 'a public test'})"
    return score if failing else f"its check fails ({verdict.status})"


def _saved_answer(exercise, path: Path):
    """``(answer, "", "", sources)`` from the saved notebook (``sources``: the statements it needs, as the grader
    takes them), or ``(None, why, kind)``; kind is "blank", "absent" or ""."""
    from course_lib.grading.exercises.notebook import read_notebook
    from course_lib.grading.judging.program import Program
    from course_lib.grading.statuses import Status

    try:
        notebook = read_notebook(path.read_bytes())
    except OSError:
        notebook = None
    if notebook is None or notebook.status != "ok":
        return None, f"the saved {path.name} could not be read as a notebook", ""
    cells = [c for c in notebook.code_cells if not c.is_check]
    if not any(exercise.id in c.ids or exercise.answer in c.defines for c in cells):
        return None, f"its answer cell was not found in the saved {path.name}", "absent"
    # the statements the answer needs, as the grader takes them (course_lib.grading.judging.program)
    program = Program([(f"cell {c.index + 1}", c.source) for c in cells])
    statements = [(program.cells[s.cell].label, s.source) for s in program.slice([exercise.answer])]
    answer, verdict = _run(exercise, statements, exercise.answer, f"__{exercise.notebook}__")
    sources = tuple(source for _, source in statements)
    if answer is None:
        broken = _syntax_error([c for c in cells if exercise.id in c.ids])
        if broken:
            return None, f"its answer cell in the saved {path.name} does not run: {broken}", ""
        return None, f"the saved {path.name} does not define `{exercise.answer}` as a function", "blank"
    if verdict is None or verdict.status == Status.NOT_ATTEMPTED:
        return None, f"not written in the saved {path.name}", "blank"
    if verdict.status != Status.PASSED:
        return None, _why_not(verdict), ""
    return answer, "", "", sources


def _syntax_error(cells) -> str:
    """The first syntax error of ``cells`` ("IndentationError on line 4: ..."), '' if they parse (magics aside)."""
    for cell in cells:
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.split("\n"))
        try:
            compile(source, "<answer cell>", "exec", dont_inherit=True)
        except SyntaxError as exc:
            return f"{type(exc).__name__} on line {exc.lineno}: {exc.msg}"
    return ""


def _checked_answer(exercise, path: Path):
    """``(answer, "", entry)`` from the answers store, or ``(None, why, None)`` (why is "" for no entry)."""
    from course_lib import answer_store
    from course_lib.grading.statuses import Status

    entry, problem = answer_store.read(path, exercise.id)
    if entry is None:
        return None, problem, None
    answer, verdict = _run(exercise, list(entry.statements), entry.answer, f"__{exercise.notebook}_checked__")
    if answer is None or verdict is None or verdict.status != Status.PASSED:
        why = ("it does not define the answer" if answer is None else "its check could not run" if verdict is None
               else _why_not(verdict))
        return None, f"the answer checked at {entry.checked_at} fails when run on its own: {why}", None
    return answer, "", entry


# --- check() records passing answers -------------------------------------------------------------

def record_checked(exercise, answer, history) -> str:
    """What ``check()`` calls when an answer passes its public cases: record it in the answers store.

    Only in a graded or open release, outside the grader's sandbox, for function exercises whose
    notebook is found (the store sits next to it); a value exercise gets only the reminder to save. Never
    raises: the check must report its result.

    Returns
    -------
    str
        One line for the check's report ("" when nothing was recorded).
    """
    if release_mode() not in RELEASE_MODES or in_sandbox():
        return ""
    if getattr(exercise, "kind", "") != "function":  # a value: nothing to keep, but the grader reads the file too
        return "  save the notebook: the autograder grades the saved .ipynb"
    from course_lib import answer_store

    notebook = find_notebook(exercise.notebook)
    if notebook is None:
        return (f"  not kept for later notebooks: {exercise.notebook}.ipynb was not found {_where_to_look()}; "
                f"they will use the saved notebook")
    try:
        path = answer_store.record(exercise, answer, history, notebook.parent)
    except Exception as exc:  # a full disk or a read-only folder must not hide the check's result
        return f"  not kept for later notebooks ({type(exc).__name__}: {exc}); they will use the saved notebook"
    if path is None:
        return "  not kept for later notebooks (run outside a Jupyter kernel); they will use the saved notebook"
    return ("  cells that need this answer (here and in later notebooks) use it from now on; save the notebook "
            "too: the autograder grades the saved .ipynb")


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
