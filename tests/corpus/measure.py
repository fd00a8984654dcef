"""How well the judge's hints fit answers, measured on a corpus: ``python tests/corpus/measure.py``.

Two corpora are measured, each on its own:

- ``independent``: answers written from the exercise text alone by authors who never read the bank
  (``tests/corpus/independent/<author group>/nbNN.py``, each a list ``ENTRIES`` of dicts with ``id``,
  ``exercise``, ``name``, ``author``, ``correct``, ``mistake`` (plain words), ``note``, ``source``);
  the hint that each wrong entry should get is labelled separately, in ``independent_labels.py``
  (``{entry id: "mistake_name" | "generic:<signature>" | None}``, None meaning that no known mistake
  fits and the failing case's own line, without a hint, is the right feedback), decided from the
  entry's plain-words description, not from what the judge says (entries marked correct that break
  the contract, shown by hand, are listed there too, and measured as wrong);
- ``team``: the corpus written next to the bank (``tests/corpus/nbNN.py`` and ``main_smoke.py``),
  whose wrong answers carry the name they must be told.

Every entry runs through the one judge the way ``check()`` runs it
(:func:`course_lib.grading.judging.judge.judge_answer`, course_lib's reference stubs closed): a correct
answer on every case, hidden ones included (and the loop rule), a wrong one on the public cases.
Per exercise and overall it counts: correct answers accepted, wrong answers failing a public case,
right hints (the judge's first named mistake is the label; for a None label, no hint at all) and
misleading hints (a hint told under another name). ``-v`` lists every wrong entry that did not get
its hint.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import signal
import sys
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
INDEPENDENT = HERE / "independent"
LABELS = HERE / "independent_labels.py"
WRITTEN = "written_"  # ids of the written questions, which instructors mark (not measured here)
COMMITMENT = "commitment"  # the label of a wrong prediction graded for commitment (accepted, no hint)
SECONDS_PER_ENTRY = 30  # an answer that loops forever must not hang the measurement


@dataclass(frozen=True)
class Entry:
    """One answer of a corpus: what it answers, whether it is right, and the hint it should get."""

    id: str
    exercise: str
    source: str
    correct: bool
    label: str | tuple | None = None  # the mistake name it must be told (or the names, any one of them); None: no hint
    mistake: str = ""  # the author's plain words


@dataclass
class Judged:
    """What the judge made of one entry."""

    entry: Entry
    accepted: bool  # every case passed (a correct entry) / status passed
    fails_public: bool
    told: str  # the first mistake name the judge recorded ('' if none)
    hint: str
    status: str
    label_hints: tuple = ()  # the bank hints of the label's names (two mistakes may share one hint)

    @property
    def names(self) -> tuple:
        label = self.entry.label
        return label if isinstance(label, tuple) else (label,)

    @property
    def verdict(self) -> str:
        """'accepted'/'rejected' for a correct entry; 'right'/'misleading'/'silent' for a wrong one."""
        if self.entry.correct:
            return "accepted" if self.accepted else "rejected"
        if self.entry.label == COMMITMENT:  # graded for commitment: accepted, and no hint says which item
            return "right" if self.accepted and not self.hint else "misleading" if self.hint else "silent"
        if not self.fails_public:
            return "silent"
        if self.entry.label is None:
            return "right" if not self.hint else "misleading"
        if self.hint and (self.told in self.names or self.hint in self.label_hints):
            return "right"  # the mistake, or another name for the very same hint
        return "misleading" if self.hint else "silent"


@dataclass
class Tally:
    """Counts for one exercise, or for a whole corpus."""

    correct: int = 0
    accepted: int = 0
    wrong: int = 0
    failing: int = 0
    right: int = 0
    misleading: int = 0
    commitment: int = 0  # wrong predictions graded for commitment (they pass by design)
    hinted: int = 0  # wrong answers labelled with a mistake or a signature (a hint is expected)
    hinted_right: int = 0
    misses: list = field(default_factory=list)

    def add(self, judged: Judged) -> None:
        if judged.entry.correct:
            self.correct += 1
            self.accepted += judged.accepted
            if not judged.accepted:
                self.misses.append(judged)
            return
        self.wrong += 1
        self.failing += judged.fails_public
        self.commitment += judged.entry.label == COMMITMENT
        if judged.entry.label not in (None, COMMITMENT):
            self.hinted += 1
            self.hinted_right += judged.verdict == "right"
        self.right += judged.verdict == "right"
        self.misleading += judged.verdict == "misleading"
        if judged.verdict != "right":
            self.misses.append(judged)

    @property
    def right_share(self) -> float:
        return self.right / self.wrong if self.wrong else 1.0


# --- reading the corpora ---------------------------------------------------------------------------

def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"measured_corpus_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def independent_labels() -> tuple:
    """``({entry id: label}, {entry id: why it is not correct})``: the labels of the independent corpus's
    wrong entries, and the entries marked correct by their author that break the contract."""
    if not LABELS.exists():
        return {}, {}
    module = _load(LABELS)
    return dict(module.LABELS), dict(getattr(module, "AUTHOR_ERRORS", {}))


def independent_entries() -> list:
    """Every entry of the independent corpus, with its label (a wrong entry without one is an error)."""
    labels, author_errors = independent_labels()
    entries = []
    for path in sorted(INDEPENDENT.glob("*/nb[0-9][0-9].py")):
        for raw in _load(path).ENTRIES:
            if raw["exercise"].startswith(WRITTEN):
                continue  # a written question: marked by hand with its guide, never by the judge
            correct = bool(raw["correct"]) and raw["id"] not in author_errors
            if not correct and raw["id"] not in labels:
                raise KeyError(f"{path.relative_to(HERE)}: wrong entry {raw['id']!r} has no label in {LABELS.name}")
            entries.append(Entry(raw["id"], raw["exercise"], raw["source"], correct,
                                 None if correct else labels[raw["id"]], raw.get("mistake", "")))
    return entries


def team_entries() -> list:
    """The team's corpus (``nbNN.py``, ``main_smoke.py``) as entries: ``CORRECT`` and ``WRONG`` with their names."""
    entries = []
    for path in sorted(HERE.glob("nb[0-9][0-9].py")) + [HERE / "main_smoke.py"]:
        module = _load(path)
        for exercise_id, sources in getattr(module, "CORRECT", {}).items():
            entries += [Entry(f"{path.stem}-{exercise_id}-ok{k}", exercise_id, src, True)
                        for k, src in enumerate(sources)]
        for exercise_id, items in getattr(module, "WRONG", {}).items():
            entries += [Entry(f"{path.stem}-{exercise_id}-{name}-{k}", exercise_id, src, False, name)
                        for k, (src, name) in enumerate(items)]
    return entries


