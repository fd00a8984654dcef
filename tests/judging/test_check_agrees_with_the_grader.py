"""The grader grades the notebook the student ran, top to bottom, with the judge of check() (issues 10, 22).

Submissions are the real notebooks 03, 04, 05 and 08 as students edit them (``tests/corpus/students.py``):
helpers, constants and redefinitions in other cells count, the last definition wins, provided
cells run from the source, check cells do not run, a failing or hanging cell costs only the
answers that depend on it; and issue 22's patterns: a helper filling its argument, ``out=``, two
statements on one line, decorated helpers, a scratch cell below the answer, plots, tqdm, widgets
and magics feeding an answer, loops hidden by how they are bound or reached, a forbidden function
reached by a name built at run time. Every submission is graded in ONE batch (module fixture, two
jobs, small limits); each test reads its rows.

The agreement tests run every answer of the corpus through ``check()`` in this process (the
cells run in a fresh in-process IPython shell, so that check() reads them from its history as
in a kernel) and through the grader, and compare: each public case's pass/fail, the overall
verdict, the loop-free verdict, the reference verdict and the hint.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import warnings

import numpy as np
import pytest
from corpus import students  # noqa: E402
from corpus.students import (  # noqa: E402
    FAILED,
    FORBIDDEN,
    GRADIENTS,
    PASSED,
    REFERENCE,
    REGULARIZATION,
    SOFTMAX,
    SVM,
)

from course_lib.grading.autograde import batch
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.check import check
from course_lib.grading.exercises import bank

LIMITS = Limits(cell_timeout=2, timeout=20, memory_mb=512)
STEMS = (SVM, GRADIENTS, SOFTMAX, REGULARIZATION)
AGREEMENT_STEMS = tuple(stem for stem in STEMS if stem in students.AGREEMENT)
SUBMISSIONS = {stem: students.submissions(stem) for stem in STEMS}
CASES = [(stem, name) for stem in STEMS for name in SUBMISSIONS[stem]]
LOOP_WORDS = re.compile(r"loop|comprehension|apply_along_axis|vectorize|frompyfunc|\bmap\b|\bfilter\b|recurs", re.I)
MODIFIED_INPUT = re.compile(r"modif|mutat|in[ -]place|changes? (its|the|your) (input|argument)", re.I)


def _row_name(stem: str, label: str) -> str:
    return f"{stem}__{label}__{stem}"  # what batch.collect calls <folder>/<label>/<stem>.ipynb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """``(rows by name, output folder, agreement notebooks by stem)``: everything graded once."""
    base = tmp_path_factory.mktemp("grading_v2")
    folder = base / "submissions"
    agreement = {stem: students.agreement_submissions(stem) for stem in AGREEMENT_STEMS}
    for stem in STEMS:
        for name, submission in SUBMISSIONS[stem].items():
            path = folder / f"{stem}__{name}" / f"{stem}.ipynb"
            path.parent.mkdir(parents=True)
            path.write_bytes(submission.data())
        for k, (student, _) in enumerate(agreement.get(stem, ())):
            path = folder / f"{stem}__agreement{k:02d}" / f"{stem}.ipynb"
            path.parent.mkdir(parents=True)
            path.write_bytes(student.data())
    rows = dict(batch.grade_batch([folder], base / "out", LIMITS, jobs=2, progress=False))
    return rows, base / "out", agreement


def _result(graded, stem, name):
    rows, _, _ = graded
    return rows[_row_name(stem, name)]


def _by_id(result) -> dict:
    return {ex.id: ex for ex in result.exercises}


def _all_text(ex) -> str:
    """Everything the feedback says about one exercise."""
    return "\n".join([ex.status, ex.message, ex.hint, *(c.message for c in ex.cases)])


def _statuses(result) -> list:
    return [(ex.id, ex.status, ex.message, ex.hint) for ex in result.exercises]


# --- what each submission earns ----------------------------------------------------------------------

@pytest.mark.parametrize("stem, name", CASES, ids=[f"{s[:2]}-{n}" for s, n in CASES])
def test_each_exercise_gets_the_expected_status(graded, stem, name):
    submission = SUBMISSIONS[stem][name]
    result = _result(graded, stem, name)
    assert result.status == "ok" and result.notebook == stem, (result.status, result.message)
    exercises = _by_id(result)
    assert set(exercises) == {ex.id for ex in bank.for_notebook(stem)}
    for exercise_id, ex in exercises.items():
        wanted = submission.expected.get(exercise_id, PASSED)
        allowed = wanted if isinstance(wanted, tuple) else (wanted,)
        assert ex.status in allowed, (submission.story, exercise_id, ex.status, ex.message, ex.hint)
        assert ex.score == (ex.points if ex.status == PASSED else 0)
    if not submission.expected:
        assert result.score == result.max_score, (submission.story, _statuses(result))


def test_the_self_test_loop_of_a_vectorized_answer_is_not_the_answer(graded):
    ex = _by_id(_result(graded, SVM, "self_test_loop_in_the_vectorized_cell"))["svm_vectorized"]
    assert ex.status == PASSED and "loop" not in ex.message


@pytest.mark.parametrize("stem, name", [(SVM, "calls_the_reference_through_an_alias"),
                                        (SVM, "calls_the_reference_through_getattr"),
                                        (SVM, "calls_the_reference_by_module_path"),
                                        (GRADIENTS, "calls_the_reference"),
                                        (GRADIENTS, "calls_a_helper_that_calls_the_reference"),
                                        (SOFTMAX, "calls_the_reference_through_an_alias")])
def test_calling_the_reference_is_reported_as_such_never_as_a_name_error(graded, stem, name):
    result = _result(graded, stem, name)
    _, out, _ = graded
    feedback = (out / "feedback" / f"{_row_name(stem, name)}.md").read_text()
    for exercise_id in SUBMISSIONS[stem][name].expected:
        ex = _by_id(result)[exercise_id]
        assert ex.status == REFERENCE and ex.score == 0, (exercise_id, ex.status, ex.message)
        assert ex.message, exercise_id
        assert "NameError" not in _all_text(ex), (exercise_id, _all_text(ex))
    assert "NameError" not in feedback


@pytest.mark.parametrize("stem, name, why", [(SVM, "helper_cell_raises_before_the_helper", "ValueError"),
                                             (GRADIENTS, "helper_cell_raises_before_the_helper", "NameError"),
                                             (GRADIENTS, "helper_cell_never_finishes",
                                              r"time|did not finish|never finish")])
def test_a_helper_cell_that_fails_is_named_in_the_feedback(graded, stem, name, why):
    submission = SUBMISSIONS[stem][name]
    cells = submission.student.cells
    position = next(k for k, c in enumerate(cells) if c.get("id") == submission.culprit)
    (exercise_id,) = submission.expected
    ex = _by_id(_result(graded, stem, name))[exercise_id]
    text = _all_text(ex)
    assert re.search(why, text, re.I), f"the feedback should say why ({why}): {text!r}"
    count = cells[position].execution_count
    first_line = cells[position].source.split("\n")[0].strip()
    named = [rf"\bcell\W{{0,3}}{position}\b", rf"\bcell\W{{0,3}}{position + 1}\b", re.escape(submission.culprit),
             rf"\[{count}\]", re.escape(first_line)]
    assert any(re.search(pattern, text, re.I) for pattern in named), \
        f"the feedback should name the helper's cell (index {position}, id {submission.culprit}): {text!r}"
    _, out, _ = graded
    assert re.search(why, (out / "feedback" / f"{_row_name(stem, name)}.md").read_text(), re.I)


@pytest.mark.parametrize("stem", AGREEMENT_STEMS)
def test_the_last_definition_counts_even_when_it_is_wrong(graded, stem):
    submission = SUBMISSIONS[stem]["redefined_later_last_is_wrong"]
    exercise_id, mistake = submission.details["hint_mistake"]
    ex = _by_id(_result(graded, stem, "redefined_later_last_is_wrong"))[exercise_id]
    assert ex.status == FAILED and ex.score == 0
    expected_hint = next(m.hint for m in bank.get(exercise_id).mistakes if m.name == mistake)
    assert ex.hint == expected_hint, ex.hint


def test_hard_coded_public_outputs_pass_public_cases_and_fail_hidden_ones(graded):
    ex = _by_id(_result(graded, SVM, "hard_coded_public_outputs"))["svm_vectorized"]
    public = [c for c in ex.cases if not c.hidden]
    hidden = [c for c in ex.cases if c.hidden]
    assert len(public) == len(bank.get("svm_vectorized").public) and all(c.passed for c in public)
    assert hidden and not all(c.passed for c in hidden)
    assert ex.status == FAILED and ex.score == 0


@pytest.mark.parametrize("stem, exercise_id", [(SVM, "svm_vectorized"), (GRADIENTS, "crosses_kink"),
                                               (SOFTMAX, "softmax_probs")])
def test_an_answer_that_modifies_its_input_fails_with_a_hint_saying_so(graded, stem, exercise_id):
    ex = _by_id(_result(graded, stem, "mutates_its_input"))[exercise_id]
    assert ex.status == FAILED and ex.score == 0, (ex.status, ex.message)
    assert MODIFIED_INPUT.search(ex.hint or ""), f"hint should say the input was modified: {ex.hint!r}"


@pytest.mark.parametrize("stem, name", [(SVM, "a_cell_with_a_typo_raises"), (SVM, "an_experiment_never_ends"),
                                        (GRADIENTS, "experiments_raise_and_never_end")])
def test_a_failing_or_hanging_cell_nothing_depends_on_costs_nothing(graded, stem, name):
    result = _result(graded, stem, name)
    assert result.status == "ok"
    assert result.score == result.max_score, _statuses(result)
    # the cells after the hanging one still ran: every later answer was tested on every case
    for ex in result.exercises:
        assert ex.cases and all(c.passed for c in ex.cases), (ex.id, ex.status, ex.message)


def test_a_loop_in_an_earlier_answer_the_vectorized_one_calls_is_a_loop(graded):
    exercises = _by_id(_result(graded, SOFTMAX, "vectorized_calls_a_looping_first_answer"))
    assert exercises["softmax_probs"].status == PASSED  # loops are allowed there
    vectorized = exercises["softmax_vectorized"]
    assert vectorized.status == FORBIDDEN and vectorized.score == 0, (vectorized.status, vectorized.message)
    assert "comprehension" in vectorized.message and "softmax_probabilities" in vectorized.message, \
        vectorized.message
    calls_a_loop_free_one = _by_id(_result(graded, SOFTMAX, "vectorized_calls_the_first_answer"))
    assert calls_a_loop_free_one["softmax_vectorized"].status == PASSED


def test_a_global_of_a_provided_cell_is_the_one_the_kernel_had(graded):
    ex = _by_id(_result(graded, SVM, "answer_uses_a_global_of_a_provided_cell"))["svm_vectorized"]
    public = [c for c in ex.cases if not c.hidden]
    assert public[0].passed, "the lecture's case has C = 3 classes: right if the provided cell's C = 3 was defined"
    assert not public[1].passed and ex.status in (FAILED, "error") and "NameError" not in _all_text(ex)


def test_a_constant_changed_later_counts_with_its_last_value(graded):
    exercises = _by_id(_result(graded, SVM, "constant_changed_by_a_later_experiment"))
    for exercise_id in ("svm_vectorized",):
        ex = exercises[exercise_id]
        first_public = next(c for c in ex.cases if not c.hidden)  # the lecture's example: its loss changes with DELTA
        assert ex.status == FAILED and not first_public.passed, (exercise_id, [(c.label, c.passed) for c in ex.cases])


def test_a_check_cell_is_not_run(graded):
    result = _result(graded, SVM, "check_cell_redefines_the_answer")
    assert _by_id(result)["svm_vectorized"].status == PASSED, _statuses(result)


def test_an_experiment_that_calls_the_reference_costs_nothing(graded):
    result = _result(graded, SVM, "extra_markdown_and_plots")
    assert result.score == result.max_score, _statuses(result)


# --- the agreement corpus: what each answer must get ---------------------------------------------------

_KIND_STATUS = {"correct": PASSED, "unusual": PASSED, "wrong": FAILED, "loop": FORBIDDEN, "reference": REFERENCE}


def _agreement_rows(graded, stem):
    _, _, agreement = graded
    for k, (_, chosen) in enumerate(agreement[stem]):
        result = _result(graded, stem, f"agreement{k:02d}")
        assert result.status == "ok", result.message
        exercises = _by_id(result)
        for exercise_id, answer in chosen.items():
            yield answer, exercises[exercise_id]


@pytest.mark.parametrize("stem", AGREEMENT_STEMS)
def test_every_corpus_answer_gets_its_status(graded, stem):
    wrong = []
    seen = set()
    for answer, ex in _agreement_rows(graded, stem):
        if (answer.exercise_id, answer.name) in seen:
            continue  # a filler: the first answer repeated in a later notebook
        seen.add((answer.exercise_id, answer.name))
        status = FAILED if answer.name.startswith("mutates") else _KIND_STATUS[answer.kind]
        problems = []
        if ex.status != status:
            problems.append(f"status {ex.status!r}, expected {status!r}")
        if answer.kind == "loop" and answer.loop.lower() not in ex.message.lower():
            problems.append(f"message should name the loop ({answer.loop}): {ex.message!r}")
        if answer.kind in ("loop", "reference") and "NameError" in _all_text(ex):
            problems.append("reported as a NameError")
        if problems:
            wrong.append(f"{answer.exercise_id}/{answer.name}: " + "; ".join(problems))
    total = len(seen)
    assert not wrong, f"{total - len(wrong)} of {total} answers get their status; wrong:\n" + "\n".join(wrong)


# --- the agreement corpus: check() and the grader say the same --------------------------------------------

@contextlib.contextmanager
def _kernel():
    """A fresh in-process IPython shell (what a kernel runs cells in), its history in memory only."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    saved = sys.displayhook, sys.excepthook
    InteractiveShell.clear_instance()
    try:
        yield InteractiveShell.instance(config=config)
    finally:
        InteractiveShell.clear_instance()
        sys.displayhook, sys.excepthook = saved


