"""The class report: ``python -m course_lib report GRADES_DIR [--out DIR] [--show-examples]``.

What the class got wrong, and which exercise may be unclear, from a folder of grading
results. It writes ``OUT/class_report.html`` (self-contained: figures embedded as PNG, a few
lines of inline JavaScript to sort tables, nothing fetched) and the same tables as CSV in
``OUT`` (default ``GRADES_DIR/report``).

Input
-----
Every ``*.json`` file below ``GRADES_DIR`` (folders whose name starts with ``.``, such as the
grader's ``.cache``, and the output folder are skipped) is read as one submission's results
in Gradescope's ``results.json`` format. So ``GRADES_DIR/results/*.json`` written by
``grade``, a folder merged from several runs (``run1/results/``, ``run2/results/``...), and a
flat or per-submission export of Gradescope ``results.json`` files all work. The workbook's
grader adds ``extra_data`` (the exercise id, status, mistakes recognised, failed cases; the
submission's name, notebook and status); without it the report falls back on each test's
``tags``, ``name`` and ``status``. A file that is not valid JSON or not a results file is
counted and listed as damaged; it never stops the report. When one submission (same name
and notebook) appears in several files, the newest file (modification time) is used.

Definitions (stated in the report too)
--------------------------------------
- student: the part of the submission name before the first ``__`` (``grade`` names a
  submission ``<student>__<notebook file>`` when it grades a folder of per-student
  folders); a name without ``__`` is its own student.
- graded: a submission whose status is ``ok``; an exercise's **share** of a mistake is the
  number of graded submissions in which the grader recognised it, over the graded
  submissions of that exercise's notebook.
- partial attempts of an exercise: graded submissions whose exercise ran its cases (passed
  or failed) and did not fail every case (an answer failing them all says nothing about one
  case). A case is **flagged** ("check the exercise text or the case") when it fails for at
  least ``FLAG_MIN_RATE`` (30 %) of the partial attempts, for at least ``FLAG_MIN_FAILURES``
  of them, and at least ``FLAG_RATIO`` (2) times as often as the median of the exercise's
  other cases.

Mistake examples are anonymised: the most common outcome text among the submissions with
that mistake, with any submission or student name in it replaced by ``[student]``; the
submission it came from is shown only with ``--show-examples``. Student code is never shown.
"""

from __future__ import annotations

import argparse
import base64
import csv
import html
import io
import json
import os
import re
import statistics
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from .report import (
    CRASHED,
    ERROR,
    FAILED,
    FORBIDDEN,
    MEMORY,
    MISSING,
    NOT_ATTEMPTED,
    PASSED,
    TIMEOUT,
    USES_REFERENCE,
    atomic_write,
)

OK = "ok"
UNIDENTIFIED = "(unidentified notebook)"
PROBLEM_STATUSES = (TIMEOUT, CRASHED, MEMORY, ERROR, USES_REFERENCE, FORBIDDEN)
RAN_CASES = (PASSED, FAILED)
FLAG_MIN_RATE = 0.30
FLAG_RATIO = 2.0
FLAG_MIN_FAILURES = 3
TOP_MISTAKES = 5
STUDENT_SEPARATOR = "__"
LONG_COLUMNS = ("submission", "notebook", "exercise", "status", "points", "mistakes", "failed_cases")

#: Okabe & Ito's colour-blind-safe palette.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
#: The report's matplotlib style (course_lib.plots has no style helper): text >= 9 pt.
PLOT_RC = {"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10, "xtick.labelsize": 9,
           "ytick.labelsize": 9, "legend.fontsize": 9, "axes.spines.top": False, "axes.spines.right": False,
           "axes.edgecolor": "#333333", "axes.labelcolor": "#1a1a1a", "xtick.color": "#333333",
           "ytick.color": "#333333", "text.color": "#1a1a1a"}
FIG_PX = (576, 230)   # the histogram's size on the page (drawn at twice that for sharp screens)
_TEMPLATE = Path(__file__).with_name("_class_report.html")


class ReportError(ValueError):
    """Nothing to report on (no folder, no results); the message is one line for the user."""


# --- reading ------------------------------------------------------------------------------------

@dataclass
class ExerciseOutcome:
    """One exercise of one submission, as the results file records it."""

    exercise: str
    title: str
    notebook: str
    status: str
    score: float
    max_score: float
    mistakes: tuple = ()
    hints: dict = field(default_factory=dict)
    failed_cases: tuple = ()
    cases: dict = field(default_factory=dict)   # {"public": P, "hidden": H}
    example: str = ""
    number: int = 0


@dataclass
class Submission:
    """One submission's results: ``status`` is "ok" (graded) or why it could not be graded."""

    name: str
    notebook: str
    status: str
    score: float
    max_score: float
    message: str = ""
    file: str = ""
    source: str = ""          # the results file it was read from
    exercises: list = field(default_factory=list)

    @property
    def student(self) -> str:
        return student_of(self.name)


@dataclass
class Results:
    """Everything read from a grades folder: the submissions and what could not be used."""

    submissions: list
    damaged: list            # (path, reason)
    duplicates: list         # (kept path, ignored path)
    files_read: int


def student_of(submission: str) -> str:
    """The student a submission belongs to: the part of its name before the first ``__``."""
    head = submission.split(STUDENT_SEPARATOR, 1)[0]
    return head or submission


