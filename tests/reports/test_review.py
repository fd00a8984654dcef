"""Each student's feedback ends with "What to review" across notebooks (issue 24): the hints told, and where to
reread them; never a hint that only a hidden case showed."""

from __future__ import annotations

from course_lib.grading.autograde import batch
from course_lib.grading.exercises import bank
from course_lib.grading.judging import judge
from course_lib.grading.judging.results import ExerciseResult, SubmissionResult
from course_lib.grading.reports.outputs import feedback_markdown
from course_lib.grading.reports.review import exercise_section, review_items

NB03, NB05 = "03_multiclass_svm", "05_softmax_cross_entropy"


def judged(notebook: str, answers: dict) -> SubmissionResult:
    """A submission of ``notebook`` whose exercises are judged for real (in this process)."""
    results = []
    for exercise_id, answer in answers.items():
        ex = bank.get(exercise_id)
        results.append(judge.judge_answer(ex, answer, ex.cases(include_hidden=True))[1])
    return SubmissionResult(notebook, "ok", "", results, 10.0)


def bank_mistake(exercise_id: str, name: str):
    ex = bank.get(exercise_id)
    return next(m for m in ex.mistakes if m.name == name)


def test_sections_are_the_part_of_the_notebook_that_holds_the_exercise():
    assert exercise_section(NB03, "svm_vectorized") == "4. The loss as a function of W, and its gradient"
    assert exercise_section(NB03, "no_such_exercise") == "" and exercise_section("99_none", "svm_vectorized") == ""


def test_feedback_ends_with_what_to_review_across_the_students_notebooks(tmp_path):
    no_margin = bank_mistake("svm_vectorized", "no_margin")
    softmax = bank.get("softmax_vectorized").mistakes[0]
    nb03 = judged(NB03, {"svm_vectorized": no_margin.implementation})
    nb05 = judged(NB05, {"softmax_vectorized": softmax.implementation})
    assert nb03.exercises[0].hint == no_margin.hint and nb05.exercises[0].hint == softmax.hint

    alone = feedback_markdown("s1__03", nb03)  # by default, this submission's own
    review = alone.split("## What to review")[1]
    assert no_margin.hint in review and "section “4. The loss as a function of W, and its gradient” of " \
                                         "03_multiclass_svm.ipynb" in review and "`svm_vectorized`" in review
    assert alone.rstrip().endswith("hidden tests are counted but not shown.")

    rows = [("s1__03", "s1/03.ipynb", nb03), ("s1__05", "s1/05.ipynb", nb05), ("s2__03", "s2/03.ipynb", nb03)]
    batch._write_reviews(tmp_path, rows)
    for name in ("s1__03", "s1__05"):  # each of s1's files lists both notebooks' mistakes, in notebook order
        text = (tmp_path / "feedback" / f"{name}.md").read_text(encoding="utf-8").split("## What to review")[1]
        assert text.index(no_margin.hint) < text.index(softmax.hint), text
        assert f"{NB05}.ipynb" in text
    assert not (tmp_path / "feedback" / "s2__03.md").exists()  # one submission: its own feedback stands


def test_a_hint_is_listed_once_and_a_hidden_only_mistake_never():
    told = ExerciseResult("svm_vectorized", "", 4, 0, "failed", hint="Mind the margin.", mistakes=["no_margin"],
                          hints={"no_margin": "Mind the margin."})
    hidden_only = ExerciseResult("softmax_vectorized", "", 4, 0, "failed", hint="", mistakes=["secret"],
                                 hints={"secret": "What only a hidden case showed."})
    items = review_items([SubmissionResult(NB03, "ok", "", [told], 4), SubmissionResult(NB05, "ok", "", [hidden_only],
                                                                                         4),
                          SubmissionResult(NB03, "ok", "", [told], 4)])
    assert [item.hint for item in items] == ["Mind the margin."]
    assert items[0].exercises == ("svm_vectorized",)


def test_a_passing_or_ungraded_submission_has_nothing_to_review():
    passed = ExerciseResult("svm_vectorized", "", 4, 4, "passed")
    assert "What to review" not in feedback_markdown("s", SubmissionResult(NB03, "ok", "", [passed], 4))
    assert "What to review" not in feedback_markdown("s", SubmissionResult("", "empty", "the file is empty"))
