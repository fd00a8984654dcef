"""The misconception loop measured on the hint corpus, one bank mistake held out at a time (issue 24).

For every bank mistake M that the corpus (``tests/corpus/``) writes in two or more ways, the bank
"forgets" M, and the exercise's corpus wrong answers are judged again (the one judge, in this process,
hidden cases included) and grouped as the class report groups them
(:func:`course_lib.grading.reports.class_summary.behaviour_groups`, groups of 2 or more). Then a
mistake is drafted from the group holding most of M's answers (``draft-mistake``'s path: a notebook
holding one member's answer, sliced, wrapped) and added back; its answers are judged once more.

Printed per held-out mistake, and in total:

- ``unexplained``: M's answers that no other bank mistake explains once M is gone (the loop's input);
- ``grouped``: of those, the share in the largest group of M's answers (different code, one behaviour);
- ``mixed``: groups holding answers named after different mistakes (should be 0);
- ``hinted``: of M's unexplained answers, the share whose first mistake is the drafted one afterwards.

Then the bank round trip (every mistake of every function exercise answered twice, the second with its
floats off by a relative 1e-12, 1e-9, 1e-6, the whole bank forgotten: are both answers in one group, does
a group mix mistakes) and the class report's time on 300 submissions judged for real.

Run: ``PYTHONPATH=. python tests/benchmarks/bench_misconceptions.py`` (about 30 s on this machine).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
import warnings
from collections import Counter
from pathlib import Path

import nbformat
import numpy as np

import course_lib
from course_lib.grading.exercises import bank
from course_lib.grading.judging import judge
from course_lib.grading.judging.results import SubmissionResult
from course_lib.grading.reports.class_summary import Results, parse_results, summarise
from course_lib.grading.reports.draft_mistake import answer_statements, draft_text, load_draft
from course_lib.grading.reports.outputs import gradescope_results

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def corpus_wrong() -> dict:
    """``{exercise id: [(source, mistake name), ...]}`` of every corpus file."""
    found = {}
    for path in sorted(CORPUS.glob("nb[0-9][0-9].py")):
        spec = importlib.util.spec_from_file_location(f"corpus_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for exercise_id, items in getattr(module, "WRONG", {}).items():
            found.setdefault(exercise_id, []).extend(items)
    return found


def answer_of(source: str, exercise):
    namespace = {"np": np, "cl": course_lib, "__name__": "__main__"}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        exec(compile(source, f"<{exercise.id}>", "exec"), namespace)
    return namespace.get(exercise.answer)


def judged(exercise, answer):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return judge.judge_answer(exercise, answer, exercise.cases(include_hidden=True))[1]


def groups_of(exercise, results: dict) -> list:
    """The class report's groups for ``results`` (submission name -> ExerciseResult) of one exercise."""
    subs = []
    for name, result in results.items():
        submission = SubmissionResult(exercise.notebook, "ok", "", [result], float(exercise.points))
        subs += parse_results(gradescope_results(submission, name, f"{name}.ipynb"), Path(f"{name}.json"))
    summary = summarise(Results(subs, [], [], len(subs)))
    return [g for nb in summary.notebooks for ex in nb.exercises for g in ex.groups]


def notebook_bytes(source: str) -> bytes:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import numpy as np\nimport course_lib as cl"),
                                         nbformat.v4.new_code_cell(source)])
    return nbformat.writes(nb).encode("utf-8")


def held_out(exercise, mistake_name: str, wrong: list) -> dict:
    """One held-out mistake's figures (see the module docstring)."""
    forgetful = dataclasses.replace(exercise, mistakes=tuple(m for m in exercise.mistakes if m.name != mistake_name))
    answers, sources, names = [], {}, {}
    for k, (source, name) in enumerate(wrong):
        answer = answer_of(source, exercise)
        if callable(answer) or exercise.kind == "value":
            answers.append((f"s{k:03d}", answer))
            sources[f"s{k:03d}"], names[f"s{k:03d}"] = source, name
    results = {name: judged(forgetful, answer) for name, answer in answers}
    groups = groups_of(forgetful, results)
    ours = {n for n, name in names.items() if name == mistake_name}
    unexplained = {n for n in ours if results[n].status == "failed"
                   and not any(not m.startswith("generic:") for m in results[n].mistakes)}
    best = max(groups, key=lambda g: len(ours & set(g.members)), default=None)
    grouped = len(ours & set(best.members)) if best else 0
    mixed = sum(len({names[m] for m in g.members}) > 1 for g in groups)
    hinted = 0
    if best is not None and grouped:
        first = sorted(ours & set(best.members))[0]
        statements = answer_statements(notebook_bytes(sources[first]), exercise)
        drafted = load_draft(draft_text(exercise, best, statements), exercise, best, name="drafted")
        relearnt = dataclasses.replace(forgetful, mistakes=(*forgetful.mistakes, drafted))
        hinted = sum(judged(relearnt, dict(answers)[n]).mistakes[:1] == ["drafted"] for n in unexplained)
    return {"answers": len(ours), "unexplained": len(unexplained), "grouped": grouped, "mixed": mixed,
            "hinted": hinted}


def _perturbed(implementation, scale: float):
    """``implementation`` whose every float output is off by a relative ``scale`` (another order of operations)."""
    def perturb(value):
        if isinstance(value, tuple):
            return tuple(perturb(v) for v in value)
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            return value * (1 + scale)
        return value * (1 + scale) if isinstance(value, float) else value
    return lambda *args: perturb(implementation(*args))