def result_files(grades_dir, exclude=None) -> list[Path]:
    """Every ``*.json`` below ``grades_dir``, skipping dot-folders and ``exclude``, sorted."""
    root = Path(grades_dir)
    skip = Path(exclude).resolve() if exclude else None
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and (skip is None or (Path(folder) / d).resolve() != skip))
        found += [Path(folder) / f for f in files if f.endswith(".json") and not f.startswith(".")]
    return sorted(found)


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what}: expected a number, got {type(value).__name__}")
    return float(value)


def _strings(value, what: str) -> tuple:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what}: expected a list of strings")
    return tuple(value)


def _fallback_name(path: Path) -> str:
    """A results file's submission name when it does not say: its stem, or its folder's name."""
    return path.parent.name if path.stem == "results" else path.stem


def parse_results(data, path: Path) -> Submission:
    """One results.json (already decoded) as a :class:`Submission`; ``ValueError`` if it is not one."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    tests = data.get("tests", [])
    if not isinstance(tests, list) or ("tests" not in data and "score" not in data):
        raise ValueError("not a results.json: no 'tests' list")
    extra = data.get("extra_data") or {}
    meta = extra.get("course_lib") if isinstance(extra, dict) else None
    meta = meta if isinstance(meta, dict) else {}
    output = str(data.get("output", ""))
    exercises = []
    for k, test in enumerate(tests, start=1):
        if not isinstance(test, dict):
            raise ValueError(f"tests[{k - 1}]: expected an object, got {type(test).__name__}")
        exercises.append(_parse_test(test, k))
    notebook = meta.get("notebook") or next((e.notebook for e in exercises if e.notebook), "")
    if not notebook:
        found = re.search(r"notebook (\S+),", output)
        notebook = found.group(1) if found else ""
    status = meta.get("status")
    if not status:
        found = re.search(r"not graded: ([^.]+)\.", output)
        status = found.group(1) if found else OK
    score = meta.get("score", data.get("score", sum(e.score for e in exercises)))
    max_score = meta.get("max_score", sum(e.max_score for e in exercises))
    for ex in exercises:
        ex.notebook = ex.notebook or notebook
    return Submission(name=str(meta.get("submission") or _fallback_name(path)), notebook=str(notebook or UNIDENTIFIED),
                      status=str(status), score=_number(score, "score"), max_score=_number(max_score, "max_score"),
                      message=str(meta.get("message", "")), file=str(meta.get("file", "")), source=str(path),
                      exercises=exercises)


def _parse_test(test: dict, number: int) -> ExerciseOutcome:
    extra = test.get("extra_data") if isinstance(test.get("extra_data"), dict) else {}
    tags = [t for t in test.get("tags", []) if isinstance(t, str)] if isinstance(test.get("tags"), list) else []
    name = str(test.get("name", ""))
    exercise = extra.get("exercise") or (tags[0] if tags else "") or name or f"test {number}"
    status = extra.get("status") or (tags[1] if len(tags) > 1 else "") or str(test.get("status", FAILED))
    hints = extra.get("hints") or {}
    cases = extra.get("cases") or {}
    if not isinstance(hints, dict) or not isinstance(cases, dict):
        raise ValueError(f"test {name!r}: 'hints' and 'cases' must be objects")
    return ExerciseOutcome(
        exercise=str(exercise), title=name if name != exercise else "", notebook=str(extra.get("notebook", "")),
        status=str(status), score=_number(test.get("score", 0.0), f"test {name!r} score"),
        max_score=_number(test.get("max_score", 0.0), f"test {name!r} max_score"),
        mistakes=_strings(extra.get("mistakes"), f"test {name!r} mistakes"),
        hints={str(k): str(v) for k, v in hints.items()},
        failed_cases=_strings(extra.get("failed_cases"), f"test {name!r} failed_cases"),
        cases={k: int(_number(v, f"test {name!r} cases[{k}]")) for k, v in cases.items()},
        example=str(extra.get("example", "")), number=number)


def read_results(grades_dir, exclude=None) -> Results:
    """Read every results file below ``grades_dir`` (see the module docstring for the rules).

    Raises
    ------
    ReportError
        ``grades_dir`` is not a folder, or holds no ``*.json`` file at all.
    """
    root = Path(grades_dir)
    if not root.is_dir():
        raise ReportError(f"GRADES_DIR: expected a folder of grading results, got {str(root)!r} "
                          f"({'not a folder' if root.exists() else 'does not exist'})")
    files = result_files(root, exclude)
    if not files:
        raise ReportError(f"GRADES_DIR: no results in {root} (expected results/*.json written by "
                          "`python -m course_lib grade`, or Gradescope results.json files)")
    chosen, damaged, duplicates = {}, [], []
    for path in files:
        try:
            sub = parse_results(json.loads(path.read_text(encoding="utf-8")), path)
        except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as exc:
            damaged.append((str(path), f"{type(exc).__name__}: {exc}"[:200]))
            continue
        key = (sub.name, sub.notebook)
        if key in chosen:
            old = chosen[key]
            keep, drop = (sub, old) if os.path.getmtime(path) >= os.path.getmtime(old.source) else (old, sub)
            chosen[key] = keep
            duplicates.append((keep.source, drop.source))
        else:
            chosen[key] = sub
    _infer_notebooks(chosen.values())
    return Results(sorted(chosen.values(), key=lambda s: (s.notebook, s.name)), damaged, duplicates, len(files))


def _infer_notebooks(submissions) -> None:
    """An ungradable submission whose name ends with a notebook seen elsewhere belongs to that notebook."""
    known = sorted({s.notebook for s in submissions if s.notebook != UNIDENTIFIED}, key=len, reverse=True)
    for s in submissions:
        if s.notebook == UNIDENTIFIED:
            s.notebook = next((nb for nb in known if s.name.endswith(nb)), UNIDENTIFIED)


def long_table(submissions) -> list[dict]:
    """The long-format table: one row per (submission, exercise), keys ``LONG_COLUMNS``.

    ``mistakes`` and ``failed_cases`` are ``;``-separated ("includes_correct_class",
    "public 1;hidden 3"); ``points`` is the exercise's score.
    """
    return [{"submission": s.name, "notebook": s.notebook, "exercise": e.exercise, "status": e.status,
             "points": _fmt(e.score), "mistakes": ";".join(e.mistakes), "failed_cases": ";".join(e.failed_cases)}
            for s in submissions for e in s.exercises]


# --- aggregating --------------------------------------------------------------------------------

@dataclass
class MistakeStat:
    name: str
    count: int
    share: float
    hint: str
    example: str
    example_submission: str


@dataclass
class CaseStat:
    """One case of an exercise: ``failures`` of ``attempts`` (submissions that ran the cases), and
    ``partial_failures`` of ``partial_attempts`` (those that failed some but not all cases), whose
    ``rate`` the flag compares with the ``median_others`` of the exercise's other cases."""

    case: str
    failures: int
    attempts: int
    partial_failures: int
    partial_attempts: int
    rate: float
    median_others: float
    flagged: bool
    top_mistake: str


