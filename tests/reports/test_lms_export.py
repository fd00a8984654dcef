"""grades-export (issue 25): submissions placed on an LMS roster, the LMS's own import file written back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from course_lib.cli import main
from course_lib.grading.judging.results import ExerciseResult, SubmissionResult
from course_lib.grading.reports import lms_export, outputs

SVM, REG = "03_multiclass_svm", "04_regularization"

CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Homework 3 (1001)", REG,
                 "Current Score", "Final Score"]
CANVAS_ROWS = [
    ["    Points Possible", "", "", "", "", "10", "5", "(read only)", "(read only)"],
    ["Smith, Alice", "101", "S1001", "asmith", "Sec A", "", "", "90", "90"],
    ["Jones, Bob", "102", "S1002", "bjones", "Sec A", "", "", "", ""],
    ["Lee, Ann", "103", "S1003", "alee@uni.example", "Sec B", "8", "", "70", "70"],
    ["Lee, Anna", "105", "S1005", "alee", "Sec B", "", "", "", ""],
    ["Student, Test", "104", "", "", "Sec A", "", "", "", ""],
]


def _canvas_export(path: Path, rows=CANVAS_ROWS) -> Path:
    """A gradebook in Canvas's export format (its header, its Points Possible row, CRLF line ends)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([CANVAS_HEADER, *rows])
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8", newline="")
    return path


def _result(notebook: str, scores: list) -> SubmissionResult:
    exercises = [ExerciseResult(f"ex{k}", "", float(points), score, "passed" if score == points else "failed")
                 for k, (score, points) in enumerate(scores)]
    return SubmissionResult(notebook, "ok", "", exercises, float(sum(p for _, p in scores)))