def _run_cells(shell, stem: str, cells: tuple) -> None:
    """The notebook's imports, then the student's cells, in order, as "Run" in a notebook does."""
    for source in [students.setup_source(stem), *cells]:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            shell.run_cell(source, store_history=True)


def _first_hint(text: str) -> str:
    """The first hint in a check report, its wrapped lines joined."""
    lines = text.split("\n")
    for k, line in enumerate(lines):
        if line.strip().startswith("hint:"):
            parts = [line.split("hint:", 1)[1]]
            indent = len(line) - len(line.lstrip())
            for follow in lines[k + 1:]:
                stripped = follow.strip()
                if not stripped or len(follow) - len(follow.lstrip()) <= indent or stripped[0] in "✓✗" \
                        or re.match(r"^[a-z]+:\s", stripped):
                    break
                parts.append(stripped)
            return " ".join(" ".join(parts).split())
    return ""


def _check_side(stem: str, answer) -> dict:
    exercise = bank.get(answer.exercise_id)
    out = io.StringIO()
    with _kernel() as shell:
        try:
            _run_cells(shell, stem, answer.cells)
            with contextlib.redirect_stdout(out), warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                result = check(answer.exercise_id, shell.user_ns[exercise.answer])
            error = ""
        except Exception as exc:  # check() must never raise on a student's answer
            result, error = None, f"{type(exc).__name__}: {exc}"
    text = out.getvalue()
    marks = {}
    for k, case in enumerate(exercise.public, start=1):
        label = case.label or f"test {k}"
        found = re.search(rf"^\s*([✓✗])\s+{re.escape(label)}(?:\s|:|$)", text, re.M)
        marks[label] = None if found is None else found.group(1) == "✓"
    return {"error": error, "text": text, "marks": marks, "hint": _first_hint(text),
            "all_passed": bool(result) if result is not None else None,
            "loop_free": result.loop_free if result is not None else None,
            "reference": getattr(result, "status", "") == REFERENCE}