@dataclass
class ExerciseStat:
    notebook: str
    exercise: str
    title: str
    max_score: float
    graded: int
    statuses: Counter
    points_lost: float
    mistakes: list            # MistakeStat, most common first (all of them)
    unrecognised: int         # failed with no mistake recognised
    cases: list               # CaseStat

    @property
    def passed(self) -> int:
        return self.statuses[PASSED]

    @property
    def pass_rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class NotebookStat:
    notebook: str
    submissions: list
    graded: list
    statuses: Counter
    max_score: float
    exercises: list


@dataclass
class ClassSummary:
    results: Results
    notebooks: list
    students: list

    @property
    def submissions(self) -> list:
        return self.results.submissions


def _scrub(text: str, names) -> str:
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        text = re.sub(re.escape(name), "[student]", text, flags=re.IGNORECASE)
    return text


def _case_labels(cases: dict) -> list:
    return [f"public {k}" for k in range(1, int(cases.get("public", 0)) + 1)] + \
           [f"hidden {k}" for k in range(1, int(cases.get("hidden", 0)) + 1)]


def _case_stats(outcomes: list) -> list:
    """Failure counts per case; the flag compares cases among submissions that failed only some of them."""
    ran = [o for o in outcomes if o.status in RAN_CASES]
    if not ran:
        return []
    labels = max((_case_labels(o.cases) for o in ran), key=len)
    for o in ran:  # cases named in failures but not counted (a foreign or older file)
        labels += [c for c in o.failed_cases if c not in labels]
    failures = Counter(c for o in ran for c in set(o.failed_cases))
    # an answer that fails every case says nothing about any one case
    partial = [o for o in ran if not set(labels) <= set(o.failed_cases)]
    partial_failures = Counter(c for o in partial for c in set(o.failed_cases))
    mistakes_by_case = defaultdict(Counter)
    for o in ran:
        for c in set(o.failed_cases):
            mistakes_by_case[c].update(o.mistakes)
    rates = {c: partial_failures[c] / len(partial) if partial else 0.0 for c in labels}
    stats = []
    for c in labels:
        others = [rates[d] for d in labels if d != c]
        median = statistics.median(others) if others else 0.0
        flagged = bool(others) and partial_failures[c] >= FLAG_MIN_FAILURES and rates[c] >= FLAG_MIN_RATE \
            and rates[c] >= FLAG_RATIO * median
        top = mistakes_by_case[c].most_common(1)
        stats.append(CaseStat(c, failures[c], len(ran), partial_failures[c], len(partial), rates[c], median,
                              flagged, top[0][0] if top else ""))
    return stats


def _mistake_stats(outcomes: list, graded: int, names_by_source: dict) -> list:
    counts = Counter(m for o in outcomes for m in set(o.mistakes))
    stats = []
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        having = [o for o in outcomes if name in o.mistakes]
        hint = next((o.hints[name] for o in having if o.hints.get(name)), "")
        # prefer the outcome of submissions where this mistake was the only one recognised
        alone = [o for o in having if len(set(o.mistakes)) == 1 and o.example] or [o for o in having if o.example]
        example, source = "", ""
        if alone:
            texts = Counter(o.example for o in alone)
            example = min(texts, key=lambda t: (-texts[t], t))
            source = next(names_by_source[id(o)] for o in alone if o.example == example)
            example = _scrub(example, (source, student_of(source)))
        stats.append(MistakeStat(name, count, count / graded if graded else 0.0, hint, example, source))
    return stats


