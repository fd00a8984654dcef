"""Grades into the LMS: ``python -m course_lib grades-export --roster R.csv --grades DIR --format canvas --out F``.

The roster is the gradebook the LMS exports (Canvas: Grades > Export; Moodle: Grades > Export > Plain
text file). Each submission of ``DIR/grades.csv`` (written by ``grade``) is matched to one roster row by an
identifier of that row found in the submission's name or file path (its folder or file name), as a whole
word: Canvas's ``SIS Login ID`` and ``SIS User ID`` (and an e-mail column if the export has one), Moodle's
``Email address``, ``ID number`` and ``Username``. A name that holds identifiers of two students (and not
one inside the other, as a login inside its e-mail address) is ambiguous: it is listed, never guessed.
The file path as uploaded is searched first, the submission's name (made from it) only if it holds none.

The file written is the roster itself with one column per assignment filled in (the best graded
submission of each student per notebook): an assignment of the course config (``[assignments]``, its
notebooks' points added up), else a notebook; ``--column NOTEBOOK=HEADER`` names the column of a notebook
(several notebooks in one column add up). An existing column of that header is filled in
place; a new one is added at the end, with its points in Canvas's "Points Possible" row. Every other cell,
row and column stays as exported, so that the LMS's import changes only those grades. A student without
a graded submission keeps the cell the export had.

The command prints what it matched and lists the submissions it could not place; its exit status is 0
when every graded submission was placed, 1 otherwise (the file is written either way, without them).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from course_lib.grading.judging.scoring import total_points
from course_lib.grading.reports.outputs import atomic_write
from course_lib.grading.statuses import SubmissionStatus

POINTS_POSSIBLE = "Points Possible"
MIN_IDENTIFIER = 3  # shorter identifiers ("7", "ab") would be found in too many names


@dataclass(frozen=True)
class LmsFormat:
    """What one LMS's gradebook CSV looks like: its identifier columns, its first column, its points row."""

    name: str
    identifiers: tuple
    required: tuple
    points_row: bool


FORMATS = {
    "canvas": LmsFormat("canvas", ("SIS Login ID", "SIS User ID", "Email", "Email Address"),
                        ("Student", "ID", "SIS User ID", "SIS Login ID", "Section"), True),
    "moodle": LmsFormat("moodle", ("Email address", "ID number", "Username"), ("Email address",), False),
}


@dataclass
class Roster:
    """A gradebook CSV as exported: its header, its rows (lists of cells), where the students start."""

    header: list
    rows: list
    points_index: int | None  # the row index of "Points Possible" (Canvas), or None
    bom: str = ""
    newline: str = "\r\n"

    def students(self) -> list:
        """Indices of the rows that are students (every row but the points row)."""
        return [i for i in range(len(self.rows)) if i != self.points_index]

    def cell(self, row: int, column: str) -> str:
        index = self.header.index(column)
        return self.rows[row][index] if index < len(self.rows[row]) else ""


@dataclass
class Graded:
    """One graded submission from grades.csv."""

    name: str
    file: str
    notebook: str
    score: float
    max_score: float
    status: str


@dataclass
class Placement:
    """How the submissions were placed: matched (submission -> roster row) and the ones that were not."""

    matched: dict = field(default_factory=dict)        # submission name -> row index
    unmatched: list = field(default_factory=list)      # submission names
    ambiguous: dict = field(default_factory=dict)      # submission name -> [student names]


def read_roster(path: Path, lms: LmsFormat) -> Roster:
    """The roster CSV; ValueError if its header lacks a column the format needs."""
    raw = Path(path).read_bytes().decode("utf-8", errors="strict")
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    text = raw[len(bom):]
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    table = list(csv.reader(io.StringIO(text, newline="")))
    if not table:
        raise ValueError(f"--roster: {path} is empty")
    header, rows = table[0], table[1:]
    missing = [c for c in lms.required if c not in header]
    if missing:
        raise ValueError(f"--roster: {path} is not a {lms.name} gradebook export: no column {', '.join(missing)} "
                         f"(its header: {', '.join(header[:8])})")
    points = next((i for i, row in enumerate(rows) if row and row[0].strip() == POINTS_POSSIBLE), None)
    return Roster(header, rows, points if lms.points_row else None, bom, newline)


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"--grades: {what}: expected a number, got {text!r}") from None