def _compare(answer, checked: dict, ex) -> list:
    """``[(unit, agrees, detail)]`` for one answer: public cases, verdict, loop, reference, hint."""
    exercise = bank.get(answer.exercise_id)
    units = []
    if checked["error"]:
        return [("check() ran", False, checked["error"])]
    public = {c.label: c.passed for c in ex.cases if not c.hidden}
    hidden = [c.passed for c in ex.cases if c.hidden]
    both_say_reference = checked["reference"] and ex.status == REFERENCE
    for label, mark in checked["marks"].items():
        if both_say_reference:
            break  # what a reference call returns depends on the course_lib installed (checkout, release, sandbox)
        if label in public:  # a case the grader ran: check() must have reported it the same way
            units.append((f"case '{label}'", mark == public[label],
                          f"check {'did not report it' if mark is None else mark}, grader {public[label]}"))
    grader_ok = ex.status == PASSED or (ex.status == FAILED and bool(public) and all(public.values())
                                        and not all(hidden))
    units.append(("verdict", checked["all_passed"] == grader_ok,
                  f"check all_passed={checked['all_passed']}, grader {ex.status}"))
    if exercise.loop_free:
        # a loop named in the message (not inside a `name`: svm_loss_vectorized is no np.vectorize)
        grader_loop = ex.status != PASSED and bool(LOOP_WORDS.search(re.sub(r"`[^`]*`", "", ex.message)))
        units.append(("loop rule", (not checked["loop_free"]) == grader_loop,
                      f"check loop_free={checked['loop_free']}, grader {ex.status}: {ex.message}"))
    units.append(("reference use", checked["reference"] == (ex.status == REFERENCE),
                  f"check says it uses the reference: {checked['reference']}, grader {ex.status}"))
    publics_pass = all(m is not False for m in checked["marks"].values()) and all(public.values())
    if not (publics_pass and not checked["hint"]) and not both_say_reference:
        grader_hint = " ".join((ex.hint or "").split())
        units.append(("hint", checked["hint"] == grader_hint, f"check {checked['hint']!r}, grader {grader_hint!r}"))
    return units


