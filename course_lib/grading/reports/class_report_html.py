"""The class report as one self-contained HTML page: figures as embedded PNG, sortable tables.

The page is built from a :class:`~course_lib.grading.reports.class_report.ClassSummary`; the
skeleton (style sheet, the few lines of JavaScript that sort a table when its header is
clicked) is ``_class_report.html`` next to this file. Accessible by construction: a
``lang`` attribute, every table with a caption and ``scope`` on its headers, sort buttons
reachable from the keyboard with ``aria-sort``, alt text on every figure that states its
numbers, rates always written as numbers (the bars only repeat them), Okabe & Ito colours.
"""

from __future__ import annotations

import base64
import html
import io
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from string import Template

from course_lib.grading.reports.class_summary import (
    FLAG_MIN_FAILURES,
    FLAG_MIN_RATE,
    FLAG_RATIO,
    GROUP_MIN_SIZE,
    PROBLEM_STATUSES,
    TOP_GROUPS,
    TOP_MISTAKES,
    ClassSummary,
    ExerciseStat,
    NotebookStat,
    Results,
    draft_command,
    fmt_number,
    fmt_percent,
    problem_rows,
    progress_rows,
    score_bins,
)
from course_lib.grading.statuses import Status, SubmissionStatus
from course_lib.plots import PALETTE, rc_params

SHORT_HEADERS_FROM = 4   # with more notebooks than this, progress columns are headed by their number
GLANCE_MIN_SHARE = 0.15   # "At a glance" lists exercises' top mistakes made by at least this share...
GLANCE_MISTAKES = 6       # ...at most this many
#: The workbook's colour-blind-safe palette (Okabe & Ito), from course_lib.plots.
OKABE_ITO = PALETTE
#: The workbook's matplotlib style (course_lib.plots), laid out by hand here (one draw per figure).
PLOT_RC = {**rc_params(100), "figure.constrained_layout.use": False, "axes.grid": False}
FIG_PX = (576, 230)   # the histogram's size on the page (drawn at twice that for sharp screens)
_TEMPLATE = Path(__file__).with_name("_class_report.html")


# --- figures ------------------------------------------------------------------------------------

def histogram_png(bins: list, notebook: str, median: float, whole: bool) -> str:
    """The score histogram of one notebook as base64 PNG."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(PLOT_RC):
        fig = Figure(figsize=(FIG_PX[0] / 100, FIG_PX[1] / 100), dpi=200)
        fig.subplots_adjust(left=0.11, right=0.98, bottom=0.2, top=0.9)   # fixed: no layout pass, one draw
        ax = fig.add_subplot()
        if whole:
            xs, widths = [lo for lo, _, _ in bins], 0.8
            ax.set_xticks(xs if len(xs) <= 21 else xs[::2])
        else:
            xs, widths = [(lo + hi) / 2 for lo, hi, _ in bins], (bins[0][1] - bins[0][0]) * 0.9
        counts = [n for _, _, n in bins]
        ax.bar(xs, counts, width=widths, color=OKABE_ITO[0], edgecolor="#1a1a1a", linewidth=0.6)
        ax.axvline(median, color=OKABE_ITO[3], linestyle="--", linewidth=1.5)
        ax.annotate(f"median {fmt_number(median)}", (median, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(4, 0), textcoords="offset points", va="bottom", fontsize=9, color="#1a1a1a",
                    bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        ax.set_xlabel(f"score (points) in {notebook}")
        ax.set_ylabel("submissions")
        ax.yaxis.get_major_locator().set_params(integer=True)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def histogram_alt(bins: list, notebook: str, graded: int, median: float, max_score: float) -> str:
    """The histogram's alt text: what it shows and every bin's count, so that nothing is only in the picture."""
    parts = [fmt_number(lo) + ("" if lo == hi else f" to {fmt_number(hi)}") + f" points: {n}" for lo, hi, n in bins]
    return (f"Histogram of scores in {notebook}, {graded} graded submissions, out of {fmt_number(max_score)} points; "
            f"median {fmt_number(median)}. " + "; ".join(parts) + ".")


# --- HTML ---------------------------------------------------------------------------------------

def _e(text) -> str:
    """``text`` escaped for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def _slugs(names: list) -> dict:
    """A distinct id fragment per name ("03_multiclass_svm" -> "03-multiclass-svm")."""
    out, used = {}, set()
    for name in names:
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "notebook"
        slug, k = base, 1
        while slug in used:
            k += 1
            slug = f"{base}-{k}"
        used.add(slug)
        out[name] = slug
    return out