def read_grades(grades_dir: Path) -> list:
    """The submissions of ``grades_dir/grades.csv`` (as ``grade`` writes it)."""
    path = Path(grades_dir) / "grades.csv"
    if not path.is_file():
        raise ValueError(f"--grades: no grades.csv in {grades_dir} (give the --out folder of `grade`)")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    out = []
    for row in rows:
        unquoted = {k: (v[1:] if v[:2] in {"'=", "'+", "'-", "'@", "'\t", "'\r"} else v) for k, v in row.items()}
        out.append(Graded(unquoted["submission"], unquoted["file"], unquoted["notebook"],
                          _number(row["score"], f"{row['submission']}: score"),
                          _number(row["max_score"], f"{row['submission']}: max_score"), row["status"]))
    return out


def _identifiers(roster: Roster, lms: LmsFormat) -> list:
    """``(identifier lowercased, row index)`` of every student's identifiers long enough to match."""
    columns = [c for c in lms.identifiers if c in roster.header]
    found = []
    for row in roster.students():
        for column in columns:
            value = roster.cell(row, column).strip().lower()
            if len(value) >= MIN_IDENTIFIER:
                found.append((value, row))
    return found


def _hits(text: str, identifiers: list) -> list:
    """``(start, end, row)`` of every identifier found in ``text`` as a whole word."""
    lowered = text.lower()
    hits = []
    for key, row in identifiers:
        for found in re.finditer(r"(?<![a-z0-9])" + re.escape(key) + r"(?![a-z0-9])", lowered):
            hits.append((found.start(), found.end(), row))
    return hits


def _outermost(hits: list) -> set:
    """The rows of the hits that no longer hit of another row contains (a login inside its e-mail)."""
    keep = set()
    for start, end, row in hits:
        inside = any(s <= start and end <= e and (e - s) > (end - start) and r != row for s, e, r in hits)
        if not inside:
            keep.add(row)
    return keep


def place(submissions: list, roster: Roster, lms: LmsFormat) -> Placement:
    """Match each graded submission to one roster row: by its file path as uploaded, else by its name (which
    ``grade`` made from the path, ``@`` and spaces replaced)."""
    identifiers = _identifiers(roster, lms)
    placement = Placement()
    for sub in submissions:
        hits = _hits(sub.file, identifiers) or _hits(sub.name, identifiers)  # the file as uploaded, then its name
        rows = _outermost(hits) if hits else set()
        if len(rows) == 1:
            placement.matched[sub.name] = rows.pop()
        elif not rows:
            placement.unmatched.append(sub.name)
        else:
            placement.ambiguous[sub.name] = sorted(roster.rows[r][0] for r in rows)
    return placement


def parse_columns(pairs, notebooks: list, assignments: dict | None = None) -> dict:
    """``NOTEBOOK=HEADER`` pairs as {notebook stem: header}. A notebook not given goes to the column of the one
    course assignment that holds it (``assignments``: name -> stems, from the course config), else to its stem."""
    from course_lib.grading.exercises.bank import all_exercises
    from course_lib.grading.exercises.course_config import notebook_stems

    known = sorted({ex.notebook for ex in all_exercises()} | set(notebooks))
    mapping = {}
    for stem in notebooks:
        holders = [name for name, stems in (assignments or {}).items() if stem in stems]
        mapping[stem] = holders[0] if len(holders) == 1 else stem
    for pair in pairs or ():
        notebook, sep, header = pair.partition("=")
        if not sep or not header.strip():
            raise ValueError(f"--column: expected NOTEBOOK=HEADER (e.g. 03=\"Homework 3 (12345)\"), got {pair!r}")
        (stem,) = notebook_stems([notebook.strip()], known)
        mapping[stem] = header.strip()
    return mapping


def _header_for(roster: Roster, wanted: str) -> str:
    """An existing column for ``wanted`` (the same text, or it followed by Canvas's " (assignment id)"), else it."""
    for column in roster.header:
        if column == wanted or re.fullmatch(re.escape(wanted) + r" \(\d+\)", column):
            return column
    return wanted