@pytest.fixture(scope="module")
def agreement(graded):
    """``{stem: [(answer, unit, agrees, detail)]}`` over every distinct answer of the corpus."""
    out = {}
    for stem in AGREEMENT_STEMS:
        seen, rows = set(), []
        for answer, ex in _agreement_rows(graded, stem):
            if (answer.exercise_id, answer.name) in seen:
                continue
            seen.add((answer.exercise_id, answer.name))
            rows += [(answer, *unit) for unit in _compare(answer, _check_side(stem, answer), ex)]
        out[stem] = rows
    return out


def _figure(rows) -> str:
    agreeing = sum(1 for row in rows if row[2])
    answers = len({(a.exercise_id, a.name) for a, *_ in rows})
    return f"check() and the grader agree on {agreeing} of {len(rows)} comparisons ({answers} answers)"


@pytest.mark.parametrize("stem", AGREEMENT_STEMS)
def test_check_and_the_grader_agree(agreement, stem):
    rows = agreement[stem]
    disagreements = [f"{a.exercise_id}/{a.name} [{a.kind}] {unit}: {detail}" for a, unit, ok, detail in rows
                     if not ok]
    assert len(rows) > 3 * len(bank.for_notebook(stem))
    assert not disagreements, _figure(rows) + "; they differ on:\n" + "\n".join(disagreements)


