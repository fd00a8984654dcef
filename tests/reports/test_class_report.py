"""The class report (``python -m course_lib report``) on generated grading results."""

from __future__ import annotations

import csv
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from synthetic_results import outcome, results_json, synthetic_class, write_results

from course_lib.cli import main
from course_lib.grading.exercises import bank
from course_lib.grading.judging.results import CaseResult, ExerciseResult, SubmissionResult
from course_lib.grading.reports import class_summary, outputs
from course_lib.grading.reports.class_report import build_report
from course_lib.grading.reports.class_summary import long_table, read_results, student_of, summarise
from course_lib.grading.reports.outputs import gradescope_results

NB03, NB05 = "03_multiclass_svm", "05_softmax_cross_entropy"
MAX = {nb: float(sum(ex.points for ex in bank.for_notebook(nb))) for nb in (NB03, NB05)}  # the bank decides
EXAMPLE = "the lecture's cat/car/frog example: loss: expected 5.27, got 6.27"


class Tables(HTMLParser):
    """Every ``<table id=...>`` of a page as a list of rows of cell texts (header row first)."""

    def __init__(self, text: str):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None
        self.images = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id", f"table{len(self.tables)}"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "img":
            self.images.append(attrs)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def rows_as_dicts(table: list) -> list[dict]:
    header = [h.rstrip("↕▲▼ ") for h in table[0]]
    return [dict(zip(header, row)) for row in table[1:]]


def known_batch(folder: Path) -> Path:
    """30 notebook-03 submissions (12 include j = y_i, 3 square the hinge), 30 of notebook 05 (5 use log10)."""
    results = []
    for k in range(30):
        mistakes = ["includes_correct_class"] if k < 12 else ["squared_hinge"] if k < 15 else []
        vec = outcome("svm_vectorized", "failed", mistakes, example=EXAMPLE) if mistakes else outcome("svm_vectorized")
        results.append(results_json(f"s{k:02d}__{NB03}", NB03,
                                    [outcome("svm_predictions"), outcome("rank_swap_pair"), vec]))
        soft = outcome("softmax_vectorized", "failed", ["log_base_10"], example="loss: expected 2.04, got 0.89") \
            if k < 5 else outcome("softmax_vectorized")
        results.append(results_json(f"s{k:02d}__{NB05}", NB05,
                                    [outcome("softmax_probs"), outcome("softmax_predictions"), soft]))
    write_results(folder / "results", results)
    return folder


def test_known_mistakes_give_exactly_their_counts_in_the_csv_and_the_html(tmp_path):
    page, _ = build_report(known_batch(tmp_path / "grades"))
    out = page.parent
    mistakes = {(r["exercise"], r["mistake"]): r for r in read_csv(out / "mistakes.csv")}
    assert set(mistakes) == {("svm_vectorized", "includes_correct_class"), ("svm_vectorized", "squared_hinge"),
                             ("softmax_vectorized", "log_base_10")}
    assert mistakes["svm_vectorized", "includes_correct_class"]["count"] == "12"
    assert mistakes["svm_vectorized", "includes_correct_class"]["share"] == "0.400"
    assert mistakes["svm_vectorized", "squared_hinge"]["count"] == "3"
    assert mistakes["softmax_vectorized", "log_base_10"]["count"] == "5"
    assert mistakes["softmax_vectorized", "log_base_10"]["share"] == "0.167"
    assert mistakes["svm_vectorized", "includes_correct_class"]["hint"].startswith("Your loss is 1 too large")
    assert mistakes["svm_vectorized", "includes_correct_class"]["example_outcome"] == EXAMPLE

    tables = Tables(page.read_text(encoding="utf-8")).tables
    shown = {(r["exercise"], r["mistake"]): r for r in rows_as_dicts(tables["mistakes-03-multiclass-svm"])}
    assert shown["svm_vectorized", "includes_correct_class"]["submissions"] == "12"
    assert shown["svm_vectorized", "includes_correct_class"]["share"] == "40%"
    assert shown["svm_vectorized", "includes_correct_class"]["example outcome"] == EXAMPLE
    assert shown["svm_vectorized", "squared_hinge"]["submissions"] == "3"
    shown05 = rows_as_dicts(tables["mistakes-05-softmax-cross-entropy"])
    assert [(r["mistake"], r["submissions"], r["share"]) for r in shown05] == [("log_base_10", "5", "17%")]

    summary = {r["exercise"]: r for r in read_csv(out / "exercise_summary.csv")}
    assert (summary["svm_vectorized"]["passed"], summary["svm_vectorized"]["failed"]) == ("15", "15")
    assert summary["svm_vectorized"]["points_lost"] == f"{15 * bank.get('svm_vectorized').points:g}"  # 15 failures
    assert summary["svm_predictions"]["pass_rate"] == "1.000"
    long = read_csv(out / "exercises.csv")
    assert len(long) == 60 * 3
    assert sum(r["mistakes"] == "includes_correct_class" for r in long) == 12
    assert sum(r["mistakes"] == "log_base_10" for r in long) == 5


