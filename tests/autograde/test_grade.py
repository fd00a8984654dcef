"""The autograder: matching, judging, outputs, cache, determinism, and the workbook's own notebooks."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest
from hostile import kit  # noqa: E402

from course_lib.cli import main
from course_lib.grading.autograde import batch, grade, submission
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.exercises import bank
from course_lib.grading.exercises import notebook as notebook_io
from course_lib.grading.release.build import student_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LIMITS = Limits(cell_timeout=5, timeout=30)


@pytest.fixture
def test_bank():
    with kit.registered():
        yield


def grade_cells(cells, tmp_path, name="sub.ipynb", limits=LIMITS):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    path.write_bytes(kit.notebook(cells))
    rows = batch.grade_batch([path], tmp_path / "out", limits, jobs=1, progress=False)
    return rows[0][1]


def statuses(result):
    return {ex.id: ex.status for ex in result.exercises}


# --- matching ----------------------------------------------------------------------------------------

def test_matching_finds_answers_without_metadata(test_bank, tmp_path):
    cells = kit.good_cells()
    for cell in cells:
        cell["metadata"] = {}
    result = grade_cells(cells, tmp_path, "renamed.ipynb")
    assert result.notebook == kit.STEM and result.score == kit.TOTAL


def test_matching_survives_changed_ids_and_moved_cells(test_bank, tmp_path):
    cells = kit.good_cells()
    answers = [c for c in cells if c["metadata"].get("course_lib", {}).get("role") == "answer"]
    for cell in answers:
        cell["metadata"]["nbgrader"]["grade_id"] = "cell-" + cell["metadata"]["nbgrader"]["grade_id"][::-1]
        del cell["metadata"]["course_lib"]
    others = [c for c in cells if c not in answers]
    result = grade_cells(list(reversed(answers)) + others, tmp_path)
    assert result.score == kit.TOTAL


def test_the_last_definition_wins_like_running_the_notebook(test_bank, tmp_path):
    wrong = kit.code("def double_it(x):\n    return 3 * x\n")
    right_then_wrong = grade_cells(kit.good_cells() + [wrong], tmp_path / "a")
    assert statuses(right_then_wrong)["double_it"] == "failed"
    assert right_then_wrong.exercises[0].hint == "you multiplied by 3, not 2"
    wrong_then_right = grade_cells(kit.good_cells()[:2] + [wrong] + kit.good_cells()[2:], tmp_path / "b")
    assert wrong_then_right.score == kit.TOTAL


def test_duplicated_answer_cells_are_fine(test_bank, tmp_path):
    cells = kit.good_cells()
    result = grade_cells(cells[:6] + cells[2:], tmp_path)
    assert result.score == kit.TOTAL


def test_a_cell_that_raises_hangs_or_kills_the_kernel_costs_only_itself(test_bank, tmp_path):
    # experiment cells at the end: every cell runs, as in the kernel, and none of these costs an answer
    cells = kit.good_cells() + [kit.code("1 / 0\nnever = 1\n"), kit.code("while True:\n    pass\n"),
                                kit.code("import os\nresult = [os._exit(1), 1 / 0]\n")]
    result = grade_cells(cells, tmp_path, limits=Limits(cell_timeout=1.5, timeout=30))
    assert result.score == kit.TOTAL, [(ex.id, ex.status, ex.message) for ex in result.exercises]


def test_a_later_cell_that_changes_what_an_answer_uses_counts(test_bank, tmp_path):
    # as in the student's kernel: numpy patched after the answers were written breaks them when they run
    cells = kit.good_cells() + [kit.code("np.asarray = None\n")]
    result = grade_cells(cells, tmp_path)
    assert statuses(result)["double_it"] == "passed"  # `2 * x` needs no np
    assert statuses(result)["l2_of"] == "passed"  # np.sum is untouched


def test_ipython_magics_in_an_answer_cell_are_ignored(test_bank, tmp_path):
    cells = kit.good_cells({"add_them": "%matplotlib inline\n!ls\ndef add_them(a, b):\n    return a + b\n"})
    assert grade_cells(cells, tmp_path).score == kit.TOTAL


def test_the_notebooks_own_check_import_in_an_answer_cell_is_harmless(test_bank, tmp_path):
    source = ("import numpy as np\nfrom course_lib.grading import check\n"
              "def add_them(a, b):\n    return a + b\ncheck('add_them', add_them)\n")
    result = grade_cells(kit.good_cells({"add_them": source}), tmp_path)
    assert result.score == kit.TOTAL


def test_a_helper_in_another_cell_counts_as_in_the_students_kernel(test_bank, tmp_path):
    same_cell = kit.good_cells({"add_them": "def _plus(a, b):\n    return a + b\n"
                                            "def add_them(a, b):\n    return _plus(a, b)\n"})
    assert statuses(grade_cells(same_cell, tmp_path / "a"))["add_them"] == "passed"
    elsewhere = kit.good_cells({"add_them": "def add_them(a, b):\n    return _plus(a, b) + OFFSET\n"})
    elsewhere.insert(1, kit.code("def _plus(a, b):\n    return a + b\n"))
    elsewhere.append(kit.code("OFFSET = 0.0\n"))  # below the answer: resolved when the answer is called
    assert statuses(grade_cells(elsewhere, tmp_path / "b"))["add_them"] == "passed"
    broken = kit.good_cells({"add_them": "def add_them(a, b):\n    return _plus(a, b)\n"})
    broken.insert(1, kit.code("import matplotlib.pyplot as plt\n1 / 0\ndef _plus(a, b):\n    return a + b\n"))
    result = grade_cells(broken, tmp_path / "c")
    assert statuses(result)["add_them"] == "error"
    assert "cell 1" in result.exercises[1].message and "ZeroDivisionError" in result.exercises[1].message


def test_identify_notebook_by_metadata_names_or_filename(test_bank):
    by_notebook = grade._exercises_by_notebook()

    def cell(source, metadata=None):
        return notebook_io.NotebookCell(0, "code", source, metadata or {})

    with_ids = [cell("x = 1", {"course_lib": {"exercise": "double_it", "role": "answer"}})]
    assert submission.identify_notebook(with_ids, "whatever.ipynb", by_notebook) == kit.STEM
    by_name = [cell("def add_them(a, b):\n    pass\ndouble_it = magic_number = None")]
    assert submission.identify_notebook(by_name, "whatever.ipynb", by_notebook) == kit.STEM
    assert submission.identify_notebook([cell("y = 2")], f"alice_{kit.STEM}.ipynb", by_notebook) is None  # name alone
    assert submission.identify_notebook([cell("y = 2")], "hw.ipynb", by_notebook) is None
    one_of_five = [cell("def magic_number():\n    pass")]
    assert submission.identify_notebook(one_of_five, "hw.ipynb", by_notebook) is None  # too little to tell


def test_calling_a_forbidden_reference_without_defining_it(test_bank, tmp_path):
    # softmax is a name no cell defines: a call of course_lib's reference, not a NameError
    sneaky = grade_cells(kit.good_cells({"l2_of": "def l2_of(W):\n    return softmax(W)\n"}), tmp_path / "a")
    assert statuses(sneaky)["l2_of"] == "uses the reference implementation"
    assert "softmax" in sneaky.exercises[3].message
    own = kit.good_cells({"l2_of": "def softmax(W):\n    e = np.exp(W)\n    return e / e.sum(axis=-1, keepdims=True)\n"
                                   "def l2_of(W):\n    return softmax(W)\n"})
    assert statuses(grade_cells(own, tmp_path / "b"))["l2_of"] == "passed"  # the student's own function


# --- judging and statuses --------------------------------------------------------------------------------

def test_wrong_answer_fails_with_public_message_and_hint(test_bank, tmp_path):
    result = grade_cells(kit.good_cells({"double_it": "def double_it(x):\n    return 3 * x\n"}), tmp_path)
    ex = result.exercises[0]
    assert ex.status == "failed" and ex.score == 0
    assert "two numbers" in ex.cases[0].label and "differ" in ex.cases[0].message
    assert [c.hidden for c in ex.cases] == [False, True, True]
    assert all(c.message == "" for c in ex.cases if c.hidden)


def test_an_exercise_scores_only_if_hidden_cases_pass_too(test_bank, tmp_path):
    # right on the public 1-D case, wrong on the hidden 2-D ones
    source = "def double_it(x):\n    return 2 * x if x.ndim == 1 else x\n"
    ex = grade_cells(kit.good_cells({"double_it": source}), tmp_path).exercises[0]
    assert ex.cases[0].passed and not ex.cases[1].passed
    assert ex.status == "failed" and ex.score == 0


def test_a_value_exercises_feedback_never_gives_the_expected_value(test_bank, tmp_path):
    result = grade_cells(kit.good_cells({"magic_number": "magic_number = 41.0"}), tmp_path)
    ex = {e.id: e for e in result.exercises}["magic_number"]
    assert ex.status == "failed" and ex.cases[0].message == "not the expected value"
    feedback = (tmp_path / "out" / "feedback" / "sub.md").read_text()
    results = (tmp_path / "out" / "results" / "sub.json").read_text()
    assert "42" not in feedback and "42" not in results


def test_hidden_cases_say_passed_or_failed_whatever_happened(test_bank, tmp_path):
    """Right on the public case, wrong on the hidden ones in four ways: the student reads the same thing."""
    hidden_only = "x.ndim != 1"
    answers = {"wrong value": f"def double_it(x):\n    return x if {hidden_only} else 2 * x\n",
               "raises": f"def double_it(x):\n    if {hidden_only}:\n        raise ValueError(str(x))\n"
                         "    return 2 * x\n",
               "never ends": f"def double_it(x):\n    while {hidden_only}:\n        pass\n    return 2 * x\n",
               "kills the kernel": f"import os\ndef double_it(x):\n    if {hidden_only}:\n        os._exit(3)\n"
                                   "    return 2 * x\n"}
    seen = {}
    for k, (how, source) in enumerate(answers.items()):
        result = grade_cells(kit.good_cells({"double_it": source}), tmp_path / str(k),
                             limits=Limits(cell_timeout=1, timeout=30))
        ex = result.exercises[0]
        assert [(c.passed, c.outcome, c.message) for c in ex.cases if c.hidden] == [(False, "failed", "")] * 2, how
        feedback = (tmp_path / str(k) / "out" / "feedback" / "sub.md").read_text()
        seen[how] = (ex.status, ex.score, ex.message, ex.hint, feedback)
        assert result.score == kit.TOTAL - kit.POINTS["double_it"], how
    assert len(set(seen.values())) == 1, seen
    status, _, message, _, feedback = next(iter(seen.values()))
    assert status == "failed" and "not 2 of 2 hidden tests" in message
    assert "hidden test 1: failed\n" in feedback and "hidden test 2: failed\n" in feedback


def test_value_exercise_and_fixture_arguments(test_bank, tmp_path):
    result = grade_cells(kit.good_cells({"magic_number": "magic_number = 41.0"}), tmp_path)
    assert statuses(result)["magic_number"] == "failed"
    assert statuses(result)["apply_softmax"] == "passed"  # the fixture crossed as a trusted callable


def test_grade_bytes_statuses_for_unusable_files(test_bank):
    cases = {b"": "empty", b"\x00\x01\xff": "not a notebook", b"{": "not a notebook",
             b'{"nbformat": 3, "worksheets": []}': "wrong nbformat version",
             kit.notebook([kit.code("print(1)")]): "wrong notebook",
             kit.notebook([kit.markdown("# only words"), kit.code("  \n")]): "empty"}
    for data, status in cases.items():
        result = grade.grade_bytes(data, "x.ipynb", LIMITS)
        assert (result.status, result.score) == (status, 0)


def test_unreadable_file_gets_a_row(test_bank, tmp_path):
    rows = batch.grade_batch([tmp_path / "does_not_exist.ipynb"], tmp_path / "out", LIMITS, jobs=1,
                             progress=False)
    assert rows[0][1].status == "unreadable"


def test_a_grader_failure_on_one_file_does_not_stop_the_batch(test_bank, tmp_path, monkeypatch):
    (tmp_path / "a.ipynb").write_bytes(kit.notebook(kit.good_cells()))
    (tmp_path / "b.ipynb").write_bytes(kit.notebook(kit.good_cells()[:-1]))
    real = grade.grade_bytes

    def broken_on_a(data, filename, *args, **kwargs):
        if filename == "a.ipynb":
            raise RuntimeError("boom")
        return real(data, filename, *args, **kwargs)

    monkeypatch.setattr(grade, "grade_bytes", broken_on_a)
    rows = dict(batch.grade_batch([tmp_path / "a.ipynb", tmp_path / "b.ipynb"], tmp_path / "out", LIMITS,
                                  jobs=2, progress=False))
    assert (rows["a"].status, rows["a"].score) == ("grader error", 0)
    assert rows["b"].score == kit.TOTAL
    assert len(list((tmp_path / "out" / ".cache").glob("*.json"))) == 1  # b's grade only: a is retried next run


def test_a_symbolic_link_is_not_followed(test_bank, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "sneaky.ipynb").symlink_to("/etc/passwd")
    rows = dict(batch.grade_batch([subs], tmp_path / "out", LIMITS, jobs=1, progress=False))
    assert (rows["sneaky"].status, rows["sneaky"].message) == ("unreadable", "a symbolic link (not followed)")
    assert "root:" not in (tmp_path / "out" / "feedback" / "sneaky.md").read_text()


@pytest.mark.parametrize("count, jobs", [(1, 1), (3, 1), (2, 2), (3, 2)])
def test_a_lane_starts_a_sandbox_ahead_only_while_submissions_wait(test_bank, tmp_path, monkeypatch, count, jobs):
    """One sandbox per submission, each started ahead while the one before is judged: none after the last."""
    from course_lib.grading.autograde import sandbox

    started = []

    class Counted(sandbox.Worker):
        def __init__(self, limits):
            started.append(limits)
            super().__init__(limits)

    monkeypatch.setattr(sandbox, "Worker", Counted)
    subs = tmp_path / "subs"
    subs.mkdir()
    for k in range(count):
        (subs / f"s{k}.ipynb").write_bytes(kit.notebook([*kit.good_cells(), kit.code(f"student = {k}")]))  # not cached
    rows = batch.grade_batch([subs], tmp_path / "out", LIMITS, jobs=jobs, progress=False)
    assert [result.score for _, result in rows] == [result.max_score for _, result in rows] and len(rows) == count
    assert len(started) == count


# --- outputs ---------------------------------------------------------------------------------------------------

@pytest.fixture
def graded_folder(test_bank, tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    (subs / "bob").mkdir()
    (subs / "alice" / f"{kit.STEM}.ipynb").write_bytes(kit.notebook(kit.good_cells()))
    (subs / "bob" / f"{kit.STEM}.ipynb").write_bytes(
        kit.notebook(kit.good_cells({"add_them": "def add_them(a, b):\n    return a - b\n"})))
    (subs / ".ipynb_checkpoints").mkdir()
    (subs / ".ipynb_checkpoints" / "old.ipynb").write_bytes(b"{}")
    out = tmp_path / "out"
    rows = batch.grade_batch([subs], out, LIMITS, jobs=2, progress=False)
    return subs, out, dict(rows)


def test_outputs_csv_feedback_and_gradescope_json(graded_folder):
    _, out, rows = graded_folder
    names = {f"alice__{kit.STEM}", f"bob__{kit.STEM}"}
    assert set(rows) == names
    with open(out / "grades.csv", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [r["submission"] for r in table] == sorted(names)
    bob = next(r for r in table if r["submission"].startswith("bob"))
    assert (bob["score"], bob["max_score"], bob["status"], bob["add_them"], bob["double_it"]) == \
        (f"{kit.TOTAL - 1:g}", f"{kit.TOTAL:g}", "ok", "0", "2")
    feedback = (out / "feedback" / f"bob__{kit.STEM}.md").read_text()
    assert "Add them (0 / 1): failed" in feedback and "- hidden test 1: failed\n" in feedback
    assert bob["file"] == f"bob/{kit.STEM}.ipynb"
    with open(out / "exercises.csv", newline="") as handle:
        long = [r for r in csv.DictReader(handle) if r["submission"].startswith("bob")]
    assert {(r["exercise"], r["status"]) for r in long} >= {("add_them", "failed"), ("double_it", "passed")}
    assert [r["failed_cases"] for r in long if r["exercise"] == "add_them"] == ["public 1;hidden 1"]
    results = json.loads((out / "results" / f"bob__{kit.STEM}.json").read_text())
    assert results["score"] == kit.TOTAL - 1
    assert {t["name"] for t in results["tests"]} == {ex.title for ex in kit.EXERCISES}
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"


def test_rerun_reuses_the_cache_and_force_regrades(graded_folder, monkeypatch):
    subs, out, first = graded_folder
    calls = []
    real = grade.grade_bytes
    monkeypatch.setattr(grade, "grade_bytes", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = dict(batch.grade_batch([subs], out, LIMITS, jobs=2, progress=False))
    assert calls == [] and {n: r.to_json() for n, r in again.items()} == {n: r.to_json() for n, r in first.items()}
    batch.grade_batch([subs], out, LIMITS, jobs=2, force=True, progress=False)
    assert len(calls) == 2


def test_an_interrupted_batch_resumes_from_what_was_finished(test_bank, tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    subs.mkdir()
    for k in range(3):
        (subs / f"s{k}.ipynb").write_bytes(kit.notebook(kit.good_cells() + [kit.markdown(f"student {k}")]))
    real, graded = grade.grade_bytes, []

    def dies_on_the_last(data, filename, *args, **kwargs):
        if filename == "s2.ipynb":
            raise KeyboardInterrupt
        graded.append(filename)
        return real(data, filename, *args, **kwargs)

    monkeypatch.setattr(grade, "grade_bytes", dies_on_the_last)
    with pytest.raises(KeyboardInterrupt):
        batch.grade_batch([subs], tmp_path / "out", LIMITS, jobs=1, progress=False)
    assert graded == ["s0.ipynb", "s1.ipynb"]
    monkeypatch.setattr(grade, "grade_bytes", lambda data, filename, *a, **k: graded.append(filename)
                        or real(data, filename, *a, **k))
    rows = batch.grade_batch([subs], tmp_path / "out", LIMITS, jobs=1, progress=False)
    assert graded == ["s0.ipynb", "s1.ipynb", "s2.ipynb"]  # only the unfinished one was graded again
    assert [r.score for _, r in rows] == [kit.TOTAL] * 3


def test_grades_are_deterministic(graded_folder, tmp_path):
    subs, out, _ = graded_folder
    batch.grade_batch([subs], tmp_path / "again", LIMITS, jobs=1, force=True, progress=False)
    for relative in ["grades.csv", *(f"feedback/{p.name}" for p in (out / "feedback").iterdir()),
                     *(f"results/{p.name}" for p in (out / "results").iterdir())]:
        assert (out / relative).read_text() == (tmp_path / "again" / relative).read_text()


def test_no_temporary_files_are_left(graded_folder):
    _, out, _ = graded_folder
    assert not [p for p in out.rglob("*") if p.name.startswith(".tmp_")]


def test_refuses_an_output_folder_it_did_not_make(test_bank, tmp_path):
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    (tmp_path / "s.ipynb").write_bytes(kit.notebook(kit.good_cells()))
    assert main(["grade", str(tmp_path / "s.ipynb"), "--out", str(precious)]) == 2
    assert sorted(p.name for p in precious.iterdir()) == ["notes.txt"]


def test_limits_are_validated():
    with pytest.raises(ValueError, match="cell_timeout"):
        Limits(cell_timeout=0)
    with pytest.raises(ValueError, match="memory_mb"):
        Limits(memory_mb=-1)


# --- the workbook's own notebooks --------------------------------------------------------------------------

def _notebooks_with_exercises():
    return [p for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if bank.for_notebook(p.stem)]


@pytest.fixture(scope="module")
def workbook_grades(tmp_path_factory):
    base = tmp_path_factory.mktemp("workbook")
    (base / "source").mkdir()
    (base / "blank").mkdir()
    for path in _notebooks_with_exercises():
        (base / "source" / path.name).write_bytes(path.read_bytes())
        nbformat.write(student_notebook(nbformat.read(path, as_version=4)), base / "blank" / path.name)
    source = dict(batch.grade_batch([base / "source"], base / "out_source", jobs=2, progress=False))
    blank = dict(batch.grade_batch([base / "blank"], base / "out_blank", jobs=2, progress=False))
    return source, blank


@pytest.mark.parametrize("path", _notebooks_with_exercises(), ids=lambda p: p.stem)
def test_source_solutions_get_full_marks_and_the_release_zero(workbook_grades, path):
    source, blank = workbook_grades
    solved, stub = source[path.stem], blank[path.stem]
    assert solved.status == "ok" and solved.notebook == path.stem
    assert solved.score == solved.max_score == sum(ex.points for ex in bank.for_notebook(path.stem)), \
        [(ex.id, ex.status, ex.message) for ex in solved.exercises]
    assert stub.score == 0
    assert {ex.status for ex in stub.exercises} <= {"not attempted", "failed"}, \
        [(ex.id, ex.status, ex.message) for ex in stub.exercises]


def test_a_loop_in_a_vectorized_answer_earns_nothing(tmp_path):
    source = nbformat.read(NOTEBOOKS / "03_multiclass_svm.ipynb", as_version=4)
    looped = ("import numpy as np\n\n"
              "def svm_loss_vectorized(W, X, y):\n"
              "    n = X.shape[0]\n"
              "    rows = np.arange(n)\n"
              "    scores = X @ W\n"
              "    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1.0)\n"
              "    margins[rows, y] = 0\n"
              "    active = (margins > 0).astype(float)\n"
              "    active[rows, y] = -np.array([active[i].sum() for i in range(n)])\n"
              "    return margins.sum() / n, X.T @ active / n\n")
    for cell in source.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "svm_vectorized":
            cell.source = looped
    path = tmp_path / "03_multiclass_svm.ipynb"
    nbformat.write(source, path)
    result = dict(batch.grade_batch([path], tmp_path / "out", LIMITS, jobs=1, progress=False))["03_multiclass_svm"]
    by_id = {ex.id: ex for ex in result.exercises}
    assert by_id["svm_vectorized"].score == 0 and by_id["svm_vectorized"].status == "forbidden code"
    assert "list comprehension" in by_id["svm_vectorized"].message
    assert by_id["rank_swap_pair"].score == by_id["rank_swap_pair"].points  # the other answers are unaffected


def test_the_command_line_writes_the_class_report(test_bank, tmp_path, capsys):
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / f"alice__{kit.STEM}.ipynb").write_bytes(kit.notebook(kit.good_cells()))
    (tmp_path / "subs" / f"bob__{kit.STEM}.ipynb").write_bytes(
        kit.notebook(kit.good_cells({"double_it": "def double_it(x):\n    return 3 * x\n"})))
    assert main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    page = tmp_path / "out" / "report" / "class_report.html"
    assert f"class report: {page}" in out and page.exists()
    assert "tripled" in (tmp_path / "out" / "exercises.csv").read_text()  # bob's mistake, recorded by id


def test_a_changed_reference_misses_the_cache(test_bank, tmp_path, monkeypatch):
    """The cache key covers every file of course_lib (a corrected reference regrades), numpy and the limits."""
    import shutil

    copy = tmp_path / "course_lib"
    shutil.copytree(grade.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(batch, "PACKAGE_DIR", copy)
    before = batch.grader_version(LIMITS)
    (copy / "losses.py").write_text((copy / "losses.py").read_text().replace("violations", "violations_", 1))
    changed = batch.grader_version(LIMITS)
    assert changed != before
    assert batch.grader_version(Limits(cell_timeout=6, timeout=30)) != changed
    monkeypatch.setattr(batch.np, "__version__", "0.0.1")
    assert batch.grader_version(LIMITS) != changed
    # end to end: graded once, then course_lib changes: the second batch grades again instead of reusing
    monkeypatch.undo()
    path = tmp_path / "sub.ipynb"
    path.write_bytes(kit.notebook(kit.good_cells()))
    batch.grade_batch([path], tmp_path / "out", LIMITS, jobs=1, progress=False)
    calls = []
    real = grade.grade_bytes
    monkeypatch.setattr(grade, "grade_bytes", lambda *a, **k: calls.append(1) or real(*a, **k))
    batch.grade_batch([path], tmp_path / "out", LIMITS, jobs=1, progress=False)
    assert calls == []  # nothing changed: the cache answers
    monkeypatch.setattr(batch, "grader_version", lambda *args: "a-corrected-reference")
    batch.grade_batch([path], tmp_path / "out", LIMITS, jobs=1, progress=False)
    assert calls == [1]