def test_check_and_the_grader_agree_overall(agreement):
    rows = [row for stem in AGREEMENT_STEMS for row in agreement[stem]]
    print(_figure(rows))  # the figure the issue asks for (shown with -s or -rA)
    assert all(ok for _, _, ok, _ in rows), _figure(rows)


def test_the_agreement_corpus_is_broad():
    for stem in AGREEMENT_STEMS:
        for exercise_id, answers in students.AGREEMENT[stem].items():
            kinds = {a.kind for a in answers}
            assert {"correct", "wrong"} <= kinds, (exercise_id, kinds)
            assert len({a.name for a in answers}) == len(answers)
    loops = {a.loop for a in students.AGREEMENT[SVM]["svm_vectorized"] if a.kind == "loop"}
    assert {"apply_along_axis", "vectorize", "frompyfunc", "map", "filter", "recurs", "for loop",
            "comprehension"} <= loops


# --- check() says at once when the grader would use another definition ---------------------------------

def _check_in_kernel(tmp_path, monkeypatch, submission, sources, cell_ids=None) -> str:
    """Save ``submission`` as the notebook next to the kernel, run ``sources`` (cells, in that order; with the
    cell ids a front end would send, if given) in a fresh kernel, then run check() on the kernel's answer:
    what it prints, spaces normalised."""
    path = tmp_path / f"{submission.stem}.ipynb"
    path.write_bytes(submission.data())
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    exercise = bank.get("svm_vectorized")
    out = io.StringIO()
    with _kernel() as shell:
        from course_lib.grading import grader_view

        grader_view.remember_cell_ids()
        _run_cells(shell, submission.stem, ())
        for source, cell_id in zip(sources, cell_ids or [None] * len(sources)):
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                shell.run_cell(source, store_history=True, cell_id=cell_id)
        with contextlib.redirect_stdout(out), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            check(exercise.id, shell.user_ns[exercise.answer])
    return " ".join(out.getvalue().split())