def html_table(table_id: str, caption: str, columns: list, rows: list, row_header: bool = True) -> str:
    """A sortable table. ``columns``: (label, "num" | "text"[, html]); cells: text, or (text, sort value[, html])."""
    head = "".join(
        f'<th scope="col" data-kind="{column[1]}"><button type="button">'
        f'{column[2] if len(column) > 2 else _e(column[0]).replace("_", "_<wbr>")}</button></th>'
        for column in columns)
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
    pct = fmt_percent(rate)
    return (pct, f"{rate:.6f}", f'<span class="ratecell"><span class="rate"><span class="bar" '
                                f'style="width:{100 * rate:.0f}%"></span></span> {_e(pct)}{_e(label)}</span>')


def _exercise_cell(ex: ExerciseStat) -> tuple:
    """The exercise id (and its title, smaller, on a second line)."""
    title = f'<br><span class="title">{_e(ex.title)}</span>' if ex.title else ""
    return (ex.exercise, ex.exercise, f"<code>{_e(ex.exercise)}</code>{title}")


def _notebook_section(nb: NotebookStat, sid: str, show_examples: bool) -> str:
    parts = [f'<section aria-labelledby="nb-{sid}"><h2 id="nb-{sid}">{_e(nb.notebook)}</h2>']
    not_graded = ", ".join(f"{n} {st}" for st, n in sorted(nb.statuses.items()) if st != SubmissionStatus.OK)
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
                  f"{fmt_number(median)} of {fmt_number(nb.max_score)}).</figcaption></figure>")
        parts.append(f'<div class="overview">{figure}{_key_numbers(nb, scores)}</div>')
    if nb.exercises:
        rows = [[_exercise_cell(ex), (fmt_number(ex.max_score), ex.max_score), (str(ex.graded), ex.graded),
                 _rate_cell(ex.pass_rate, f" ({ex.passed})"),
                 (f"{ex.statuses[Status.FAILED]}" + (f" ({ex.partial} partial)" if ex.partial else ""),
                  ex.statuses[Status.FAILED]),
                 (str(ex.statuses[Status.NOT_ATTEMPTED] + ex.statuses[Status.MISSING]),
                  ex.statuses[Status.NOT_ATTEMPTED] + ex.statuses[Status.MISSING]),
                 (str(sum(ex.statuses[s] for s in PROBLEM_STATUSES)), sum(ex.statuses[s] for s in PROBLEM_STATUSES)),
                 (str(ex.unrecognised), ex.unrecognised), (fmt_number(ex.points_lost), ex.points_lost),
                 (f"{ex.points_lost / ex.graded:.2f}", ex.points_lost / ex.graded)]
                for ex in nb.exercises]
        parts.append("<h3>Exercises</h3>" + html_table(
            f"exercises-{sid}", f"Exercises of {nb.notebook}: pass rate and points lost (graded submissions; "
            f"'partial': failed, with partial credit)",
            [("exercise", "text"), ("points", "num"), ("graded", "num"), ("passed", "num"), ("failed", "num"),
             ("not attempted or missing", "num"), ("timeout, crash, reference or forbidden", "num"),
             ("failed, no mistake recognised", "num"), ("points lost", "num"), ("points lost per submission", "num")],
            rows))
        parts.append(_mistakes_html(nb, sid, show_examples))
        parts.append(_groups_html(nb, sid))
        parts.append(_cases_html(nb, sid))
    parts.append("</section>")
    return "".join(parts)


def _key_numbers(nb: NotebookStat, scores: list) -> str:
    full = sum(1 for s in scores if s >= nb.max_score > 0)
    hardest = min(nb.exercises, key=lambda ex: (ex.pass_rate, ex.exercise)) if nb.exercises else None
    top = max((m for ex in nb.exercises for m in ex.mistakes[:1]), key=lambda m: m.count, default=None)
    items = [("graded", f"{len(scores)} of {len(nb.submissions)}"),
             ("mean score", f"{statistics.mean(scores):.2f} of {fmt_number(nb.max_score)}"),
             ("full marks", f"{full} ({fmt_percent(full / len(scores))})")]
    if hardest is not None:
        items.append(("lowest pass rate", f"{hardest.exercise}: {fmt_percent(hardest.pass_rate)}"))
    if top is not None:
        owner = next(ex for ex in nb.exercises if top in ex.mistakes)
        items.append(("most common mistake", f"{top.name} in {owner.exercise}: {top.count} ({fmt_percent(top.share)})"))
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


