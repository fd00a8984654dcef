"""The class summary behind the class report: grading results read, aggregated, and laid out as tables.

See :mod:`course_lib.grading.reports.class_report` for the command, its input and its output;
this module reads the results (Gradescope's ``results.json`` format, with the workbook's
``extra_data``) into :class:`Results`, aggregates them into a :class:`ClassSummary`, and lays the
summary out as the rows of the CSV files (the HTML page shows the same rows).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from course_lib.grading.reports.outputs import MARKER, atomic_write, spreadsheet_safe
from course_lib.grading.statuses import Status, SubmissionStatus

UNIDENTIFIED = "(unidentified notebook)"
PROBLEM_STATUSES = (Status.TIMEOUT, Status.CRASHED, Status.MEMORY, Status.ERROR, Status.USES_REFERENCE,
                    Status.FORBIDDEN)
RAN_CASES = (Status.PASSED, Status.FAILED)
FLAG_MIN_RATE = 0.30
FLAG_RATIO = 2.0
FLAG_MIN_FAILURES = 3
TOP_MISTAKES = 5
GROUP_MIN_SIZE = 2        # an unexplained behaviour shared by at least this many answers is a group
TOP_GROUPS = 5            # groups shown per exercise in the HTML page (the CSV has them all)
STUDENT_SEPARATOR = "__"
#: the long table's columns, as ``grade`` writes ``GRADES_DIR/exercises.csv`` (report.exercises_csv)
LONG_COLUMNS = ("submission", "notebook", "exercise", "status", "points", "max_points", "mistakes", "failed_cases")


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
    behaviour: dict = field(default_factory=dict)      # failed case -> fingerprint of the answer's output
    wrong_outputs: dict = field(default_factory=dict)  # failed public case -> "label: returned ..."


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
    damaged: list            # (path below the grades folder, reason)
    duplicates: list         # (kept path, ignored path), below the grades folder
    files_read: int


def student_of(submission: str) -> str:
    """The student a submission belongs to: the part of its name before the first ``__``."""
    head = submission.split(STUDENT_SEPARATOR, 1)[0]
    return head or submission


def result_files(grades_dir, exclude=None) -> list[Path]:
    """The results files below ``grades_dir``, sorted.

    In a folder written by ``grade`` (it holds ``MARKER``) only ``results/*.json``;
    anywhere else every ``*.json``. Folders whose name starts with ``.`` and ``exclude`` are
    skipped.
    """
    root = Path(grades_dir)
    skip = Path(exclude).resolve() if exclude else None
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and (skip is None or (Path(folder) / d).resolve() != skip))
        if MARKER in files:   # a grade --out folder: its other files (grading.json...) are not results
            dirs[:] = [d for d in dirs if d == "results"]
            continue
        found += [Path(folder) / f for f in files if f.endswith(".json") and not f.startswith(".")]
    return sorted(found)


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what}: expected a finite number, got {value!r}"[:120])
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


def parse_results(data, path: Path) -> list[Submission]:
    """One results.json (already decoded) as its submissions; ``ValueError`` if it is not a results file.

    A file normally holds one submission of one notebook. A Gradescope file merging several
    notebooks of one submission (its tests name different notebooks) gives one
    :class:`Submission` per notebook, scored from its own tests; ``extra_data.course_lib``
    may then be a list, one entry per notebook.
    """
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    tests = data.get("tests", [])
    if not isinstance(tests, list) or ("tests" not in data and "score" not in data):
        raise ValueError("not a results.json: no 'tests' list")
    extra = data.get("extra_data") if isinstance(data.get("extra_data"), dict) else {}
    metas = extra.get("course_lib")
    metas = [m for m in metas if isinstance(m, dict)] if isinstance(metas, list) else \
        [metas] if isinstance(metas, dict) else []
    output = str(data.get("output", ""))
    exercises = []
    for k, test in enumerate(tests, start=1):
        if not isinstance(test, dict):
            raise ValueError(f"tests[{k - 1}]: expected an object, got {type(test).__name__}")
        exercises.append(_parse_test(test, k))
    notebooks = list(dict.fromkeys(e.notebook for e in exercises if e.notebook))
    if len(notebooks) > 1:
        by_notebook = {m.get("notebook"): m for m in metas}
        return [_submission({**by_notebook.get(nb, {}), "notebook": nb}, path, output,
                            [e for e in exercises if e.notebook == nb], whole=False) for nb in notebooks]
    meta = metas[0] if metas else {}
    return [_submission(meta, path, output, exercises, whole=True, score=data.get("score"))]


def _submission(meta: dict, path: Path, output: str, exercises: list, whole: bool, score=None) -> Submission:
    """A :class:`Submission` from its ``course_lib`` metadata, falling back on the tests and the output text."""
    notebook = meta.get("notebook") or next((e.notebook for e in exercises if e.notebook), "")
    if not notebook and whole:
        found = re.search(r"notebook (\S+),", output)
        notebook = found.group(1) if found else ""
    status = meta.get("status")
    if not status:
        found = re.search(r"not graded: ([^.]+)\.", output) if whole else None
        status = found.group(1) if found else SubmissionStatus.OK
    tests_score = sum(e.score for e in exercises)
    score = meta.get("score", score if score is not None else tests_score)
    max_score = meta.get("max_score", sum(e.max_score for e in exercises))
    for ex in exercises:
        ex.notebook = ex.notebook or notebook
    return Submission(name=str(meta.get("submission") or _fallback_name(path)), notebook=str(notebook or UNIDENTIFIED),
                      status=str(status), score=_number(score, "score"), max_score=_number(max_score, "max_score"),
                      message=str(meta.get("message", "")), file=str(meta.get("file", "")), source=str(path),
                      exercises=exercises)


def _parse_test(test: dict, number: int) -> ExerciseOutcome:
    extra = test.get("extra_data") if isinstance(test.get("extra_data"), dict) else {}
    tags = test.get("tags") if isinstance(test.get("tags"), list) else []
    ours = len(tags) >= 2 and isinstance(tags[0], str) and tags[1] in tuple(Status)   # [id, status]
    name = str(test.get("name", ""))
    exercise = extra.get("exercise") or (tags[0] if ours else "") or name or f"test {number}"
    status = extra.get("status") or (tags[1] if ours else "") or str(test.get("status", Status.FAILED))
    hints = extra.get("hints") or {}
    cases = extra.get("cases") or {}
    behaviour, wrong_outputs = extra.get("behaviour") or {}, extra.get("wrong_outputs") or {}
    if not all(isinstance(x, dict) for x in (hints, cases, behaviour, wrong_outputs)):
        raise ValueError(f"test {name!r}: 'hints', 'cases', 'behaviour' and 'wrong_outputs' must be objects")
    return ExerciseOutcome(
        exercise=str(exercise), title=name if name != exercise else "", notebook=str(extra.get("notebook", "")),
        status=str(status), score=_number(test.get("score", 0.0), f"test {name!r} score"),
        max_score=_number(test.get("max_score", 0.0), f"test {name!r} max_score"),
        mistakes=_strings(extra.get("mistakes"), f"test {name!r} mistakes"),
        hints={str(k): str(v) for k, v in hints.items()},
        failed_cases=_strings(extra.get("failed_cases"), f"test {name!r} failed_cases"),
        cases={k: int(_number(v, f"test {name!r} cases[{k}]")) for k, v in cases.items()},
        example=str(extra.get("example", "")), number=number,
        behaviour={str(k): str(v) for k, v in behaviour.items()},
        wrong_outputs={str(k): str(v) for k, v in wrong_outputs.items()})


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
            subs = parse_results(json.loads(path.read_text(encoding="utf-8")), path)
        except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as exc:
            damaged.append((str(path.relative_to(root)), f"{type(exc).__name__}: {exc}"[:200]))
            continue
        for sub in subs:
            key = (sub.name, sub.notebook)
            if key in chosen:
                old = chosen[key]
                keep, drop = (sub, old) if os.path.getmtime(path) >= os.path.getmtime(old.source) else (old, sub)
                chosen[key] = keep
                duplicates.append((str(Path(keep.source).relative_to(root)), str(Path(drop.source).relative_to(root))))
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
    "public 1;hidden 3"); ``points`` is the exercise's score, ``max_points`` its worth.
    """
    return [{"submission": s.name, "notebook": s.notebook, "exercise": e.exercise, "status": e.status,
             "points": fmt_number(e.score), "max_points": fmt_number(e.max_score),
             "mistakes": ";".join(e.mistakes), "failed_cases": ";".join(e.failed_cases)}
            for s in submissions for e in s.exercises]


# --- aggregating --------------------------------------------------------------------------------

@dataclass
class MistakeStat:
    """A mistake of one exercise: ``count`` submissions, their ``share`` of the notebook's graded ones."""

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
class BehaviourGroup:
    """Failing answers of one exercise that no bank mistake explains and that behave alike: the same
    fingerprints (:mod:`course_lib.grading.judging.fingerprint`) on the same failed public cases
    (:func:`behaviour_key`; on the same hidden ones for answers that pass every public case).

    ``number`` is the group's rank in its exercise (1 = the largest), as ``draft-mistake --group``
    takes it; ``example`` is anonymised (a public case's label and the output summarised, no name);
    ``members`` are the submissions' names, for ``draft-mistake`` only (the report never shows them).
    """

    notebook: str
    exercise: str
    number: int
    size: int
    unexplained: int          # failing answers of the exercise with no bank mistake recognised
    failed_cases: tuple
    behaviour: tuple          # the (case, fingerprint) pairs its answers share (behaviour_key)
    example: str
    members: tuple

    @property
    def key(self) -> str:
        """A short digest of the behaviour, the same in every report of the same answers."""
        text = ";".join(f"{case}={digest}" for case, digest in self.behaviour)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


@dataclass
class ExerciseStat:
    """One exercise over the graded submissions of its notebook."""

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
    groups: list = field(default_factory=list)   # BehaviourGroup, largest first
    partial: int = 0          # earned some of its points but not all (per-case scoring)

    @property
    def passed(self) -> int:
        return self.statuses[Status.PASSED]

    @property
    def pass_rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class NotebookStat:
    """One notebook: all its submissions, the graded ones, their statuses and its exercises."""

    notebook: str
    submissions: list
    graded: list
    statuses: Counter
    max_score: float
    exercises: list


@dataclass
class ClassSummary:
    """The whole class: what was read, one :class:`NotebookStat` per notebook, the students."""

    results: Results
    notebooks: list
    students: list

    @property
    def submissions(self) -> list:
        return self.results.submissions


def _scrub(text: str, names) -> str:
    """``text`` with every whole-word occurrence of one of ``names`` replaced by ``[student]``."""
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", "[student]", text, flags=re.IGNORECASE)
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


def _unexplained(outcome: ExerciseOutcome) -> bool:
    """A failed answer with a recorded behaviour and no bank mistake (a generic signature is no bank mistake)."""
    return (outcome.status == Status.FAILED and bool(outcome.behaviour)
            and not any(not m.startswith("generic:") for m in outcome.mistakes))


def _case_order(case: str) -> tuple:
    kind, _, number = case.partition(" ")
    return (kind != "public", int(number) if number.isdigit() else 0, case)


def _group_example(members: list, names_by_source: dict) -> str:
    """The first public wrong output of the group's first member that has one, names scrubbed."""
    for outcome in members:
        if outcome.wrong_outputs:
            case = min(outcome.wrong_outputs, key=_case_order)
            source = names_by_source[id(outcome)]
            return _scrub(f"{case}, {outcome.wrong_outputs[case]}", (source, student_of(source)))
    failed = [case for case, _ in behaviour_key(members[0])]
    return "passes every public case; fails " + ", ".join(failed)


def behaviour_key(outcome: ExerciseOutcome) -> tuple:
    """What groups an answer: its ``(case, fingerprint)`` pairs on the public cases it fails, in case order, or on
    the hidden ones when it fails no public case.

    Public cases decide: a hint is only ever given on a public case, so answers alike there are the answers
    that one new mistake would give its hint to; two ways of writing one mistake may still part on a hidden
    edge case (``lstsq`` and ``solve`` on a singular matrix).
    """
    pairs = sorted(outcome.behaviour.items(), key=lambda kv: _case_order(kv[0]))
    public = [(case, digest) for case, digest in pairs if case.startswith("public")]
    return tuple(public or pairs)


def behaviour_groups(outcomes: list, names_by_source: dict, min_size: int = GROUP_MIN_SIZE) -> list:
    """The unexplained failing answers of one exercise grouped by behaviour, largest first.

    Parameters
    ----------
    outcomes : list of ExerciseOutcome
        One exercise's outcomes (graded submissions).
    names_by_source : dict
        ``id(outcome) -> submission name``.
    min_size : int
        The smallest group kept.

    Returns
    -------
    list of BehaviourGroup
        Numbered from 1, by size (then public cases before hidden ones, then by fingerprint: a stable numbering).
    """
    unexplained = [o for o in outcomes if _unexplained(o)]
    by_behaviour = defaultdict(list)
    for o in unexplained:
        by_behaviour[behaviour_key(o)].append(o)
    kept = sorted(((b, sorted(m, key=lambda o: names_by_source[id(o)])) for b, m in by_behaviour.items()
                   if len(m) >= min_size), key=lambda bm: (-len(bm[1]), [(_case_order(c), d) for c, d in bm[0]]))
    return [BehaviourGroup(notebook=members[0].notebook, exercise=members[0].exercise, number=k, size=len(members),
                           unexplained=len(unexplained), failed_cases=tuple(case for case, _ in behaviour),
                           behaviour=behaviour, example=_group_example(members, names_by_source),
                           members=tuple(names_by_source[id(o)] for o in members))
            for k, (behaviour, members) in enumerate(kept, start=1)]


def summarise(results: Results) -> ClassSummary:
    """Aggregate the submissions per notebook, per exercise, per case and per student."""
    by_notebook = defaultdict(list)
    for s in results.submissions:
        by_notebook[s.notebook].append(s)
    notebooks = []
    for nb in sorted(by_notebook, key=lambda n: (n == UNIDENTIFIED, n)):
        subs = by_notebook[nb]
        graded = [s for s in subs if s.status == SubmissionStatus.OK]
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
                unrecognised=sum(1 for o in outs if o.status == Status.FAILED and not o.mistakes),
                cases=_case_stats(outs), groups=behaviour_groups(outs, owner),
                partial=sum(1 for o in outs if 0.0 < o.score < o.max_score)))
        notebooks.append(NotebookStat(nb, subs, graded, Counter(s.status for s in subs),
                                      max_scores.most_common(1)[0][0] if max_scores else 0.0, exercises))
    students = sorted({s.student for s in results.submissions})
    return ClassSummary(results, notebooks, students)


# --- tables (the CSV files; the HTML shows the same rows) ---------------------------------------

def fmt_number(x: float) -> str:
    """A number as short as it goes (3, 2.5, 0.125)."""
    return f"{x:g}"


def fmt_percent(x: float) -> str:
    """A fraction as a whole percentage ("37%")."""
    return f"{100 * x:.0f}%"


def score_bins(scores: list, max_score: float) -> list:
    """``(low, high, count)`` histogram bins: one per point when scores are whole and few, else 10."""
    top = max([max_score, *scores])
    whole = all(float(s).is_integer() for s in scores) and float(top).is_integer() and top <= 40
    if whole:
        edges = [(k, k) for k in range(int(top) + 1)]
        counts = Counter(max(int(s), 0) for s in scores)
        return [(lo, hi, counts.get(lo, 0)) for lo, hi in edges]
    top = max([max_score, *scores, 1.0])
    width = top / 10
    counts = Counter(min(max(int(s // width), 0), 9) for s in scores)
    return [(k * width, (k + 1) * width, counts.get(k, 0)) for k in range(10)]


def tables(summary: ClassSummary) -> dict:
    """Every table of the report as ``{file name: (header, rows)}``, rows of strings."""
    out = {}
    out["notebooks.csv"] = (
        ["notebook", "submissions", "graded", "max_score", "mean_score", "median_score", "not_graded"],
        [[nb.notebook, str(len(nb.submissions)), str(len(nb.graded)), fmt_number(nb.max_score),
          f"{statistics.mean(s.score for s in nb.graded):.2f}" if nb.graded else "",
          fmt_number(statistics.median(s.score for s in nb.graded)) if nb.graded else "",
          "; ".join(f"{st}: {n}" for st, n in sorted(nb.statuses.items()) if st != SubmissionStatus.OK)]
         for nb in summary.notebooks])
    out["score_distribution.csv"] = (
        ["notebook", "score_from", "score_to", "submissions"],
        [[nb.notebook, fmt_number(lo), fmt_number(hi), str(n)] for nb in summary.notebooks if nb.graded
         for lo, hi, n in score_bins([s.score for s in nb.graded], nb.max_score)])
    out["exercise_summary.csv"] = (
        ["notebook", "exercise", "title", "points", "graded", "passed", "pass_rate", "failed", "not_attempted",
         "missing", *[s.replace(" ", "_") for s in PROBLEM_STATUSES], "no_mistake_recognised", "points_lost",
         "mean_points_lost", "partial_credit"],
        [[ex.notebook, ex.exercise, ex.title, fmt_number(ex.max_score), str(ex.graded), str(ex.passed),
          f"{ex.pass_rate:.3f}", str(ex.statuses[Status.FAILED]), str(ex.statuses[Status.NOT_ATTEMPTED]),
          str(ex.statuses[Status.MISSING]),
          *[str(ex.statuses[s]) for s in PROBLEM_STATUSES], str(ex.unrecognised), fmt_number(ex.points_lost),
          f"{ex.points_lost / ex.graded:.2f}" if ex.graded else "", str(ex.partial)]
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
    out["unexplained_groups.csv"] = (
        ["notebook", "exercise", "group", "submissions", "unexplained_failures", "failed_cases", "example_outcome",
         "behaviour_key", "draft_command"],
        [[g.notebook, g.exercise, str(g.number), str(g.size), str(g.unexplained), ";".join(g.failed_cases),
          g.example, g.key, draft_command(g)]
         for nb in summary.notebooks for ex in nb.exercises for g in ex.groups])
    out["problems.csv"] = (["submission", "student", "notebook", "exercise", "status", "message"],
                           problem_rows(summary))
    notebooks = [nb.notebook for nb in summary.notebooks]
    progress = progress_rows(summary)
    out["progress.csv"] = (["student", *notebooks, "notebooks_graded", "total_score", "total_max_score"],
                           [[student, *[cell[0] for cell in cells], str(n), fmt_number(total), fmt_number(total_max)]
                            for student, cells, n, total, total_max in progress])
    out["exercises.csv"] = (list(LONG_COLUMNS), [[row[c] for c in LONG_COLUMNS]
                                                 for row in long_table(summary.submissions)])
    out["unreadable_files.csv"] = (["file", "reason"], [list(d) for d in summary.results.damaged])
    return out


def draft_command(group: BehaviourGroup) -> str:
    """The command that drafts a bank mistake from ``group``."""
    return f"python -m course_lib draft-mistake GRADES_DIR --exercise {group.exercise} --group {group.number}"


def problem_rows(summary: ClassSummary) -> list:
    """Submissions not graded, and exercises that timed out, crashed, reused the reference..."""
    rows = []
    for s in summary.submissions:
        if s.status != SubmissionStatus.OK:
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
            ok = [s for s in subs if s.status == SubmissionStatus.OK]
            if ok:
                best = max(ok, key=lambda s: s.score)
                cells.append((f"{fmt_number(best.score)} / {fmt_number(best.max_score)}", best.score))
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
    """Write one table atomically; every cell spreadsheet-safe (a name like ``=cmd()`` stays text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    atomic_write(str(path), buffer.getvalue())
