"""Synthetic grading results in the grader's results.json format, for the class report's tests.

:func:`results_json` builds one submission's file from exercise outcomes given by hand;
:func:`synthetic_class` draws a plausible class (seeded) with the bank's exercises, mistakes
and hints, one hidden case that fails far more often than the others, and a few timeouts,
crashes, reference reuses and ungradable files.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from course_lib.grading.exercises.bank import all_exercises

EXERCISES = {ex.id: ex for ex in all_exercises()}


def outcome(exercise: str, status: str = "passed", mistakes=(), failed_cases=None, example: str = "") -> dict:
    """One exercise's outcome; failed cases default to every case when it failed."""
    ex = EXERCISES[exercise]
    public, hidden = len(ex.public), len(ex.hidden)
    if failed_cases is None:
        failed_cases = [] if status != "failed" else \
            [f"public {k}" for k in range(1, public + 1)] + [f"hidden {k}" for k in range(1, hidden + 1)]
    return {"exercise": exercise, "status": status, "mistakes": list(mistakes), "failed_cases": list(failed_cases),
            "example": example}


def results_json(submission: str, notebook: str, outcomes: list, status: str = "ok", message: str = "") -> dict:
    """One submission's results.json, as the grader writes it (``extra_data`` included)."""
    tests = []
    for number, o in enumerate(outcomes, start=1):
        ex = EXERCISES[o["exercise"]]
        score = float(ex.points) if o["status"] == "passed" else 0.0
        hints = {m.name: m.hint for m in ex.mistakes if m.name in o["mistakes"]}
        tests.append({"name": ex.title or ex.id, "number": str(number), "score": score,
                      "max_score": float(ex.points), "status": "passed" if o["status"] == "passed" else "failed",
                      "output": o["status"], "tags": [ex.id, o["status"]],
                      "extra_data": {"exercise": ex.id, "notebook": ex.notebook, "status": o["status"],
                                     "mistakes": o["mistakes"], "hints": hints, "failed_cases": o["failed_cases"],
                                     "cases": {"public": len(ex.public), "hidden": len(ex.hidden)},
                                     "example": o["example"]}})
    score = sum(t["score"] for t in tests)
    max_score = float(sum(ex.points for ex in EXERCISES.values() if ex.notebook == notebook))
    return {"score": score, "output": f"{submission}: notebook {notebook}", "output_format": "text",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests,
            "extra_data": {"course_lib": {"format": 1, "submission": submission, "file": f"{submission}.ipynb",
                                          "notebook": notebook if status == "ok" else "", "status": status,
                                          "message": message, "score": score if status == "ok" else 0.0,
                                          "max_score": max_score, "isolation": "bubblewrap"}}}


def write_results(folder: Path, results: list) -> list[Path]:
    """Write each results dict to ``folder/<submission>.json``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for data in results:
        path = folder / f"{data['extra_data']['course_lib']['submission']}.json"
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def _first_number(value):
    while isinstance(value, (tuple, list)):
        value = value[0]
    array = np.asarray(value, dtype=float)
    return float(array.flat[0]) if array.size else float("nan")


@lru_cache(maxsize=None)
def mistake_example(exercise: str, mistake: str) -> str:
    """What the mistake returns on the first public case, against the reference (a plausible outcome text)."""
    ex = EXERCISES[exercise]
    m = next(m for m in ex.mistakes if m.name == mistake)
    case = ex.public[0] if ex.public else None
    try:
        if ex.kind == "value":
            expected, got = ex.reference(), m.implementation()
        else:
            expected, got = ex.reference(*case.args), m.implementation(*case.args)
        label = (case.label if case and case.label else "public 1")
        return f"{label}: expected {_first_number(expected):.4g}, got {_first_number(got):.4g}"
    except Exception:  # fixtures and odd outputs: a generic outcome will do
        return "public 1: the output differs from the expected one"


def _draw_outcome(ex, rng, flagged_case: str | None) -> dict:
    public, hidden = len(ex.public), len(ex.hidden)
    labels = [f"public {k}" for k in range(1, public + 1)] + [f"hidden {k}" for k in range(1, hidden + 1)]
    roll = rng.random()
    if roll < 0.04:
        return outcome(ex.id, "not attempted", failed_cases=[])
    if roll < 0.07:
        return outcome(ex.id, str(rng.choice(["timeout", "crashed", "uses the reference implementation",
                                              "forbidden code", "error"])), failed_cases=[])
    if roll < 0.40 and ex.mistakes:
        weights = 1.0 / np.arange(1, len(ex.mistakes) + 1) ** 1.3
        m = ex.mistakes[int(rng.choice(len(ex.mistakes), p=weights / weights.sum()))]
        return outcome(ex.id, "failed", [m.name], labels, example=mistake_example(ex.id, m.name))
    if roll < 0.45:
        failed = [str(c) for c in rng.choice(labels, size=min(2, len(labels)), replace=False)]
        return outcome(ex.id, "failed", [], sorted(failed))
    if flagged_case and rng.random() < 0.45:
        return outcome(ex.id, "failed", [], [flagged_case])
    return outcome(ex.id, "passed")


def synthetic_class(n_students: int, notebooks: list, seed: int = 0, flagged=("svm_vectorized", "hidden 3")) -> list:
    """``n_students`` x ``notebooks`` results dicts named ``<student>__<notebook>``, drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n_students):
        student = f"student{k + 1:03d}"
        for nb in notebooks:
            name = f"{student}__{nb}"
            roll = rng.random()
            if roll < 0.02:
                out.append(results_json(name, nb, [], status="empty", message="the file is empty"))
                continue
            if roll < 0.03:
                out.append(results_json(name, nb, [], status="wrong notebook",
                                        message="this is not a notebook of this assignment"))
                continue
            outs = [_draw_outcome(ex, rng, flagged[1] if ex.id == flagged[0] else None)
                    for ex in EXERCISES.values() if ex.notebook == nb]
            out.append(results_json(name, nb, outs))
    return out


def judged_results(submission: str, notebook: str, answers: dict) -> dict:
    """One submission's results.json from answers judged for real (in this process, hidden cases included).

    ``answers`` maps exercise ids of ``notebook`` to the student's function (or value); the judge
    (:func:`course_lib.grading.judging.judge.judge_answer`) and the grader's writer
    (:func:`course_lib.grading.reports.outputs.gradescope_results`) make the file, fingerprints included.
    """
    from course_lib.grading.judging import judge
    from course_lib.grading.judging.results import SubmissionResult
    from course_lib.grading.reports.outputs import gradescope_results

    exercises = []
    for exercise_id, answer in answers.items():
        ex = EXERCISES[exercise_id]
        _, result = judge.judge_answer(ex, answer, ex.cases(include_hidden=True))
        exercises.append(result)
    max_score = float(sum(ex.points for ex in EXERCISES.values() if ex.notebook == notebook))
    result = SubmissionResult(notebook, "ok", "", exercises, max_score, "in-process")
    return gradescope_results(result, submission, f"{submission}.ipynb")