def _groups_html(nb: NotebookStat, sid: str) -> str:
    """The largest groups of failing answers that no bank mistake explains, with the command that drafts one."""
    heading = "<h3>Wrong answers no known mistake explains, grouped by behaviour</h3>"
    rows = [[(f"{ex.exercise} group {g.number}", f"{ex.exercise}:{g.number:04d}",
              f"<code>{_e(ex.exercise)}</code> group {g.number}"),
             (str(g.size), g.size), (f"{g.size} of {g.unexplained}", g.size / g.unexplained),
             ", ".join(g.failed_cases), g.example, (draft_command(g), g.key, f"<code>{_e(draft_command(g))}</code>")]
            for ex in nb.exercises for g in ex.groups[:TOP_GROUPS]]
    if not rows:
        return (f"{heading}<p>None: no {GROUP_MIN_SIZE} failing answers without a recognised mistake gave the same "
                "outputs.</p>")
    return (f"{heading}<p>Failing answers with no mistake of the bank recognised (some may have had a generic "
            "hint: a sign, a factor, a shape), grouped when they return the same "
            "outputs (to 4 significant digits) on the same public cases (on the same hidden cases for answers that "
            "pass every public case: a hint is only given on a public case); groups of "
            f"{GROUP_MIN_SIZE} or more, up to {TOP_GROUPS} per exercise (all in unexplained_groups.csv). The "
            "example is the group's output on a "
            "public case, summarised (no name, no code). A large group is a mistake worth naming: the command drafts "
            "a bank <code>Mistake</code> for it.</p>"
            + html_table(f"groups-{sid}", f"Unexplained groups in {nb.notebook}",
                         [("group", "text"), ("submissions", "num"), ("of the unexplained failures", "num"),
                          ("failed cases", "text"), ("example outcome", "text"), ("draft a mistake", "text")], rows))


def _cases_html(nb: NotebookStat, sid: str) -> str:
    flagged = [(ex, c) for ex in nb.exercises for c in ex.cases if c.flagged]
    if not flagged:
        return ("<h3>Cases that fail unusually often</h3><p>None: no case fails far more often than the other "
                "cases of its exercise.</p>")
    rows = [[(f"{ex.exercise}: {c.case}", f"{ex.exercise}:{c.case}"),
             _rate_cell(c.rate, f" ({c.partial_failures} of {c.partial_attempts})"),
             (fmt_percent(c.median_others), c.median_others), (f"{c.failures} of {c.attempts}", c.failures),
             c.top_mistake or "none recognised", "Check the exercise text or the case"] for ex, c in flagged]
    return ("<h3>Cases that fail unusually often</h3>" + html_table(
        f"cases-{sid}", f"Flagged cases in {nb.notebook}: check the exercise text or the case",
        [("case", "text"), ("failure rate among answers that pass some cases", "num"),
         ("median rate of the other cases", "num"), ("failures among all answers run", "num"),
         ("most common mistake among its failures", "text"), ("action", "text")], rows))