def summarise(results: Results) -> ClassSummary:
    """Aggregate the submissions per notebook, per exercise, per case and per student."""
    by_notebook = defaultdict(list)
    for s in results.submissions:
        by_notebook[s.notebook].append(s)
    notebooks = []
    for nb in sorted(by_notebook, key=lambda n: (n == UNIDENTIFIED, n)):
        subs = by_notebook[nb]
        graded = [s for s in subs if s.status == OK]
        max_scores = Counter(s.max_score for s in graded if s.max_score > 0)
        outcomes, first_seen, owner = defaultdict(list), {}, {}
        for s in graded:
            for e in s.exercises:
                outcomes[e.exercise].append(e)
                first_seen.setdefault(e.exercise, (e.number, len(first_seen)))
                owner[id(e)] = s.name
        exercises = []
        for ex_id in sorted(outcomes, key=lambda x: first_seen[x]):
            outs = outcomes[ex_id]
            exercises.append(ExerciseStat(
                notebook=nb, exercise=ex_id, title=next((o.title for o in outs if o.title), ""),
                max_score=max(o.max_score for o in outs), graded=len(outs),
                statuses=Counter(o.status for o in outs),
                points_lost=sum(max(o.max_score - o.score, 0.0) for o in outs),
                mistakes=_mistake_stats(outs, len(graded), owner),
                unrecognised=sum(1 for o in outs if o.status == FAILED and not o.mistakes),
                cases=_case_stats(outs)))
        notebooks.append(NotebookStat(nb, subs, graded, Counter(s.status for s in subs),
                                      max_scores.most_common(1)[0][0] if max_scores else 0.0, exercises))
    students = sorted({s.student for s in results.submissions})
    return ClassSummary(results, notebooks, students)


# --- tables (the CSV files; the HTML shows the same rows) ---------------------------------------