def test_a_submission_with_two_mistakes_counts_for_both(tmp_path):
    both = outcome("svm_vectorized", "failed", ["not_averaged", "gradient_not_averaged"])
    results = [results_json("a", NB03, [both]),
               results_json("b", NB03, [outcome("svm_vectorized", "failed", ["not_averaged"])])]
    write_results(tmp_path / "results", results)
    _, summary = build_report(tmp_path)
    (ex,) = summary.notebooks[0].exercises
    assert [(m.name, m.count, m.share) for m in ex.mistakes] == [("not_averaged", 2, 1.0),
                                                                  ("gradient_not_averaged", 1, 0.5)]


def test_a_case_failed_far_more_often_than_the_others_is_flagged(tmp_path):
    results = []
    for k in range(25):
        if k < 10:
            vec = outcome("svm_vectorized", "failed", failed_cases=["hidden 3"])
        elif k < 12:
            vec = outcome("svm_vectorized", "failed", failed_cases=["public 1"])
        elif k < 17:  # wrong everywhere: says nothing about any one case, left out of the comparison
            vec = outcome("svm_vectorized", "failed", ["includes_correct_class"])
        else:
            vec = outcome("svm_vectorized")
        # regularized_objective (3 public, 6 hidden cases): every case fails for the same 3 submissions or so
        failed = [f"public {1 + k % 3}", f"hidden {1 + k % 5}"]
        spread = outcome("regularized_objective", "failed", failed_cases=failed) if k < 15 else \
            outcome("regularized_objective")
        results.append(results_json(f"s{k}", NB03, [spread, vec]))
    write_results(tmp_path / "results", results)
    page, summary = build_report(tmp_path)
    cases = {(r["exercise"], r["case"]): r for r in read_csv(page.parent / "cases.csv")}
    assert [key for key, r in cases.items() if r["flagged"] == "yes"] == [("svm_vectorized", "hidden 3")]
    hidden3 = cases["svm_vectorized", "hidden 3"]
    assert (hidden3["failures"], hidden3["attempts"]) == ("15", "25")
    assert (hidden3["failures_among_partial"], hidden3["partial_attempts"]) == ("10", "20")
    assert hidden3["failure_rate_among_partial"] == "0.500"
    assert cases["svm_vectorized", "public 1"]["flagged"] == "no"   # 2 of 20: not unusual
    assert len([k for k in cases if k[0] == "svm_vectorized"]) == 9   # 3 public + 6 hidden
    text = page.read_text(encoding="utf-8")
    flagged = rows_as_dicts(Tables(text).tables["cases-03-multiclass-svm"])
    assert [(r["case"], r["action"]) for r in flagged] == [("svm_vectorized: hidden 3",
                                                            "Check the exercise text or the case")]
    assert "50% (10 of 20)" in flagged[0]["failure rate among answers that pass some cases"]


def test_few_failures_are_not_flagged_however_skewed(tmp_path):
    results = [results_json("a", NB03, [outcome("svm_vectorized", "failed", failed_cases=["hidden 3"])]),
               results_json("b", NB03, [outcome("svm_vectorized", "failed", failed_cases=["hidden 3"])]),
               results_json("c", NB03, [outcome("svm_vectorized")])]
    write_results(tmp_path / "results", results)
    _, summary = build_report(tmp_path)
    assert not any(c.flagged for c in summary.notebooks[0].exercises[0].cases)


