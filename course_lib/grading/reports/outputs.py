"""The files a grading run writes from its results, each atomically (a temporary file, then a rename).

- ``grades.csv``: one row per submission (``submission, notebook, score, max_score, status``, then
  one column of points per exercise); no cell a spreadsheet would evaluate;
- ``exercises.csv``: one row per graded exercise;
- ``feedback/<name>.md``: what the student reads, hidden tests reduced to their number and "passed" or
  "failed" (never how they failed), ending with what to review across the student's notebooks
  (:mod:`course_lib.grading.reports.review`);
- ``results/<name>.json``: Gradescope's ``results.json`` format, one test per exercise;
- ``written/<name>/<question>.md``: one student's answer to one written question, as data: the
  text verbatim in a fenced code block longer than any run of backticks in it, so that no
  heading, link or HTML in it is rendered (:func:`written_answer_files`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile

from course_lib.grading.judging.results import SubmissionResult
from course_lib.grading.judging.scoring import total_points
from course_lib.grading.reports.review import review_items, review_markdown
from course_lib.grading.statuses import Status

MARKER = ".course_lib_grades"  # marks a folder written by ``grade`` (its results/ are what the report reads)


def atomic_write(path: str, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp_", suffix=os.path.basename(path))
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _number(x: float) -> str:
    return f"{x:g}"


def partial_line(ex) -> str:
    """What a partly right exercise earned and why ('' for full marks or none): the same words everywhere."""
    if not ex.partial:
        return ""
    passed = sum(c.passed for c in ex.cases)
    return (f"Partial credit: {_number(ex.score)} of {_number(ex.points)} points for {passed} of {len(ex.cases)} "
            f"tests passed (scoring: {ex.scoring or 'per-case'}; scores are rounded down to 0.01).")


def feedback_markdown(name: str, result: SubmissionResult, review=None) -> str:
    """The student's feedback: a score line, each exercise with its public cases, then "What to review".

    ``review``: the :class:`~course_lib.grading.reports.review.ReviewItem` s of the student's
    submissions across notebooks (:func:`~course_lib.grading.reports.review.review_items`); by
    default, those of this submission alone.
    """
    lines = [f"# Feedback: {name}", ""]
    if result.status != "ok":
        lines += [f"**Not graded: {result.status}.** {result.message}", "",
                  f"Score: {_number(result.score)} / {_number(result.max_score)}", ""]
        return "\n".join(lines)
    lines += [f"Notebook: `{result.notebook}`  ", f"Score: **{_number(result.score)} / "
              f"{_number(result.max_score)}**", ""]
    if result.message:
        lines += [result.message, ""]
    for ex in result.exercises:
        mark = "✓" if ex.status == Status.PASSED else "✗"
        lines += [f"## {mark} {ex.title or ex.id} ({_number(ex.score)} / {_number(ex.points)}): {ex.status}", ""]
        if ex.message:
            lines += [ex.message, ""]
        if ex.partial:
            lines += [partial_line(ex), ""]
        hidden_number = 0
        for case in ex.cases:
            if case.hidden:
                hidden_number += 1
                lines.append(f"- hidden test {hidden_number}: " + ("passed" if case.passed else "failed"))
            elif case.passed:
                lines.append(f"- {case.label or 'public test'}: passed")
            else:
                lines.append(f"- {case.label or 'public test'}: failed: {case.message}")
        if ex.cases:
            lines.append("")
        if ex.hint:
            lines += [f"Hint: {ex.hint}", ""]
    lines += review_markdown(review_items([result]) if review is None else review)
    lines.append("Grades come from the autograder; hidden tests are counted but not shown.")
    return "\n".join(lines) + "\n"


def gradescope_results(result: SubmissionResult, name: str = "", file: str = "") -> dict:
    """Gradescope's ``results.json`` for one submission: one visible test per exercise."""
    tests = []
    for number, ex in enumerate(result.exercises, start=1):
        text = [f"{ex.status}" + (f": {ex.message}" if ex.message else "")]
        if ex.partial:
            text.append(partial_line(ex))
        hidden_number = 0
        for case in ex.cases:
            if case.hidden:
                hidden_number += 1
                text.append(f"hidden test {hidden_number}: " + ("passed" if case.passed else "failed"))
            else:
                text.append(f"{case.label or 'public test'}: " + ("passed" if case.passed else
                                                                  f"failed: {case.message}"))
        if ex.hint:
            text.append(f"Hint: {ex.hint}")
        tests.append({"name": ex.title or ex.id, "number": str(number), "score": ex.score,
                      "max_score": ex.points, "status": "passed" if ex.status == Status.PASSED else "failed",
                      "output": "\n".join(text), "output_format": "text", "visibility": "visible",
                      "tags": [ex.id, ex.status],
                      "extra_data": {"exercise": ex.id, "notebook": result.notebook, "status": ex.status,
                                     "mistakes": list(ex.mistakes), "hints": dict(ex.hints),
                                     "failed_cases": ex.failed_cases, "scoring": ex.scoring,
                                     "cases": {"public": sum(not c.hidden for c in ex.cases),
                                               "hidden": sum(c.hidden for c in ex.cases)},
                                     "example": ex.example, "behaviour": ex.behaviour,
                                     "wrong_outputs": ex.wrong_outputs}})
    output = f"{name}: " if name else ""
    if result.status == "ok":
        output += f"notebook {result.notebook}, {_number(result.score)} / {_number(result.max_score)}"
    else:
        output += f"not graded: {result.status}. {result.message}"
    return {"score": result.score, "output": output, "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests,
            "extra_data": {"course_lib": {"format": 1, "submission": name, "file": file, "notebook": result.notebook,
                                          "status": result.status, "message": result.message,
                                          "score": result.score, "max_score": result.max_score,
                                          "isolation": result.isolation}}}