def _grades(folder: Path, rows: list) -> Path:
    """A grading folder's grades.csv as `grade` writes it: rows of (name, file, SubmissionResult)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "grades.csv").write_text(outputs.grades_csv(rows, ["ex0", "ex1"]), encoding="utf-8")
    return folder


def _read(path: Path) -> list:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


SUBMISSIONS = [
    ("asmith__hw", "asmith/03_multiclass_svm.ipynb", _result(SVM, [(2.5, 3), (4, 4)])),
    ("asmith__hw-2", "asmith/03_multiclass_svm (1).ipynb", _result(SVM, [(1, 3), (4, 4)])),  # worse: not kept
    ("S1002_svm", "S1002_svm.ipynb", _result(SVM, [(3, 3), (1.33, 4)])),                      # by SIS user id
    ("alee_uni.example_reg", "alee@uni.example_reg.ipynb", _result(REG, [(2, 2), (3, 3)])),   # e-mail holds alee
    ("asmith_and_bjones", "asmith_and_bjones.ipynb", _result(SVM, [(3, 3), (4, 4)])),        # two students
    ("notebook", "notebook.ipynb", _result(SVM, [(3, 3), (4, 4)])),                          # nobody
]


def test_canvas_export_round_trips(tmp_path, capsys):
    roster = _canvas_export(tmp_path / "gradebook.csv")
    grades = _grades(tmp_path / "graded", SUBMISSIONS)
    out = tmp_path / "import.csv"
    code = main(["grades-export", "--roster", str(roster), "--grades", str(grades), "--format", "canvas",
                 "--out", str(out), "--column", "03=Homework 3"])
    printed = capsys.readouterr().out
    assert code == 1  # one unmatched, one ambiguous: the exit status says so
    assert "unmatched: notebook:" in printed
    assert "ambiguous: asmith_and_bjones: matches Jones, Bob; Smith, Alice" in printed
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    table = _read(out)
    assert table[0] == CANVAS_HEADER  # both columns exist: filled in place, nothing added
    by_student = {row[0]: row for row in table[1:]}
    homework, reg = CANVAS_HEADER.index("Homework 3 (1001)"), CANVAS_HEADER.index(REG)
    assert by_student["Smith, Alice"][homework] == "6.5"        # the best of her two submissions
    assert by_student["Jones, Bob"][homework] == "4.33"         # partial points as graded
    assert by_student["Lee, Ann"][reg] == "5"                   # the e-mail, not the login inside it
    assert by_student["Lee, Ann"][homework] == "8"              # no submission: the export's cell stays
    assert by_student["Lee, Anna"][reg] == ""                   # her login is inside Ann's e-mail: not a match
    # nothing else changed: every other cell as exported
    changed = {(2, homework), (3, homework), (4, reg)}  # (row of the table, column): Smith, Jones, Lee
    for r, (before, after) in enumerate(zip([CANVAS_HEADER, *CANVAS_ROWS], table)):
        for c, (x, y) in enumerate(zip(before, after)):
            assert x == y or (r, c) in changed, (r, c, x, y)
    # and Canvas's format still: the export reads back as a roster
    again = lms_export.read_roster(out, lms_export.FORMATS["canvas"])
    assert again.points_index == 0 and len(again.students()) == len(CANVAS_ROWS) - 1


def test_a_new_column_gets_its_points_possible(tmp_path, capsys):
    roster = _canvas_export(tmp_path / "gradebook.csv")
    grades = _grades(tmp_path / "graded", SUBMISSIONS[:3])
    out = tmp_path / "import.csv"
    assert main(["grades-export", "--roster", str(roster), "--grades", str(grades), "--format", "canvas",
                 "--out", str(out)]) == 0  # everything placed
    table = _read(out)
    assert table[0] == CANVAS_HEADER + [SVM]
    assert table[1][-1] == "7"  # Points Possible of the new column: the notebook's max score
    assert [row[-1] for row in table[2:]] == ["6.5", "4.33", "", "", ""]
    assert "placed 3 of 3 graded submission(s) for 2 of 5 students" in capsys.readouterr().out


def test_moodle_export(tmp_path):
    roster = tmp_path / "moodle.csv"
    roster.write_text("First name,Last name,ID number,Institution,Department,Email address\n"
                      "Alice,Smith,S1001,,,asmith@uni.example\nBob,Jones,S1002,,,bjones@uni.example\n")
    grades = _grades(tmp_path / "graded", [("asmith@uni.example", "asmith@uni.example.ipynb",
                                            _result(SVM, [(3, 3), (2, 4)]))])
    out = tmp_path / "moodle_import.csv"
    assert main(["grades-export", "--roster", str(roster), "--grades", str(grades), "--format", "moodle",
                 "--out", str(out), "--column", "03=Assignment: SVM (Real)"]) == 0
    table = _read(out)
    assert table[0][-1] == "Assignment: SVM (Real)"
    assert [row[-1] for row in table[1:]] == ["5", ""]


def test_user_mistakes_are_one_line(tmp_path, capsys):
    roster = _canvas_export(tmp_path / "gradebook.csv")
    grades = _grades(tmp_path / "graded", SUBMISSIONS[:1])
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Name,Mail\nA,a@b\n")
    cases = [(["--roster", str(wrong), "--grades", str(grades), "--format", "canvas"], "not a canvas gradebook"),
             (["--roster", str(roster), "--grades", str(tmp_path), "--format", "canvas"], "no grades.csv"),
             (["--roster", str(tmp_path / "none.csv"), "--grades", str(grades), "--format", "canvas"], "none.csv"),
             (["--roster", str(roster), "--grades", str(grades), "--format", "canvas", "--column", "03"],
              "expected NOTEBOOK=HEADER"),
             (["--roster", str(roster), "--grades", str(grades), "--format", "canvas", "--column", "99=x"],
              "'99' names no notebook")]
    for argv, words in cases:
        assert main(["grades-export", *argv, "--out", str(tmp_path / "o.csv")]) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert main(["grades-export", "--roster", str(roster), "--grades", str(grades), "--format", "canvas",
                 "--out", str(roster)]) == 2
    assert "another file than --roster" in capsys.readouterr().err


def test_an_assignment_of_the_course_config_is_one_column(tmp_path):
    """Notebooks 03 and 04 make up assignment hw2: one column, their points added up, its Points Possible too."""
    roster = _canvas_export(tmp_path / "gradebook.csv")
    grades = _grades(tmp_path / "graded", SUBMISSIONS[:4])
    config = tmp_path / "course.toml"
    config.write_text('[assignments]\nhw2 = ["03", "04"]\n')
    out = tmp_path / "import.csv"
    assert main(["grades-export", "--roster", str(roster), "--grades", str(grades), "--format", "canvas",
                 "--out", str(out), "--config", str(config)]) == 0
    table = _read(out)
    assert table[0] == CANVAS_HEADER + ["hw2"]
    assert table[1][-1] == "12"  # 7 + 5
    assert [row[-1] for row in table[2:]] == ["6.5", "4.33", "5", "", ""]