def test_examples_are_anonymised_unless_asked(tmp_path):
    results = [results_json(f"zoe{k}__{NB03}", NB03, [outcome(
        "svm_vectorized", "failed", ["includes_correct_class"], example=f"zoe{k}: loss expected 5.27, got 6.27")])
        for k in range(3)]
    write_results(tmp_path / "results", results)
    page, _ = build_report(tmp_path, tmp_path / "plain")
    text = page.read_text(encoding="utf-8")
    section = text[text.index('id="mistakes-03-multiclass-svm"'):]
    section = section[:section.index("</table>")]
    assert "zoe" not in section
    assert "[student]: loss expected 5.27, got 6.27" in section
    assert "zoe" not in (page.parent / "mistakes.csv").read_text(encoding="utf-8")

    named, _ = build_report(tmp_path, tmp_path / "named", show_examples=True)
    table = rows_as_dicts(Tables(named.read_text(encoding="utf-8")).tables["mistakes-03-multiclass-svm"])
    assert table[0]["example outcome"] == f"[student]: loss expected 5.27, got 6.27 (from zoe0__{NB03})"


def test_students_are_the_name_before_the_double_underscore_and_progress_spans_notebooks(tmp_path):
    assert student_of(f"alice__{NB03}") == "alice"
    assert student_of("alice__week3__03.ipynb") == "alice"
    assert student_of("bob_03_multiclass_svm") == "bob_03_multiclass_svm"
    results = [results_json(f"alice__{NB03}", NB03, [outcome("svm_predictions"), outcome("rank_swap_pair"),
                                                     outcome("svm_vectorized")]),
               results_json(f"alice__{NB05}", NB05, [outcome("softmax_probs")]),
               results_json(f"bob__{NB03}", NB03, [outcome("svm_predictions"), outcome("rank_swap_pair", "timeout"),
                                                   outcome("svm_vectorized", "not attempted")]),
               results_json(f"carol__{NB05}", NB05, [], status="empty", message="the file is empty"),
               results_json("dave", NB03, [outcome("svm_predictions")])]
    write_results(tmp_path / "results", results)
    page, summary = build_report(tmp_path)
    assert summary.students == ["alice", "bob", "carol", "dave"]
    progress = {r["student"]: r for r in read_csv(page.parent / "progress.csv")}
    points = {e: bank.get(e).points for e in ("svm_predictions", "rank_swap_pair", "svm_vectorized", "softmax_probs")}
    alice = points["svm_predictions"] + points["rank_swap_pair"] + points["svm_vectorized"]
    assert progress["alice"][NB03] == f"{alice:g} / {MAX[NB03]:g}"
    assert progress["alice"][NB05] == f"{points['softmax_probs']:g} / {MAX[NB05]:g}"
    assert progress["alice"]["notebooks_graded"] == "2"
    assert progress["alice"]["total_score"] == f"{alice + points['softmax_probs']:g}"
    assert progress["bob"][NB03] == f"{points['svm_predictions']:g} / {MAX[NB03]:g}" and progress["bob"][NB05] == ""
    assert progress["carol"][NB05] == "empty"   # the notebook is read off the name when the file had none
    shown = {r["student"]: r for r in rows_as_dicts(Tables(page.read_text("utf-8")).tables["progress-table"])}
    assert shown["alice"]["total"] == f"{alice + points['softmax_probs']:g} / {MAX[NB03] + MAX[NB05]:g}"
    assert shown["carol"][NB05] == "empty"


def test_problems_are_counted_and_listed(tmp_path):
    statuses = ["timeout", "timeout", "crashed", "uses the reference implementation", "forbidden code",
                "memory limit", "passed"]
    results = [results_json(f"s{k}__{NB03}", NB03, [outcome("rank_swap_pair", st)]) for k, st in enumerate(statuses)]
    results.append(results_json(f"s9__{NB03}", NB03, [], status="wrong notebook", message="another assignment"))
    write_results(tmp_path / "results", results)
    page, _ = build_report(tmp_path)
    problems = read_csv(page.parent / "problems.csv")
    assert sorted(r["status"] for r in problems) == sorted(statuses[:-1] + ["wrong notebook"])
    assert {r["submission"] for r in problems if r["status"] == "timeout"} == {f"s0__{NB03}", f"s1__{NB03}"}
    counts = rows_as_dicts(Tables(page.read_text("utf-8")).tables["problem-counts"])
    assert counts == [{"notebook": NB03, "crashed": "1", "forbidden code": "1", "memory limit": "1",
                       "timeout": "2", "uses the reference implementation": "1", "wrong notebook": "1"}]