def _fmt(x: float) -> str:
    return f"{x:g}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def score_bins(scores: list, max_score: float) -> list:
    """``(low, high, count)`` histogram bins: one per point when scores are whole and few, else 10."""
    whole = all(float(s).is_integer() for s in scores) and max_score.is_integer() and max_score <= 40
    if whole:
        edges = [(k, k) for k in range(int(max_score) + 1)]
        counts = Counter(int(s) for s in scores)
        return [(lo, hi, counts.get(lo, 0)) for lo, hi in edges]
    top = max([max_score, *scores, 1.0])
    width = top / 10
    counts = Counter(min(int(s // width), 9) for s in scores)
    return [(k * width, (k + 1) * width, counts.get(k, 0)) for k in range(10)]


def tables(summary: ClassSummary) -> dict:
    """Every table of the report as ``{file name: (header, rows)}``, rows of strings."""
    out = {}
    out["notebooks.csv"] = (
        ["notebook", "submissions", "graded", "max_score", "mean_score", "median_score", "not_graded"],
        [[nb.notebook, str(len(nb.submissions)), str(len(nb.graded)), _fmt(nb.max_score),
          f"{statistics.mean(s.score for s in nb.graded):.2f}" if nb.graded else "",
          _fmt(statistics.median(s.score for s in nb.graded)) if nb.graded else "",
          "; ".join(f"{st}: {n}" for st, n in sorted(nb.statuses.items()) if st != OK)]
         for nb in summary.notebooks])
    out["score_distribution.csv"] = (
        ["notebook", "score_from", "score_to", "submissions"],
        [[nb.notebook, _fmt(lo), _fmt(hi), str(n)] for nb in summary.notebooks if nb.graded
         for lo, hi, n in score_bins([s.score for s in nb.graded], nb.max_score)])
    out["exercise_summary.csv"] = (
        ["notebook", "exercise", "title", "points", "graded", "passed", "pass_rate", "failed", "not_attempted",
         "missing", *[s.replace(" ", "_") for s in PROBLEM_STATUSES], "no_mistake_recognised", "points_lost",
         "mean_points_lost"],
        [[ex.notebook, ex.exercise, ex.title, _fmt(ex.max_score), str(ex.graded), str(ex.passed),
          f"{ex.pass_rate:.3f}", str(ex.statuses[FAILED]), str(ex.statuses[NOT_ATTEMPTED]), str(ex.statuses[MISSING]),
          *[str(ex.statuses[s]) for s in PROBLEM_STATUSES], str(ex.unrecognised), _fmt(ex.points_lost),
          f"{ex.points_lost / ex.graded:.2f}" if ex.graded else ""]
         for nb in summary.notebooks for ex in nb.exercises])
    out["mistakes.csv"] = (
        ["notebook", "exercise", "mistake", "count", "share", "hint", "example_outcome"],
        [[ex.notebook, ex.exercise, m.name, str(m.count), f"{m.share:.3f}", m.hint, m.example]
         for nb in summary.notebooks for ex in nb.exercises for m in ex.mistakes])
    out["cases.csv"] = (
        ["notebook", "exercise", "case", "failures", "attempts", "failures_among_partial", "partial_attempts",
         "failure_rate_among_partial", "median_rate_other_cases", "flagged", "most_common_mistake_among_failures"],
        [[ex.notebook, ex.exercise, c.case, str(c.failures), str(c.attempts), str(c.partial_failures),
          str(c.partial_attempts), f"{c.rate:.3f}", f"{c.median_others:.3f}", "yes" if c.flagged else "no",
          c.top_mistake]
         for nb in summary.notebooks for ex in nb.exercises for c in ex.cases])
    out["problems.csv"] = (["submission", "student", "notebook", "exercise", "status", "message"],
                           problem_rows(summary))
    notebooks = [nb.notebook for nb in summary.notebooks]
    progress = progress_rows(summary)
    out["progress.csv"] = (["student", *notebooks, "notebooks_graded", "total_score", "total_max_score"],
                           [[student, *[cell[0] for cell in cells], str(n), _fmt(total), _fmt(total_max)]
                            for student, cells, n, total, total_max in progress])
    out["exercises.csv"] = (list(LONG_COLUMNS), [[row[c] for c in LONG_COLUMNS]
                                                 for row in long_table(summary.submissions)])
    out["unreadable_files.csv"] = (["file", "reason"], [list(d) for d in summary.results.damaged])
    return out


def problem_rows(summary: ClassSummary) -> list:
    """Submissions not graded, and exercises that timed out, crashed, reused the reference..."""
    rows = []
    for s in summary.submissions:
        if s.status != OK:
            rows.append([s.name, s.student, s.notebook, "", s.status, s.message])
        for e in s.exercises:
            if e.status in PROBLEM_STATUSES:
                rows.append([s.name, s.student, s.notebook, e.exercise, e.status, ""])
    return rows


def progress_rows(summary: ClassSummary) -> list:
    """Per student: ``(student, [(text, sort value)] per notebook, graded count, total, total max)``.

    A notebook cell is "score / max" (the best of the student's graded submissions of it),
    the status when none was graded, or "" when nothing was handed in.
    """
    per = defaultdict(lambda: defaultdict(list))
    for s in summary.submissions:
        per[s.student][s.notebook].append(s)
    rows = []
    for student in summary.students:
        cells, graded, total, total_max = [], 0, 0.0, 0.0
        for nb in summary.notebooks:
            subs = per[student].get(nb.notebook, [])
            ok = [s for s in subs if s.status == OK]
            if ok:
                best = max(ok, key=lambda s: s.score)
                cells.append((f"{_fmt(best.score)} / {_fmt(best.max_score)}", best.score))
                graded, total, total_max = graded + 1, total + best.score, total_max + best.max_score
            elif subs:
                cells.append((subs[0].status, -1.0))
                total_max += nb.max_score
            else:
                cells.append(("", -2.0))
                total_max += nb.max_score
        rows.append((student, cells, graded, total, total_max))
    return rows


def write_csv(path: Path, header: list, rows: list) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    atomic_write(str(path), buffer.getvalue())


# --- figures ------------------------------------------------------------------------------------

def histogram_png(bins: list, notebook: str, median: float, whole: bool) -> str:
    """The score histogram of one notebook as base64 PNG."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(PLOT_RC):
        fig = Figure(figsize=(FIG_PX[0] / 100, FIG_PX[1] / 100), dpi=200, layout="constrained")
        ax = fig.add_subplot()
        if whole:
            xs, widths = [lo for lo, _, _ in bins], 0.8
            ax.set_xticks(xs if len(xs) <= 21 else xs[::2])
        else:
            xs, widths = [(lo + hi) / 2 for lo, hi, _ in bins], (bins[0][1] - bins[0][0]) * 0.9
        counts = [n for _, _, n in bins]
        ax.bar(xs, counts, width=widths, color=OKABE_ITO[0], edgecolor="#1a1a1a", linewidth=0.6)
        ax.axvline(median, color=OKABE_ITO[3], linestyle="--", linewidth=1.5)
        ax.annotate(f"median {_fmt(median)}", (median, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(4, 0), textcoords="offset points", va="bottom", fontsize=9, color="#1a1a1a",
                    bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        ax.set_xlabel(f"score (points) in {notebook}")
        ax.set_ylabel("submissions")
        ax.yaxis.get_major_locator().set_params(integer=True)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def histogram_alt(bins: list, notebook: str, graded: int, median: float, max_score: float) -> str:
    parts = [f"{_fmt(lo)}" + ("" if lo == hi else f" to {_fmt(hi)}") + f" points: {n}" for lo, hi, n in bins]
    return (f"Histogram of scores in {notebook}, {graded} graded submissions, out of {_fmt(max_score)} points; "
            f"median {_fmt(median)}. " + "; ".join(parts) + ".")


# --- HTML ---------------------------------------------------------------------------------------

def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def html_table(table_id: str, caption: str, columns: list, rows: list, row_header: bool = True) -> str:
    """A sortable table. ``columns``: (label, "num" | "text"); cells: text, or (text, sort value[, html])."""
    head = "".join(
        f'<th scope="col" data-kind="{kind}"><button type="button">{_e(label)}</button></th>'
        for label, kind in columns)
    body = []
    for row in rows:
        cells = []
        for k, cell in enumerate(row):
            text, key, markup = (cell, None, None) if not isinstance(cell, tuple) else (tuple(cell) + (None,))[:3]
            sort = f' data-sort="{_e(key)}"' if key is not None else ""
            content = markup if markup is not None else _e(text)
            tag = "th scope=\"row\"" if (k == 0 and row_header) else "td"
            cells.append(f"<{tag}{sort}>{content}</{tag.split()[0]}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll" role="region" aria-labelledby="{table_id}-caption" tabindex="0">'
            f'<table class="sortable" id="{table_id}"><caption id="{table_id}-caption">{_e(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _rate_cell(rate: float, label: str = "") -> tuple:
    """A rate as text and a bar (the number is always written: the bar only repeats it)."""
    pct = _pct(rate)
    return (pct, f"{rate:.6f}", f'<span class="ratecell"><span class="rate"><span class="bar" '
                                f'style="width:{100 * rate:.0f}%"></span></span> {_e(pct)}{_e(label)}</span>')


def _exercise_cell(ex: ExerciseStat) -> tuple:
    """The exercise id (and its title, smaller, on a second line)."""
    title = f'<br><span class="title">{_e(ex.title)}</span>' if ex.title else ""
    return (ex.exercise, ex.exercise, f"<code>{_e(ex.exercise)}</code>{title}")


def _notebook_section(nb: NotebookStat, show_examples: bool) -> str:
    sid = _slug(nb.notebook)
    parts = [f'<section aria-labelledby="nb-{sid}"><h2 id="nb-{sid}">{_e(nb.notebook)}</h2>']
    not_graded = ", ".join(f"{n} {st}" for st, n in sorted(nb.statuses.items()) if st != OK)
    parts.append(f"<p>{len(nb.submissions)} submissions, {len(nb.graded)} graded"
                 + (f" (not graded: {_e(not_graded)})" if not_graded else "") + ".</p>")
    if nb.graded:
        scores = [s.score for s in nb.graded]
        bins = score_bins(scores, nb.max_score)
        median = statistics.median(scores)
        whole = bins[0][0] == bins[0][1]
        png = histogram_png(bins, nb.notebook, median, whole)
        alt = histogram_alt(bins, nb.notebook, len(nb.graded), median, nb.max_score)
        figure = (f'<figure><img src="data:image/png;base64,{png}" width="{FIG_PX[0]}" height="{FIG_PX[1]}" '
                  f'alt="{_e(alt)}"><figcaption>Scores of the {len(nb.graded)} graded submissions (median '
                  f"{_fmt(median)} of {_fmt(nb.max_score)}).</figcaption></figure>")
        parts.append(f'<div class="overview">{figure}{_key_numbers(nb, scores)}</div>')
    if nb.exercises:
        rows = [[_exercise_cell(ex), (_fmt(ex.max_score), ex.max_score), (str(ex.graded), ex.graded),
                 _rate_cell(ex.pass_rate, f" ({ex.passed})"), (str(ex.statuses[FAILED]), ex.statuses[FAILED]),
                 (str(ex.statuses[NOT_ATTEMPTED] + ex.statuses[MISSING]),
                  ex.statuses[NOT_ATTEMPTED] + ex.statuses[MISSING]),
                 (str(sum(ex.statuses[s] for s in PROBLEM_STATUSES)), sum(ex.statuses[s] for s in PROBLEM_STATUSES)),
                 (str(ex.unrecognised), ex.unrecognised), (_fmt(ex.points_lost), ex.points_lost),
                 (f"{ex.points_lost / ex.graded:.2f}", ex.points_lost / ex.graded)]
                for ex in nb.exercises]
        parts.append("<h3>Exercises</h3>" + html_table(
            f"exercises-{sid}", f"Exercises of {nb.notebook}: pass rate and points lost (graded submissions)",
            [("exercise", "text"), ("points", "num"), ("graded", "num"), ("passed", "num"), ("failed", "num"),
             ("not attempted or missing", "num"), ("timeout, crash, reference or forbidden", "num"),
             ("failed, no mistake recognised", "num"), ("points lost", "num"), ("points lost per submission", "num")],
            rows))
        parts.append(_mistakes_html(nb, sid, show_examples))
        parts.append(_cases_html(nb, sid))
    parts.append("</section>")
    return "".join(parts)


def _key_numbers(nb: NotebookStat, scores: list) -> str:
    full = sum(1 for s in scores if s >= nb.max_score > 0)
    hardest = min(nb.exercises, key=lambda ex: (ex.pass_rate, ex.exercise)) if nb.exercises else None
    top = max((m for ex in nb.exercises for m in ex.mistakes[:1]), key=lambda m: m.count, default=None)
    items = [("graded", f"{len(scores)} of {len(nb.submissions)}"),
             ("mean score", f"{statistics.mean(scores):.2f} of {_fmt(nb.max_score)}"),
             ("full marks", f"{full} ({_pct(full / len(scores))})")]
    if hardest is not None:
        items.append(("lowest pass rate", f"{hardest.exercise}: {_pct(hardest.pass_rate)}"))
    if top is not None:
        owner = next(ex for ex in nb.exercises if top in ex.mistakes)
        items.append(("most common mistake", f"{top.name} in {owner.exercise}: {top.count} ({_pct(top.share)})"))
    return '<dl class="numbers">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items) + "</dl>"


def _mistakes_html(nb: NotebookStat, sid: str, show_examples: bool) -> str:
    rows = []
    for ex in nb.exercises:
        for m in ex.mistakes[:TOP_MISTAKES]:
            example = m.example + (f" (from {m.example_submission})" if show_examples and m.example_submission else "")
            rows.append([(ex.exercise, ex.exercise, f"<code>{_e(ex.exercise)}</code>"),
                         (m.name, m.name, f"<code>{_e(m.name)}</code>"), (str(m.count), m.count),
                         _rate_cell(m.share), m.hint, example or "none recorded"])
    if not rows:
        return "<h3>Most common mistakes</h3><p>No classic mistake was recognised in this notebook.</p>"
    note = ("Example outcomes name the submission they come from (--show-examples)." if show_examples else
            "Example outcomes are anonymised: the most common outcome among those submissions, no name, no code.")
    return (f"<h3>Most common mistakes</h3><p>Up to {TOP_MISTAKES} per exercise; share = submissions with the "
            f"mistake / graded submissions of the notebook ({len(nb.graded)}). {note}</p>"
            + html_table(f"mistakes-{sid}", f"Classic mistakes recognised in {nb.notebook}",
                         [("exercise", "text"), ("mistake", "text"), ("submissions", "num"), ("share", "num"),
                          ("hint shown to the student", "text"), ("example outcome", "text")], rows))


def _cases_html(nb: NotebookStat, sid: str) -> str:
    flagged = [(ex, c) for ex in nb.exercises for c in ex.cases if c.flagged]
    if not flagged:
        return ("<h3>Cases that fail unusually often</h3><p>None: no case fails far more often than the other "
                "cases of its exercise.</p>")
    rows = [[(f"{ex.exercise}: {c.case}", f"{ex.exercise}:{c.case}"),
             _rate_cell(c.rate, f" ({c.partial_failures} of {c.partial_attempts})"),
             (_pct(c.median_others), c.median_others), (f"{c.failures} of {c.attempts}", c.failures),
             c.top_mistake or "none recognised", "Check the exercise text or the case"] for ex, c in flagged]
    return ("<h3>Cases that fail unusually often</h3>" + html_table(
        f"cases-{sid}", f"Flagged cases in {nb.notebook}: check the exercise text or the case",
        [("case", "text"), ("failure rate among answers that pass some cases", "num"),
         ("median rate of the other cases", "num"), ("failures among all answers run", "num"),
         ("most common mistake among its failures", "text"), ("action", "text")], rows))


def _glance_html(summary: ClassSummary) -> str:
    items = []
    top = sorted(((m, ex) for nb in summary.notebooks for ex in nb.exercises for m in ex.mistakes[:1]
                  if m.share >= 0.15), key=lambda t: -t[0].share)[:6]
    for m, ex in top:
        items.append(f"<li><strong>{_pct(m.share)}</strong> of graded submissions of {_e(ex.notebook)} made the "
                     f"mistake <code>{_e(m.name)}</code> in <code>{_e(ex.exercise)}</code> ({m.count}).</li>")
    for nb in summary.notebooks:
        for ex in nb.exercises:
            for c in ex.cases:
                if c.flagged:
                    items.append(f"<li><strong>Check the exercise text or the case:</strong> {_e(c.case)} of "
                                 f"<code>{_e(ex.exercise)}</code> fails for {_pct(c.rate)} of the answers that pass "
                                 "some of its cases "
                                 f"(other cases: median {_pct(c.median_others)}).</li>")
    problems = Counter(row[4] for row in problem_rows(summary))
    if problems:
        items.append("<li>Needs a look: " + ", ".join(f"{n} {_e(st)}" for st, n in problems.most_common())
                     + ' (<a href="#problems">list</a>).</li>')
    if not items:
        items.append("<li>No mistake made by 15% or more of the class, no flagged case, no problem.</li>")
    return '<section aria-labelledby="glance"><h2 id="glance">At a glance</h2><ul>' + "".join(items) + "</ul></section>"


def _problems_html(summary: ClassSummary) -> str:
    counts = defaultdict(Counter)
    rows = problem_rows(summary)
    for row in rows:
        counts[row[2]][row[4]] += 1
    statuses = sorted({row[4] for row in rows})
    out = ['<section aria-labelledby="problems"><h2 id="problems">Timeouts, crashes, reference reuse, '
           "forbidden code, ungradable files</h2>"]
    if not rows:
        return out[0] + "<p>None.</p></section>"
    out.append(html_table("problem-counts", "Counts per notebook",
                          [("notebook", "text")] + [(s, "num") for s in statuses],
                          [[nb] + [(str(counts[nb][s]), counts[nb][s]) for s in statuses] for nb in sorted(counts)]))
    out.append(f"<details><summary>The {len(rows)} submissions and exercises</summary>"
               + html_table("problem-list", "Submissions and exercises that need a look",
                            [("submission", "text"), ("student", "text"), ("notebook", "text"), ("exercise", "text"),
                             ("status", "text"), ("message", "text")], rows) + "</details>")
    return "".join(out) + "</section>"


def _progress_html(summary: ClassSummary) -> str:
    notebooks = [nb.notebook for nb in summary.notebooks]
    rows = [[student, *cells, (str(n), n), (f"{_fmt(total)} / {_fmt(total_max)}", total)]
            for student, cells, n, total, total_max in progress_rows(summary)]
    intro = ("<p>Student = the part of the submission name before the first <code>__</code> (as <code>grade</code> "
             "names the notebooks of a folder of per-student folders); a name without <code>__</code> is its own "
             "student. Each notebook shows the best graded submission, or why none was graded; an empty cell: "
             "nothing handed in.</p>")
    return ('<section aria-labelledby="progress"><h2 id="progress">Per-student progress</h2>' + intro
            + html_table("progress-table", f"Progress of {len(rows)} students across {len(notebooks)} notebooks",
                         [("student", "text"), *[(nb, "num") for nb in notebooks], ("notebooks graded", "num"),
                          ("total", "num")], rows) + "</section>")


def _files_html(results: Results) -> str:
    lines = [f"{results.files_read} results files read, {len(results.submissions)} submissions used."]
    if results.duplicates:
        lines.append(f"{len(results.duplicates)} submissions appeared in more than one file: the newest file was "
                     "used.")
    out = '<section aria-labelledby="files"><h2 id="files">Files</h2><p>' + " ".join(lines) + "</p>"
    if results.damaged:
        out += (f'<p class="warning"><strong>Warning:</strong> {len(results.damaged)} files could not be read and '
                "were left out (unreadable_files.csv):</p>"
                + html_table("damaged", "Files that could not be read", [("file", "text"), ("reason", "text")],
                             [list(d) for d in results.damaged]))
    return out + "</section>"


def _definitions_html() -> str:
    return ('<section aria-labelledby="reading"><h2 id="reading">How to read this report</h2><ul>'
            "<li><strong>Graded</strong>: a submission with status ok; the others (empty, wrong notebook...) "
            "score 0 and appear under the problems.</li>"
            "<li><strong>Pass rate</strong>: graded submissions whose exercise passed every public and hidden "
            "case. <strong>Points lost</strong>: the exercise's points minus the points earned, summed.</li>"
            "<li><strong>Share</strong> of a mistake: graded submissions in which the grader recognised it, "
            "over the graded submissions of the notebook. A submission may show several mistakes.</li>"
            "<li><strong>Flagged case</strong>: among the graded answers that ran the exercise's cases and passed "
            f"some of them (an answer failing every case says nothing about one case), a case failed by at least "
            f"{_pct(FLAG_MIN_RATE)} of them (and by {FLAG_MIN_FAILURES} or more), and at least {FLAG_RATIO:g} times "
            "as often as the median of the exercise's other cases: check the exercise text or the case.</li>"
            "<li>Click a column header to sort a table; click again to reverse. Every table is also a CSV file "
            "next to this page.</li></ul></section>")


def render_html(summary: ClassSummary, show_examples: bool = False, title: str = "Class report") -> str:
    """The whole report as one self-contained HTML page."""
    results = summary.results
    n_graded = sum(len(nb.graded) for nb in summary.notebooks)
    nav = "".join(f'<li><a href="#nb-{_slug(nb.notebook)}">{_e(nb.notebook)}</a></li>' for nb in summary.notebooks)
    nav += ('<li><a href="#problems">Problems</a></li>'
            + ('<li><a href="#progress">Per-student progress</a></li>' if len(summary.notebooks) > 1 else "")
            + '<li><a href="#files">Files</a></li><li><a href="#reading">How to read this report</a></li>')
    lead = (f"{len(results.submissions)} submissions ({n_graded} graded) from {len(summary.students)} students, "
            f"{len(summary.notebooks)} notebook{'s' if len(summary.notebooks) != 1 else ''}.")
    if results.damaged:
        lead += (" 1 unreadable file was" if len(results.damaged) == 1 else
                 f" {len(results.damaged)} unreadable files were") + " left out (see Files)."
    body = [f"<header><h1>{_e(title)}</h1><p>{_e(lead)}</p></header>",
            f'<nav aria-label="Contents"><ul>{nav}</ul></nav><main>', _glance_html(summary)]
    body += [_notebook_section(nb, show_examples) for nb in summary.notebooks]
    body.append(_problems_html(summary))
    if len(summary.notebooks) > 1:
        body.append(_progress_html(summary))
    body += [_files_html(results), _definitions_html(), "</main>"]
    return Template(_TEMPLATE.read_text(encoding="utf-8")).substitute(title=_e(title), body="\n".join(body))


# --- the whole report ---------------------------------------------------------------------------

def build_report(grades_dir, out_dir=None, show_examples: bool = False) -> tuple[Path, ClassSummary]:
    """Read ``grades_dir``, write the HTML report and its CSV tables into ``out_dir``.

    Parameters
    ----------
    grades_dir : path
        A folder of results (see the module docstring).
    out_dir : path, optional
        Where to write ``class_report.html`` and the CSV files; default ``grades_dir/report``.
    show_examples : bool
        Name the submission each mistake example comes from.

    Returns
    -------
    (path of class_report.html, the summary)

    Raises
    ------
    ReportError
        No folder, no results file, or none of them readable.
    """
    out = Path(out_dir) if out_dir is not None else Path(grades_dir) / "report"
    results = read_results(grades_dir, exclude=out)
    if not results.submissions:
        path, reason = results.damaged[0]
        raise ReportError(f"GRADES_DIR: none of the {len(results.damaged)} results files in {grades_dir} could be "
                          f"read (first: {path}: {reason})")
    summary = summarise(results)
    out.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in tables(summary).items():
        write_csv(out / name, header, rows)
    page = out / "class_report.html"
    atomic_write(str(page), render_html(summary, show_examples=show_examples))
    return page, summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("grades_dir", type=Path, metavar="GRADES_DIR",
                        help="a grade --out folder, several merged, or a folder of Gradescope results.json files")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: GRADES_DIR/report)")
    parser.add_argument("--show-examples", action="store_true",
                        help="name the submission each mistake's example outcome comes from")


def run(args) -> int:
    try:
        page, summary = build_report(args.grades_dir, args.out, show_examples=args.show_examples)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    damaged = len(summary.results.damaged)
    print(f"class report of {len(summary.submissions)} submission(s): {page}"
          + (f" ({damaged} unreadable file(s) left out, listed in the report)" if damaged else ""))
    return 0