def fill(roster: Roster, submissions: list, placement: Placement, columns: dict) -> dict:
    """Write each student's best score per column into ``roster`` (in place); returns {header: points possible}."""
    best = defaultdict(dict)  # (row, header) -> {notebook: score}
    possible = defaultdict(dict)  # header -> {notebook: max_score}
    for sub in submissions:
        if sub.status != SubmissionStatus.OK or sub.name not in placement.matched or sub.notebook not in columns:
            continue
        header = _header_for(roster, columns[sub.notebook])
        scores = best[(placement.matched[sub.name], header)]
        scores[sub.notebook] = max(scores.get(sub.notebook, 0.0), sub.score)
        possible[header][sub.notebook] = sub.max_score
    totals = {header: total_points(by_notebook.values()) for header, by_notebook in possible.items()}
    for header in totals:
        if header not in roster.header:
            roster.header.append(header)
            width = len(roster.header)
            for row in roster.rows:
                row.extend([""] * (width - len(row)))
            if roster.points_index is not None:
                roster.rows[roster.points_index][width - 1] = f"{totals[header]:g}"
    for (row, header), scores in best.items():
        index = roster.header.index(header)
        cells = roster.rows[row]
        cells.extend([""] * (index + 1 - len(cells)))
        cells[index] = f"{total_points(scores.values()):g}"
    return totals


def roster_text(roster: Roster) -> str:
    """The roster as CSV, with the export's byte-order mark and line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=roster.newline)
    writer.writerow(roster.header)
    writer.writerows(roster.rows)
    return roster.bom + buffer.getvalue()


def export(roster_path, grades_dir, lms_name: str, out, column_pairs=(), assignments=None) -> tuple:
    """Read, place, fill and write; returns ``(placement, roster, submissions, totals)``."""
    if lms_name not in FORMATS:
        raise ValueError(f"--format: expected one of {', '.join(FORMATS)}, got {lms_name!r}")
    lms = FORMATS[lms_name]
    roster = read_roster(Path(roster_path), lms)
    submissions = [s for s in read_grades(Path(grades_dir)) if s.status == SubmissionStatus.OK]
    placement = place(submissions, roster, lms)
    columns = parse_columns(column_pairs, sorted({s.notebook for s in submissions}), assignments)
    totals = fill(roster, submissions, placement, columns)
    atomic_write(str(out), roster_text(roster))
    return placement, roster, submissions, totals


def add_arguments(parser) -> None:
    parser.add_argument("--roster", required=True, type=Path,
                        help="the gradebook CSV exported from the LMS (Canvas: Grades > Export)")
    parser.add_argument("--grades", required=True, type=Path, help="the --out folder of `grade` (its grades.csv)")
    parser.add_argument("--format", required=True, choices=sorted(FORMATS), help="the LMS whose import file to write")
    parser.add_argument("--out", required=True, type=Path, help="the CSV to write (import it into the LMS)")
    parser.add_argument("--column", action="append", default=[], metavar="NOTEBOOK=HEADER",
                        help="the gradebook column of a notebook (default: the notebook's stem; an existing column "
                             "of that name, with or without Canvas's ' (id)', is filled); repeat it; several "
                             "notebooks in one column add up")
    parser.add_argument("--config", type=Path, default=None,
                        help="the course's settings: a notebook of one of its [assignments] goes to the column named "
                             "after that assignment (default: course.toml beside notebooks/ if it exists)")


def run(args) -> int:
    if args.out.resolve() == args.roster.resolve():
        raise ValueError("--out: choose another file than --roster (the export is kept as it was)")
    from course_lib.grading.exercises import course_config

    course = course_config.load(args.config, Path(__file__).resolve().parents[3])
    placement, roster, submissions, totals = export(args.roster, args.grades, args.format, args.out, args.column,
                                                    course.assignments)
    students = {placement.matched[s.name] for s in submissions if s.name in placement.matched}
    print(f"placed {len(placement.matched)} of {len(submissions)} graded submission(s) for {len(students)} of "
          f"{len(roster.students())} students; columns: "
          + (", ".join(f"{h} ({p:g} points)" for h, p in totals.items()) or "none"))
    for name in placement.unmatched:
        print(f"unmatched: {name}: no roster identifier found in its name or file")
    for name, students_found in placement.ambiguous.items():
        print(f"ambiguous: {name}: matches {'; '.join(students_found)} (not placed)")
    print(f"wrote {args.out}")
    return 1 if placement.unmatched or placement.ambiguous else 0