def test_a_folder_merged_from_several_runs_and_gradescope_exports(tmp_path):
    grades = tmp_path / "merged"
    write_results(grades / "run1" / "results", [results_json("a", NB03, [outcome("svm_predictions", "failed")])])
    write_results(grades / "run2" / "results", [results_json("b", NB03, [outcome("svm_predictions")])])
    newer = write_results(grades / "run2" / "results", [results_json("a", NB03, [outcome("svm_predictions")])])[0]
    older = grades / "run1" / "results" / "a.json"
    os.utime(older, (1_000_000, 1_000_000))
    flat = results_json("c", NB03, [outcome("svm_predictions")])
    (grades / "c.json").write_text(json.dumps(flat))
    # a Gradescope export: one folder per submission holding results.json, no course_lib extra_data
    (grades / "submission_123").mkdir()
    (grades / "submission_123" / "results.json").write_text(json.dumps(
        {"score": 1.0, "tests": [{"name": "svm_predictions", "score": 1.0, "max_score": 1.0, "status": "passed"}]}))
    (grades / ".cache").mkdir()
    (grades / ".cache" / "x.json").write_text("{}")   # the grader's cache is not a result
    for run in ("run1", "run2"):   # folders written by grade: only their results/ count
        (grades / run / outputs.MARKER).write_text("written by python -m course_lib grade\n")
        (grades / run / "grading.json").write_text('{"isolation": "bubblewrap"}')
    results = read_results(grades)
    assert sorted(s.name for s in results.submissions) == ["a", "b", "c", "submission_123"]
    assert results.duplicates == [(str(newer.relative_to(grades)), str(older.relative_to(grades)))]
    assert next(s for s in results.submissions if s.name == "a").score == 1.0   # the newest file wins
    assert results.damaged == []
    page, _ = build_report(grades)
    again, summary = build_report(grades)   # its own output folder is not read back
    assert len(summary.submissions) == 4 and summary.results.files_read == 5 and summary.results.damaged == []
    assert "1 submissions appeared in more than one file" in again.read_text("utf-8")


def test_a_gradescope_file_merging_several_notebooks_gives_one_submission_per_notebook(tmp_path):
    a = results_json("ann", NB03, [outcome("svm_predictions"),
                                   outcome("svm_vectorized", "failed", ["not_averaged"])])
    b = results_json("ann", NB05, [outcome("softmax_probs")])
    merged = {"score": a["score"] + b["score"], "tests": a["tests"] + b["tests"],
              "extra_data": {"course_lib": [a["extra_data"]["course_lib"], b["extra_data"]["course_lib"]]}}
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "results.json").write_text(json.dumps(merged))
    subs = {s.notebook: s for s in read_results(tmp_path).submissions}
    assert set(subs) == {NB03, NB05}
    assert (subs[NB03].name, subs[NB03].score, subs[NB03].max_score) == ("ann", 1.0, MAX[NB03])
    assert [e.exercise for e in subs[NB03].exercises] == ["svm_predictions", "svm_vectorized"]
    assert (subs[NB05].score, [e.exercise for e in subs[NB05].exercises]) == (1.0, ["softmax_probs"])
    del merged["extra_data"]   # without metadata: scored from each notebook's tests, named after the folder
    (tmp_path / "ann" / "results.json").write_text(json.dumps(merged))
    subs = {s.notebook: s for s in read_results(tmp_path).submissions}
    tests_max = bank.get("svm_predictions").points + bank.get("svm_vectorized").points
    assert (subs[NB03].name, subs[NB03].score) == ("ann", 1.0)
    assert (subs[NB03].max_score, subs[NB05].max_score) == (tests_max, 1.0)


def test_csv_cells_that_a_spreadsheet_would_run_stay_text(tmp_path):
    write_results(tmp_path / "results", [results_json("=HYPERLINK(1)", NB03, [outcome("rank_swap_pair", "timeout")])])
    page, _ = build_report(tmp_path)
    (row,) = read_csv(page.parent / "problems.csv")
    assert row["submission"] == "'=HYPERLINK(1)"


def test_the_graders_own_results_files_are_read_back(tmp_path):
    cases = [CaseResult("the lecture's example", False, False, "loss: expected 5.27, got 6.27"),
             CaseResult("", True, True), CaseResult("", True, False)]
    exercise = ExerciseResult("svm_vectorized", "The multiclass SVM loss", 4.0, 0.0, "failed", cases=cases,
                              mistakes=["includes_correct_class"], hints={"includes_correct_class": "skip j = y_i"})
    graded = SubmissionResult(NB03, "ok", exercises=[exercise], max_score=5.0)
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "x.json").write_text(json.dumps(gradescope_results(graded, "x", "x/03.ipynb")))
    (sub,) = read_results(tmp_path).submissions
    assert (sub.name, sub.notebook, sub.status, sub.score, sub.max_score) == ("x", NB03, "ok", 0.0, 5.0)
    (ex,) = sub.exercises
    assert (ex.exercise, ex.status, ex.mistakes, ex.failed_cases) == ("svm_vectorized", "failed",
                                                                      ("includes_correct_class",),
                                                                      ("public 1", "hidden 2"))
    assert ex.cases == {"public": 1, "hidden": 2} and ex.hints == {"includes_correct_class": "skip j = y_i"}
    assert ex.example == "the lecture's example: loss: expected 5.27, got 6.27"