def bank_round_trip(scale: float = 1e-9) -> Counter:
    """Every function exercise with its whole bank forgotten: each mistake answered twice (its implementation, and
    the same with every float off by ``scale``). Counts the mistakes whose two answers share a group
    (``together``), the groups mixing two mistakes (``mixed``) and the mistakes whose answers fail no case
    (``silent``: identical to the reference on every case, nothing to group)."""
    out = Counter()
    for exercise in bank.all_exercises():
        if exercise.kind != "function" or not exercise.mistakes or exercise.judge is not None:
            continue
        forgetful = dataclasses.replace(exercise, mistakes=())
        results = {}
        for m in exercise.mistakes:
            for variant, implementation in (("a", m.implementation), ("b", _perturbed(m.implementation, scale))):
                results[f"{m.name}__{variant}"] = judged(forgetful, implementation)
        groups = groups_of(forgetful, results)
        for m in exercise.mistakes:
            out["mistakes"] += 1
            if results[f"{m.name}__a"].status != "failed":
                out["not failed"] += 1
                continue
            out["together"] += any({f"{m.name}__a", f"{m.name}__b"} <= set(g.members) for g in groups)
        out["mixed"] += sum(len({name.rsplit("__", 1)[0] for name in g.members}) > 1 for g in groups)
        out["groups"] += len(groups)
    return out


def report_on_a_class(n: int = 300, exercise_id: str = "svm_vectorized") -> str:
    """Time the class report on ``n`` submissions judged for real, cycling over the corpus's answers (right and
    wrong) to one exercise; the size the fingerprints add to a failed answer's results.json."""
    import json
    import tempfile
    import time

    from course_lib.grading.reports.class_report import build_report

    exercise = bank.get(exercise_id)
    spec = importlib.util.spec_from_file_location("corpus_class", CORPUS / f"nb{exercise.notebook[:2]}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sources = module.CORRECT.get(exercise_id, []) + [src for src, _ in module.WRONG.get(exercise_id, [])]
    answers = [a for a in (answer_of(src, exercise) for src in sources) if callable(a)]
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        files = []
        for k in range(n):
            result = SubmissionResult(exercise.notebook, "ok", "", [judged(exercise, answers[k % len(answers)])],
                                      float(exercise.points))
            files.append(gradescope_results(result, f"s{k:03d}__{exercise.notebook}", f"s{k:03d}.ipynb"))
        judging = time.perf_counter() - started
        (Path(folder) / "results").mkdir()
        for data in files:
            name = data["extra_data"]["course_lib"]["submission"]
            (Path(folder) / "results" / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
        started = time.perf_counter()
        _, summary = build_report(folder, Path(folder) / "report")
        reporting = time.perf_counter() - started
    failed = [d for d in files if d["tests"][0]["status"] == "failed"]
    extra = [len(json.dumps({k: d["tests"][0]["extra_data"][k] for k in ("behaviour", "wrong_outputs")}))
             for d in failed]
    groups = [g.size for nb in summary.notebooks for ex in nb.exercises for g in ex.groups]
    return (f"{n} submissions of {exercise_id} ({len(answers)} corpus answers, cycled): judged in {judging:.1f} s, "
            f"class report in {reporting:.2f} s; {len(groups)} unexplained groups (sizes {groups}); behaviour and "
            f"wrong outputs add {sum(extra) / max(1, len(extra)):.0f} bytes to a failed answer's results.json")


def main() -> int:
    wrong = corpus_wrong()
    total = Counter()
    print(f"{'exercise':28} {'held-out mistake':34} answers unexplained grouped mixed hinted")
    for exercise_id, items in sorted(wrong.items()):
        try:
            exercise = bank.get(exercise_id)
        except KeyError:
            continue
        counts = Counter(name for _, name in items if not name.startswith("generic:"))
        for name, n in sorted(counts.items()):
            if n < 2 or name not in {m.name for m in exercise.mistakes}:
                continue
            row = held_out(exercise, name, items)
            total.update(row)
            total["mistakes"] += 1
            print(f"{exercise_id:28} {name:34} {row['answers']:7} {row['unexplained']:11} {row['grouped']:7} "
                  f"{row['mixed']:5} {row['hinted']:6}")
    unexplained = max(1, total["unexplained"])
    print(f"\n{total['mistakes']} held-out mistakes, {total['answers']} corpus answers: {total['unexplained']} "
          f"unexplained once their mistake is gone; {total['grouped']} of them ({total['grouped'] / unexplained:.0%}) "
          f"in their mistake's largest group; {total['mixed']} groups mixing mistakes; after drafting from one "
          f"member, {total['hinted']} ({total['hinted'] / unexplained:.0%}) get the drafted hint first")
    for scale in (1e-12, 1e-9, 1e-6):
        found = bank_round_trip(scale)
        print(f"bank round trip, floats off by {scale:g}: {found['mistakes']} mistakes of function exercises, "
              f"{found['not failed']} of them not 'failed' with the bank forgotten (an error, a loop...); of the "
              f"others, {found['together']} have both answers in one group; {found['groups']} groups, "
              f"{found['mixed']} mixing two mistakes (mistakes alike on every public case)")
    print(report_on_a_class())
    return 0


if __name__ == "__main__":
    sys.exit(main())
