"""Scoring policies (issue 25): the judge's points under each rule, the rounding rule, the course config."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.grading.exercises import course_config
from course_lib.grading.exercises.model import Case, Exercise, Scoring, ScoringRule
from course_lib.grading.judging import judge, scoring
from course_lib.grading.judging.results import CaseResult
from course_lib.grading.judging.running import CaseReply
from course_lib.grading.statuses import Status


def _exercise(**kwargs) -> Exercise:
    return Exercise(id="triple", notebook="zz_scoring", answer="triple", points=3, title="Triple",
                    reference=lambda x: 3.0 * np.asarray(x, dtype=float),
                    public=(Case((np.array([1.0]),), "one"), Case((np.array([2.0]),), "two")),
                    hidden=(Case((np.array([5.0, 6.0]),),), Case((np.array([[7.0]]),),)), **kwargs)


def _replies(exercise: Exercise, answer) -> list:
    return [CaseReply.returned(np.asarray(answer(*case.args)).tolist()) for case, _ in exercise.cases(True)]


def wrong_on_matrices(x):
    return 3.0 * x if x.ndim == 1 else x


@pytest.mark.parametrize("rule, expected", [
    (ScoringRule(), 0.0),
    (ScoringRule(Scoring.PER_CASE), 2.25),                  # 3 of 4 cases: 3 * 3/4
    (ScoringRule(Scoring.PER_CASE, 1, 2), 2.0),             # 3 * (1 + 1 + 2) / (1 + 1 + 2 + 2)
    (ScoringRule(Scoring.PER_CASE, 2, 1), 2.5),             # 3 * (2 + 2 + 1) / (2 + 2 + 1 + 1)
    (ScoringRule(Scoring.PER_CASE, 2, 1.5), 2.35),          # 3 * 5.5 / 7 = 2.357...: rounded down
    (ScoringRule(Scoring.PER_CASE, 0, 1), 1.5),             # hidden cases only: 1 of 2
])
def test_the_judge_scores_by_the_rule(rule, expected):
    exercise = _exercise()
    result = judge.judge(exercise, exercise.cases(True), _replies(exercise, wrong_on_matrices), rule=rule)
    assert result.status == Status.FAILED
    assert result.score == expected
    assert result.scoring == rule.describe()


def test_the_bank_declares_the_rule_and_a_course_overrides_it():
    exercise = _exercise(scoring="per-case", weights=(1, 3))
    result = judge.judge(exercise, exercise.cases(True), _replies(exercise, wrong_on_matrices))
    assert result.score == scoring.round_points(3 * (1 + 1 + 3) / 8)  # the bank's rule by default
    course = course_config.parse({"scoring": {"exercises": {"triple": {"policy": "all-or-nothing"}}}},
                                 {"triple": exercise}, ["zz_scoring"])
    assert course.rule_for(exercise) == ScoringRule()
    assert course_config.CourseConfig().rule_for(exercise) == exercise.rule
    everyone = course_config.parse({"scoring": {"policy": "per-case", "hidden_weight": 2}}, {"triple": exercise},
                                   ["zz_scoring"])
    assert everyone.rule_for(exercise) == ScoringRule(Scoring.PER_CASE, 1, 2)


def test_a_full_pass_earns_every_point_under_every_rule():
    exercise = _exercise()
    for rule in (ScoringRule(), ScoringRule(Scoring.PER_CASE, 1, 5)):
        result = judge.judge(exercise, exercise.cases(True), _replies(exercise, lambda x: 3.0 * x), rule=rule)
        assert (result.status, result.score) == (Status.PASSED, 3.0)


@pytest.mark.parametrize("status", sorted(scoring.ZEROING))
def test_the_rules_zero_an_exercise_whatever_passed(status):
    cases = [CaseResult("a", False, True), CaseResult("", True, True)]
    assert scoring.exercise_score(3, status, cases, ScoringRule(Scoring.PER_CASE)) == 0.0


def test_rounding_is_down_to_a_hundredth_and_never_reaches_full_marks():
    assert scoring.round_points(2 / 3) == 0.66 and scoring.round_points(0.29) == 0.29
    assert scoring.round_points(1.005) == 1.0 and scoring.round_points(4.0) == 4.0
    cases = [CaseResult("", True, k != 0) for k in range(1000)]  # 999 of 1000 pass
    assert scoring.exercise_score(1, Status.FAILED, cases, ScoringRule(Scoring.PER_CASE)) == 0.99
    assert scoring.total_points([0.1, 0.2, 0.33]) == 0.63


@pytest.mark.parametrize("weights, words", [((1,), "expected two numbers"), ((0, 0), "not both 0"),
                                            ((-1, 1), ">= 0"), ((1, float("inf")), "finite")])
def test_bad_weights_are_refused(weights, words):
    with pytest.raises(ValueError, match=words):
        _exercise(scoring="per-case", weights=weights)


@pytest.mark.parametrize("data, words", [
    ({"scoring": {"policy": "half"}}, "scoring.policy: expected one of all-or-nothing, per-case, got 'half'"),
    ({"scoring": {"exercises": {"nope": {}}}}, "no exercise 'nope'"),
    ({"scoring": {"exercises": {"triple": {"weight": 2}}}}, "scoring.exercises.triple: unknown key(s) weight"),
    ({"scoring": {"hidden_weight": "2"}}, "scoring.hidden_weight: expected a finite number >= 0, got '2'"),
    ({"grading": {}}, "unknown table(s) grading"),
    ({"assignments": {"hw": []}}, "a non-empty list each"),
    ({"assignments": {"hw": ["42"]}}, "'42' names no notebook"),
])
def test_a_wrong_course_config_names_its_key(data, words):
    with pytest.raises(ValueError) as raised:
        course_config.parse(data, {"triple": _exercise()}, ["zz_scoring"], "course.toml")
    assert words in str(raised.value)


def test_the_config_file_toml_and_json(tmp_path):
    from course_lib.grading.exercises.bank import all_exercises

    some = all_exercises()[0]
    toml = tmp_path / "course.toml"
    toml.write_text(f'[scoring.exercises.{some.id}]\npolicy = "per-case"\nhidden_weight = 2\n'
                    f'[assignments]\nhw = ["{some.notebook[:2]}"]\n')
    course = course_config.load(toml)
    assert course.rule_for(some) == ScoringRule(Scoring.PER_CASE, 1, 2)
    assert course.assignments == {"hw": (some.notebook,)}
    as_json = tmp_path / "course.json"
    import json

    as_json.write_text(json.dumps(course.to_json()))
    again = course_config.load(as_json)
    assert (again.exercises, again.assignments, again.default) == (course.exercises, course.assignments, None)
    assert again.fingerprint() == course.fingerprint() != course_config.CourseConfig().fingerprint()
    assert course_config.load(None, tmp_path / "nowhere") == course_config.CourseConfig()
    with pytest.raises(ValueError, match="no such file"):
        course_config.load(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("[scoring\n")
    with pytest.raises(ValueError, match="not valid TOML"):
        course_config.load(tmp_path / "bad.toml")


def test_the_cache_key_covers_the_course_scoring():
    from course_lib.grading.autograde import batch
    from course_lib.grading.autograde.limits import Limits
    from course_lib.grading.exercises.bank import all_exercises

    some = all_exercises()[0]
    course = course_config.CourseConfig(exercises={some.id: ScoringRule(Scoring.PER_CASE)})
    assert batch.grader_version(Limits(), course) != batch.grader_version(Limits())