def test_results_without_extra_data_fall_back_on_tags_and_output(tmp_path):
    exercise = ExerciseResult("rank_swap_pair", "A rank swap", 2.0, 0.0, "timeout", "too slow")
    graded = gradescope_results(SubmissionResult(NB03, "ok", exercises=[exercise], max_score=5.0), "x")
    empty = gradescope_results(SubmissionResult("", "empty", "the file is empty"), "y")
    for data in (graded, empty):   # as an older grader wrote them
        data.pop("extra_data")
        for test in data["tests"]:
            test.pop("extra_data")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "x.json").write_text(json.dumps(graded))
    (tmp_path / "results" / "y.json").write_text(json.dumps(empty))
    subs = {s.name: s for s in read_results(tmp_path).submissions}
    assert (subs["x"].notebook, subs["x"].status, subs["x"].max_score) == (NB03, "ok", 2.0)
    assert [(e.exercise, e.status) for e in subs["x"].exercises] == [("rank_swap_pair", "timeout")]
    assert subs["y"].status == "empty"


def test_damaged_files_are_counted_and_reported_not_fatal(tmp_path, capsys):
    write_results(tmp_path / "results", [results_json(f"s{k}", NB03, [outcome("svm_predictions")]) for k in range(3)])
    bad = {"truncated.json": '{"score": 1, "tests": [', "list.json": "[1, 2]",
           "notests.json": '{"tests": "none"}', "badscore.json": '{"tests": [{"name": "x", "score": "abc"}]}',
           "nan.json": '{"score": NaN, "tests": []}'}
    for name, text in bad.items():
        (tmp_path / "results" / name).write_text(text)
    (tmp_path / "results" / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    assert main(["report", str(tmp_path)]) == 0
    assert "6 unreadable file(s)" in capsys.readouterr().out
    out = tmp_path / "report"
    damaged = read_csv(out / "unreadable_files.csv")
    assert sorted(Path(r["file"]).name for r in damaged) == sorted([*bad, "binary.json"])
    assert all(r["reason"] for r in damaged)
    text = (out / "class_report.html").read_text("utf-8")
    assert "6 unreadable files were left out" in text
    assert len(rows_as_dicts(Tables(text).tables["damaged"])) == 6
    assert len(read_csv(out / "exercises.csv")) == 3


@pytest.mark.parametrize("setup", ["empty folder", "missing folder", "only damaged"])
def test_nothing_to_report_is_a_one_line_error_and_a_nonzero_exit(tmp_path, capsys, setup):
    folder = tmp_path / "grades"
    if setup != "missing folder":
        folder.mkdir()
    if setup == "only damaged":
        (folder / "a.json").write_text("{oops")
    assert main(["report", str(folder)]) != 0
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("error: GRADES_DIR: ")
    assert not (folder / "report" / "class_report.html").exists()


def test_the_page_is_self_contained_and_describes_its_figures(tmp_path):
    write_results(tmp_path / "results", synthetic_class(20, [NB03, NB05], seed=3))
    page, summary = build_report(tmp_path)
    text = page.read_text("utf-8")
    assert re.search(r'<html lang="en">', text)
    assert not re.search(r'(src|href)="(?!data:|#)', text)   # nothing fetched: only data: images and anchors
    assert "<link" not in text and "<script src" not in text
    parsed = Tables(text)
    assert len(parsed.images) == 2
    for img in parsed.images:
        assert img["src"].startswith("data:image/png;base64,")
        assert img["alt"].startswith("Histogram of scores in ") and "median" in img["alt"]
    dist = read_csv(page.parent / "score_distribution.csv")
    for nb in summary.notebooks:
        assert sum(int(r["submissions"]) for r in dist if r["notebook"] == nb.notebook) == len(nb.graded)
    headers = re.findall(r"<th\b[^>]*>", text)
    assert headers and all(re.search(r'scope="(col|row)"', th) for th in headers)
    assert text.count("<table") == text.count("<caption")


def test_long_table_rows():
    (sub,) = class_summary.parse_results(results_json("a__x", NB03, [outcome(
        "svm_vectorized", "failed", ["includes_correct_class", "not_averaged"], ["public 1", "hidden 3"])]),
        Path("a.json"))
    assert long_table([sub]) == [{"submission": "a__x", "notebook": NB03, "exercise": "svm_vectorized",
                                  "status": "failed", "points": "0",
                                  "max_points": f"{bank.get('svm_vectorized').points:g}",
                                  "mistakes": "includes_correct_class;not_averaged",
                                  "failed_cases": "public 1;hidden 3"}]


def test_summary_of_a_generated_class_is_consistent():
    subs = [s for r in synthetic_class(40, [NB03], seed=1) for s in class_summary.parse_results(r, Path("x.json"))]
    summary = summarise(class_summary.Results(subs, [], [], len(subs)))
    nb = next(nb for nb in summary.notebooks if nb.notebook == NB03)
    assert len(nb.graded) == sum(s.status == "ok" for s in subs) > 30
    for ex in nb.exercises:
        assert sum(ex.statuses.values()) == ex.graded == len(nb.graded)
        assert ex.unrecognised + sum(m.count for m in ex.mistakes) >= ex.statuses["failed"]
        assert all(0 <= m.share <= 1 for m in ex.mistakes)


def test_score_bins():
    assert class_summary.score_bins([0, 2, 2, 5], 5.0) == [(0, 0, 1), (1, 1, 0), (2, 2, 2), (3, 3, 0), (4, 4, 0),
                                                          (5, 5, 1)]
    assert class_summary.score_bins([6], 5.0)[-1] == (6, 6, 1)   # a score above the usual maximum still counts
    halves = class_summary.score_bins([0.5, 2.5, 5.0], 5.0)
    assert len(halves) == 10 and sum(n for _, _, n in halves) == 3 and halves[-1] == (4.5, 5.0, 1)


def test_notebooks_whose_names_look_alike_get_distinct_ids():
    from course_lib.grading.reports.class_report_html import _slugs

    assert _slugs(["03 svm", "03-svm", "03_SVM"]) == {"03 svm": "03-svm", "03-svm": "03-svm-2", "03_SVM": "03-svm-3"}


def test_grading_a_folder_then_reporting_counts_the_mistake_the_grader_recognised(tmp_path):
    """End to end with the real grader: 4 students include j = y_i in svm_vectorized, 3 are right, 1 file is empty."""
    import nbformat

    from course_lib.grading.autograde import batch
    from course_lib.grading.autograde.limits import Limits

    source = nbformat.read(Path(__file__).resolve().parents[2] / "notebooks" / f"{NB03}.ipynb", as_version=4)
    subs = tmp_path / "subs"
    for k in range(7):
        nb = nbformat.from_dict(json.loads(json.dumps(source)))
        if k < 4:
            (cell,) = [c for c in nb.cells
                       if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "svm_vectorized"]
            assert "    terms[rows, y] = 0.0\n" in cell.source
            cell.source = cell.source.replace("    terms[rows, y] = 0.0\n", "")
        (subs / f"student{k}").mkdir(parents=True)
        nbformat.write(nb, subs / f"student{k}" / f"{NB03}.ipynb")
    (subs / "student7").mkdir()
    (subs / "student7" / f"{NB03}.ipynb").write_text("")
    batch.grade_batch([subs], tmp_path / "grades", Limits(cell_timeout=10, timeout=60), jobs=2,
                      progress=False)
    page, summary = build_report(tmp_path / "grades")
    assert summary.results.damaged == []
    mistakes = {(r["exercise"], r["mistake"]): r for r in read_csv(page.parent / "mistakes.csv")}
    assert mistakes["svm_vectorized", "includes_correct_class"]["count"] == "4"
    assert mistakes["svm_vectorized", "includes_correct_class"]["share"] == f"{4 / 7:.3f}"
    assert all(r["count"] == "4" for r in mistakes.values())   # nothing else was wrong
    assert read_csv(page.parent / "exercises.csv") == read_csv(tmp_path / "grades" / "exercises.csv")
    progress = {r["student"]: r[NB03] for r in read_csv(page.parent / "progress.csv")}
    full = MAX[NB03]
    lost = bank.get("svm_vectorized").points
    assert progress == {**{f"student{k}": f"{full - lost:g} / {full:g}" for k in range(4)},
                        **{f"student{k}": f"{full:g} / {full:g}" for k in (4, 5, 6)},
                        "student7": "empty"}
