from datetime import date

from sonae.selfcheck.rules.trend import trend_chart


def test_oldest_check_is_left_and_higher_scores_are_higher_up():
    chart = trend_chart([(date(2026, 8, 1), 80), (date(2025, 8, 1), 40)])
    first, last = chart.points
    assert first.label == "2025/8/1" and first.x == chart.left
    assert last.x == chart.right
    assert last.y < first.y


def test_full_marks_sit_on_the_top_guide_and_zero_on_the_bottom():
    chart = trend_chart([(date(2025, 1, 1), 100), (date(2025, 2, 1), 0)])
    assert chart.points[0].y == chart.top
    assert chart.points[1].y == chart.bottom
    assert [g.value for g in chart.guides] == [100, 70, 50, 0]


def test_negative_scores_extend_the_axis_to_minus_25():
    chart = trend_chart([(date(2025, 1, 1), -3)])
    assert chart.guides[-1].value == -25
    assert chart.points[0].y < chart.bottom


def test_a_single_check_is_centred_and_described_for_screen_readers():
    chart = trend_chart([(date(2025, 1, 1), 72)])
    assert chart.points[0].x == (chart.left + chart.right) / 2
    assert "72点" in chart.description


def test_no_checks_give_an_empty_chart():
    chart = trend_chart([])
    assert chart.points == () and chart.polyline == ""