CORPORA = {"independent": independent_entries, "team": team_entries}


# --- judging ---------------------------------------------------------------------------------------

class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: int):
    """Raise :class:`_Timeout` after ``seconds`` (main thread, POSIX); no limit elsewhere."""
    usable = hasattr(signal, "SIGALRM") and _in_main_thread()
    if not usable:
        yield
        return

    def _expire(signum, frame):
        raise _Timeout(f"ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _in_main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


def defined_answer(source: str, name: str):
    """What an answer cell defines under ``name`` (run with ``np`` and ``cl`` in its namespace)."""
    import course_lib

    namespace = {"np": np, "cl": course_lib, "__name__": "__main__"}
    exec(compile(source, f"<answer cell defining {name}>", "exec"), namespace)
    return namespace.get(name)


def judge_entry(entry: Entry) -> Judged:
    """Run ``entry`` as ``check()`` does (hidden cases too for a correct one) and read the judge's verdict."""
    from course_lib.answers import checking
    from course_lib.grading.exercises import bank, model
    from course_lib.grading.judging import judge
    from course_lib.grading.statuses import Status

    exercise = bank.get(entry.exercise)
    cases = exercise.cases(include_hidden=entry.correct) or [(model.Case(), False)]
    closed = checking(exercise.id) if exercise.kind == model.Kind.FUNCTION else contextlib.nullcontext()
    with warnings.catch_warnings(), np.errstate(all="ignore"), _time_limit(SECONDS_PER_ENTRY):
        warnings.simplefilter("ignore")
        try:
            answer = defined_answer(entry.source, exercise.answer)
            with closed:
                _, verdict = judge.judge_answer(exercise, answer, cases)
        except _Timeout as exc:
            return Judged(entry, False, True, "", "", f"timeout: {exc}")
    # a wrong entry runs on the public cases only: anything but a pass is what check() reports
    fails = any(not c.passed for c in verdict.cases if not c.hidden) or (
        not entry.correct and verdict.status != Status.PASSED)
    told = verdict.mistakes[0] if verdict.mistakes else ""
    names = entry.label if isinstance(entry.label, tuple) else (entry.label,)
    label_hints = tuple(m.hint for m in exercise.mistakes if m.name in names)
    return Judged(entry, verdict.status == Status.PASSED, fails, told, verdict.hint, str(verdict.status), label_hints)


def measure(entries: list) -> dict:
    """``{exercise id: Tally}`` and ``"overall"``: the figures over ``entries``."""
    tallies = defaultdict(Tally)
    overall = Tally()
    for entry in entries:
        judged = judge_entry(entry)
        tallies[entry.exercise].add(judged)
        overall.add(judged)
    return {**dict(sorted(tallies.items())), "overall": overall}


# --- the report ------------------------------------------------------------------------------------

def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   - "


def report(name: str, figures: dict, verbose: bool = False) -> str:
    """The table of a corpus's figures, one row per exercise and one overall; misses listed if ``verbose``."""
    head = (f"{'exercise':<28}{'correct ok':>12}{'wrong':>7}{'fail public':>13}{'right hint':>12}"
            f"{'right %':>9}{'misleading':>12}")
    lines = [f"corpus: {name}", head, "-" * len(head)]
    for exercise_id, t in figures.items():
        if exercise_id == "overall":
            lines.append("-" * len(head))
        lines.append(f"{exercise_id:<28}{f'{t.accepted}/{t.correct}':>12}{t.wrong:>7}"
                     f"{f'{t.failing}/{t.wrong - t.commitment}':>13}{f'{t.right}/{t.wrong}':>12}"
                     f"{_percent(t.right, t.wrong):>9}{t.misleading:>12}")
    t = figures["overall"]
    lines += [f"fail public: of the wrong answers not graded for commitment ({t.commitment} wrong predictions pass by "
              f"design, told 'k of n right' and no hint)",
              f"right hint where a hint is expected (a bank mistake or a generic signature): "
              f"{t.hinted_right}/{t.hinted} "
              f"({_percent(t.hinted_right, t.hinted).strip()}); the others expect none (a loop, an outcome judge's "
              f"message, no known mistake)"]
    if verbose:
        lines.append("")
        for judged in figures["overall"].misses:
            e = judged.entry
            lines.append(f"  {judged.verdict:<10} {e.id} ({e.exercise}): label {e.label!r}, told {judged.told!r} "
                         f"[{judged.status}] {judged.hint[:90]!r}")
            if e.mistake:
                lines.append(f"             author: {e.mistake[:150]}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="*", help=f"which corpora to measure: {', '.join(CORPORA)} (default: all)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the entries that miss")
    args = parser.parse_args(argv)
    unknown = [name for name in args.corpus if name not in CORPORA]
    if unknown:
        parser.error(f"corpus: expected one of {', '.join(CORPORA)}, got {', '.join(unknown)}")
    for name in args.corpus or list(CORPORA):
        print(report(name, measure(CORPORA[name]()), args.verbose))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
