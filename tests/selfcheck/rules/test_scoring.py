import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.core.errors import InvalidInput
from sonae.selfcheck.rules.questions import PARTS, QUESTIONS
from sonae.selfcheck.rules.scoring import (
    ANSWER_BY_CODE,
    IMPLEMENTED,
    NOT_IMPLEMENTED,
    PARTIAL,
    UNKNOWN,
    band_for,
    score_answers,
)


def _all(answer: str) -> dict[str, str]:
    return {q.code: answer for q in QUESTIONS}


def test_there_are_25_questions_in_three_parts_numbered_like_the_ipa_edition():
    assert [q.number for q in QUESTIONS] == list(range(1, 26))
    by_part = {p.code: [q.number for q in QUESTIONS if q.part == p.code] for p in PARTS}
    assert by_part == {
        "basic": list(range(1, 6)),
        "staff": list(range(6, 19)),
        "organisation": list(range(19, 26)),
    }


@pytest.mark.parametrize(
    ("answer", "points"), [(IMPLEMENTED, 4), (PARTIAL, 2), (NOT_IMPLEMENTED, 0), (UNKNOWN, -1)]
)
def test_each_answer_scores_the_ipa_points(answer, points):
    assert ANSWER_BY_CODE[answer].points == points
    assert score_answers(_all(answer)).score == 25 * points


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, "achieved"),
        (99, "mostly"),
        (70, "mostly"),
        (69, "gaps"),
        (50, "gaps"),
        (49, "danger"),
        (-25, "danger"),
    ],
)
def test_band_boundaries_follow_the_domain_file(score, band):
    assert band_for(score).code == band


def test_band_outside_the_possible_range_is_refused():
    with pytest.raises(InvalidInput):
        band_for(101)


def test_full_marks_give_the_achieved_band_with_its_message_and_no_advice():
    result = score_answers(_all(IMPLEMENTED))
    assert result.band.code == "achieved"
    assert "すべて実施" in result.band.message
    assert result.advice == ()


def test_part_scores_add_up_to_the_total():
    answers = _all(IMPLEMENTED)
    answers["q03"] = NOT_IMPLEMENTED
    answers["q10"] = PARTIAL
    answers["q24"] = UNKNOWN
    result = score_answers(answers)
    parts = {p.code: (p.score, p.max_score) for p in result.parts}
    assert parts == {"basic": (16, 20), "staff": (50, 52), "organisation": (23, 28)}
    assert result.score == 89 == sum(score for score, _ in parts.values())


def test_every_weak_answer_gets_concrete_advice_basic_measures_first():
    answers = _all(IMPLEMENTED)
    answers.update(
        {"q20": NOT_IMPLEMENTED, "q11": PARTIAL, "q02": UNKNOWN, "q01": PARTIAL, "q05": NOT_IMPLEMENTED}
    )
    advice = score_answers(answers).advice
    # Part 1 first; inside a part: not implemented, unknown, partial.
    assert [a.question for a in advice] == ["q05", "q02", "q01", "q11", "q20"]
    assert advice[1].text.startswith("まず社内の担当者")
    assert "バックアップ" in advice[3].text


def test_a_missing_answer_is_refused_naming_the_question():
    answers = _all(IMPLEMENTED)
    del answers["q07"]
    with pytest.raises(InvalidInput) as exc:
        score_answers(answers)
    assert exc.value.field == "q07"
    assert "設問7" in exc.value.message


def test_an_unknown_answer_code_is_refused_with_the_valid_values():
    answers = _all(IMPLEMENTED)
    answers["q01"] = "yes"
    with pytest.raises(InvalidInput) as exc:
        score_answers(answers)
    assert "一部実施している" in exc.value.message


def test_an_unknown_question_code_is_refused():
    answers = _all(IMPLEMENTED) | {"q26": IMPLEMENTED}
    with pytest.raises(InvalidInput):
        score_answers(answers)


@given(st.lists(st.sampled_from([IMPLEMENTED, PARTIAL, NOT_IMPLEMENTED, UNKNOWN]), min_size=25, max_size=25))
def test_score_band_and_advice_are_consistent_for_any_answers(values):
    answers = {q.code: v for q, v in zip(QUESTIONS, values, strict=True)}
    result = score_answers(answers)
    assert result.score == sum(ANSWER_BY_CODE[v].points for v in values)
    assert -25 <= result.score <= 100
    assert result.band.low <= result.score <= result.band.high
    assert len(result.advice) == sum(v != IMPLEMENTED for v in values)
    assert sum(p.score for p in result.parts) == result.score