def test_check_says_the_grader_will_use_a_scratch_definition_below(graded, tmp_path, monkeypatch):
    submission = SUBMISSIONS[SVM]["scratch_cell_below_the_answer"]
    student = submission.student
    answer = student.index("svm_vectorized")
    scratch = next(k for k, c in enumerate(student.cells) if c.source.startswith("# scratch"))
    # the student ran the scratch cell first, then fixed the answer above it and ran that: the kernel's answer
    # passes, but the saved notebook run top to bottom ends with the scratch definition
    cells = student.cells
    text = _check_in_kernel(tmp_path, monkeypatch, submission, [cells[scratch].source, cells[answer].source])
    assert f"will use the definition in cell {scratch}" in text, text
    assert "which fails" in text and "below it" in text, text
    graded_status = _by_id(_result(graded, SVM, "scratch_cell_below_the_answer"))["svm_vectorized"].status
    assert graded_status == FAILED  # what check() announced


def test_check_says_nothing_when_the_kernel_ran_the_saved_notebook_in_order(tmp_path, monkeypatch):
    submission = SUBMISSIONS[SVM]["scratch_cell_below_the_answer"]
    student = submission.student
    answer = student.index("svm_vectorized")
    scratch = next(k for k, c in enumerate(student.cells) if c.source.startswith("# scratch"))
    cells = student.cells
    text = _check_in_kernel(tmp_path, monkeypatch, submission, [cells[answer].source, cells[scratch].source])
    assert "grader" not in text.replace("grades come from the autograder", ""), text


def test_check_says_when_the_answer_is_not_saved_yet(tmp_path, monkeypatch):
    submission = SUBMISSIONS[SVM]["reference_solutions"]
    answer = submission.student.cells[submission.student.index("svm_vectorized")].source
    edited = answer.replace("return", "return  ", 1)  # the kernel ran an edit that is not saved yet
    text = _check_in_kernel(tmp_path, monkeypatch, submission, [edited])
    assert "not in the saved notebook" in text and "will use the definition in cell" in text, text
    assert "which passes the public tests" in text, text


def test_check_knows_the_cell_by_the_id_the_front_end_sent(tmp_path, monkeypatch):
    """The kernel ran a wrong version of the answer cell; the saved cell (same id) holds the right one."""
    submission = SUBMISSIONS[SVM]["reference_solutions"]
    cell = submission.student.cells[submission.student.index("svm_vectorized")]
    wrong = students.VECTORIZED_INCLUDES_CORRECT
    text = _check_in_kernel(tmp_path, monkeypatch, submission, [wrong], [cell.id])
    position = submission.student.index("svm_vectorized")
    assert f"comes from cell {position}" in text and "has been changed since" in text, text
    assert "which passes the public tests" in text, text


def test_the_saved_definition_is_run_with_the_helpers_its_cell_defines_first(tmp_path, monkeypatch):
    """The saved answer cell defines a helper, then the answer that uses it; the kernel ran an older version
    without the helper. What the grader will use passes: the note must say so (it once ran the answer's own
    statements alone and reported a NameError)."""
    student = students.StudentNotebook(SVM)
    position = student.index("svm_vectorized")
    original = student.cells[position].source
    assert "np.maximum(" in original
    student.cells[position].source = "_clip = np.maximum\n\n" + original.replace("np.maximum(", "_clip(", 1)
    saved = students.Submission(student, {}, "a helper defined in the answer's own cell")
    text = _check_in_kernel(tmp_path, monkeypatch, saved, [original])
    assert "not in the saved notebook" in text and "which passes the public tests" in text, text