def _glance_html(summary: ClassSummary) -> str:
    items = []
    top = sorted(((m, ex) for nb in summary.notebooks for ex in nb.exercises for m in ex.mistakes[:1]
                  if m.share >= GLANCE_MIN_SHARE), key=lambda t: -t[0].share)[:GLANCE_MISTAKES]
    for m, ex in top:
        items.append(f"<li><strong>{fmt_percent(m.share)}</strong> of graded submissions of {_e(ex.notebook)} made the "
                     f"mistake <code>{_e(m.name)}</code> in <code>{_e(ex.exercise)}</code> ({m.count}).</li>")
    for nb in summary.notebooks:
        for ex in nb.exercises:
            for c in ex.cases:
                if c.flagged:
                    items.append(f"<li><strong>Check the exercise text or the case:</strong> {_e(c.case)} of "
                                 f"<code>{_e(ex.exercise)}</code> fails for {fmt_percent(c.rate)} of the answers "
                                 "that pass some of its cases "
                                 f"(other cases: median {fmt_percent(c.median_others)}).</li>")
    groups = sorted((g for nb in summary.notebooks for ex in nb.exercises for g in ex.groups[:1]),
                    key=lambda g: (-g.size, g.exercise))[:GLANCE_MISTAKES]
    for g in groups:
        items.append(f"<li>{g.size} failing answers to <code>{_e(g.exercise)}</code> return the same outputs and no "
                     f"known mistake explains them (group {g.number}): <code>{_e(draft_command(g))}</code> drafts "
                     "one.</li>")
    problems = Counter(row[4] for row in problem_rows(summary))
    if problems:
        items.append("<li>Needs a look: " + ", ".join(f"{n} {_e(st)}" for st, n in problems.most_common())
                     + ' (<a href="#problems">list</a>).</li>')
    if not items:
        items.append(f"<li>No mistake made by {fmt_percent(GLANCE_MIN_SHARE)} or more of the class, no flagged "
                     "case, no problem.</li>")
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
    numbers = [re.match(r"(\d+)_", nb) for nb in notebooks]
    short = len(notebooks) > SHORT_HEADERS_FROM and all(numbers) and len({m.group(1) for m in numbers}) == len(numbers)
    columns = [(nb, "num", f'<abbr title="{_e(nb)}">{_e(m.group(1))}</abbr>') if short else (nb, "num")
               for nb, m in zip(notebooks, numbers)]

    def keep_together(text: str, key) -> tuple:   # "3 / 5" never breaks; a status may
        return (text, key, _e(text).replace(" / ", "&nbsp;/&nbsp;"))

    rows = [[student, *(keep_together(*cell) for cell in cells), (str(n), n),
             keep_together(f"{fmt_number(total)} / {fmt_number(total_max)}", total)]
            for student, cells, n, total, total_max in progress_rows(summary)]
    intro = ("<p>Student = the part of the submission name before the first <code>__</code> (as <code>grade</code> "
             "names the notebooks of a folder of per-student folders); a name without <code>__</code> is its own "
             "student. Each notebook shows the best graded submission, or why none was graded; an empty cell: "
             "nothing handed in." + (" Notebooks by number: " + ", ".join(
                 f"{_e(m.group(1))} = {_e(nb)}" for nb, m in zip(notebooks, numbers)) + "." if short else "")
             + "</p>")
    return ('<section aria-labelledby="progress"><h2 id="progress">Per-student progress</h2>' + intro
            + html_table("progress-table", f"Progress of {len(rows)} students across {len(notebooks)} notebooks",
                         [("student", "text"), *columns, ("notebooks graded", "num"),
                          ("total", "num")], rows) + "</section>")


def _files_html(results: Results) -> str:
    lines = [f"{results.files_read} results files read, {len(results.submissions)} submissions used."]
    if results.duplicates:
        lines.append(f"{len(results.duplicates)} submissions appeared in more than one file: the newest file was "
                     "used.")
    out = '<section aria-labelledby="files"><h2 id="files">Files</h2><p>' + " ".join(lines) + "</p>"
    if results.damaged:
        n = len(results.damaged)
        out += (f'<p class="warning"><strong>Warning:</strong> {n} file{" was" if n == 1 else "s were"} not '
                "readable as results and left out (unreadable_files.csv):</p>"
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
            f"{fmt_percent(FLAG_MIN_RATE)} of them (and by {FLAG_MIN_FAILURES} or more), and at least "
            f"{FLAG_RATIO:g} times as often as the median of the exercise's other cases: check the exercise text "
            "or the case.</li>"
            "<li><strong>Unexplained group</strong>: graded answers of one exercise that failed, in which no "
            "mistake of the bank was recognised, and that returned the same outputs (to 4 significant digits, "
            "compared by a digest) on the same public cases (hidden ones when every public case passed); "
            "<code>draft-mistake</code> turns one into a bank mistake.</li>"
            f"<li><strong>At a glance</strong> lists up to {GLANCE_MISTAKES} exercises whose most common mistake "
            f"was made by {fmt_percent(GLANCE_MIN_SHARE)} or more of the graded submissions.</li>"
            "<li>Click a column header to sort a table; click again to reverse. Every table is also a CSV file "
            "next to this page.</li></ul></section>")


def render_html(summary: ClassSummary, show_examples: bool = False, title: str = "Class report") -> str:
    """The whole report as one self-contained HTML page."""
    results = summary.results
    n_graded = sum(len(nb.graded) for nb in summary.notebooks)
    slugs = _slugs([nb.notebook for nb in summary.notebooks])
    nav = "".join(f'<li><a href="#nb-{slugs[nb.notebook]}">{_e(nb.notebook)}</a></li>' for nb in summary.notebooks)
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
    body += [_notebook_section(nb, slugs[nb.notebook], show_examples) for nb in summary.notebooks]
    body.append(_problems_html(summary))
    if len(summary.notebooks) > 1:
        body.append(_progress_html(summary))
    body += [_files_html(results), _definitions_html(), "</main>"]
    return Template(_TEMPLATE.read_text(encoding="utf-8")).substitute(title=_e(title), body="\n".join(body))