def merge_gradescope(results: list) -> dict:
    """One results.json for several notebooks of one Gradescope submission."""
    if len(results) == 1:
        return results[0]
    tests = [test for r in results for test in r["tests"]]
    for number, test in enumerate(tests, start=1):
        test["number"] = str(number)
    return {"score": total_points(r["score"] for r in results), "output": "\n".join(r["output"] for r in results),
            "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": tests,
            "extra_data": {"course_lib": [r.get("extra_data", {}).get("course_lib", {}) for r in results]}}


def spreadsheet_safe(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading ``= + - @``, tab or CR gets a ``'`` in front."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def grades_csv(rows: list, exercise_ids: list) -> str:
    """``rows`` is a list of (name, file, SubmissionResult); one column of points per exercise id."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "file", "notebook", "score", "max_score", "status", *exercise_ids])
    for name, file, result in rows:
        scores = {ex.id: _number(ex.score) for ex in result.exercises}
        writer.writerow([spreadsheet_safe(v) for v in (name, file, result.notebook, _number(result.score),
                                                       _number(result.max_score), result.status)]
                        + [scores.get(eid, "") for eid in exercise_ids])
    return buffer.getvalue()


def exercises_csv(rows: list) -> str:
    """Long format, one row per graded exercise: submission, notebook, exercise, status, points, mistakes,
    failed_cases (lists joined by ``;``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "notebook", "exercise", "status", "points", "max_points", "mistakes",
                     "failed_cases"])
    for name, _, result in rows:
        for ex in result.exercises:
            writer.writerow([spreadsheet_safe(name), result.notebook, ex.id, ex.status, _number(ex.score),
                             _number(ex.points), ";".join(ex.mistakes), ";".join(ex.failed_cases)])
    return buffer.getvalue()


def gradescope_json_text(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


# --- written answers -----------------------------------------------------------------------------------

def _fence(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text`` (at least three): nothing in ``text``
    can close it, so all of it stays in the code block."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _slug(text: str) -> str:
    """A file name from a question id the submission gave (letters, digits, ``.``, ``_``, ``-``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).lstrip("-.")[:80] or "question"


def written_answer_files(name: str, written: dict) -> list:
    """``(relative path, Markdown)`` per written answer: ``<name>/<question>.md``, one file each.

    Parameters
    ----------
    name : str
        The submission's name (:func:`course_lib.grading.autograde.intake.collect`: letters, digits,
        ``.``, ``_``, ``-`` only).
    written : dict
        Question id -> the student's text (both from the submission: neither is trusted).

    The heading and the question line are written here; the student's text follows verbatim in a
    fenced code block (info string ``text``) whose fence is longer than any run of backticks in it:
    a Markdown viewer shows it as text, never as a heading, a link or HTML.
    """
    files, used = [], set()
    for question, text in written.items():
        slug = base = _slug(str(question))
        k = 1
        while slug in used:
            k += 1
            slug = f"{base}-{k}"
        used.add(slug)
        text = str(text).replace("\0", "\ufffd")
        text += "" if text.endswith("\n") else "\n"
        fence = _fence(text)
        body = (f"# Written answer\n\n- submission: `{_slug(name)}`\n- question: `{slug}`\n\n"
                f"The student's text, verbatim (shown as text, nothing in it is rendered):\n\n"
                f"{fence}text\n{text}{fence}\n")
        files.append((f"{_slug(name)}/{slug}.md", body))
    return files
