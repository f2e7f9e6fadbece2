from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.jp.calendar import TOKYO
from sonae.jp.wareki import (
    ERAS,
    era_of,
    format_date_ja,
    format_datetime_ja,
    format_wareki,
    from_wareki,
    parse_japanese_date,
    to_wareki,
)

# --- formatting -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 10, 1), "令和7年10月1日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 12, 31), "令和元年12月31日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 1, 1), "平成31年1月1日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 12, 31), "平成元年12月31日"),
        (date(1990, 1, 1), "平成2年1月1日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 1), "昭和64年1月1日"),
        (date(1970, 3, 2), "昭和45年3月2日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1873, 1, 1), "明治6年1月1日"),
    ],
)
def test_format_wareki_names_era_and_year_with_gannen(day, expected):
    assert format_wareki(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 10, 1), "R7.10.1"),
        (date(2019, 5, 1), "R1.5.1"),
        (date(2019, 4, 30), "H31.4.30"),
        (date(1989, 1, 8), "H1.1.8"),
        (date(1989, 1, 7), "S64.1.7"),
        (date(1926, 12, 24), "T15.12.24"),
        (date(1912, 7, 29), "M45.7.29"),
    ],
)
def test_format_wareki_abbreviated_uses_era_letter_and_dots(day, expected):
    assert format_wareki(day, abbreviated=True) == expected


def test_format_wareki_with_weekday_appends_full_width_brackets():
    assert format_wareki(date(2025, 10, 10), weekday=True) == "令和7年10月10日（金）"


def test_format_wareki_refuses_dates_before_the_gregorian_calendar():
    with pytest.raises(ValueError, match="旧暦"):
        format_wareki(date(1872, 12, 31))


def test_format_wareki_of_an_aware_datetime_uses_the_tokyo_date():
    # 2019-04-30 15:00 UTC is 2019-05-01 00:00 in Tokyo: the first moment of 令和.
    assert format_wareki(datetime(2019, 4, 30, 15, 0, tzinfo=UTC)) == "令和元年5月1日"


def test_format_wareki_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        format_wareki(datetime(2025, 10, 1, 12, 0))


@pytest.mark.parametrize(
    ("day", "weekday", "expected"),
    [
        (date(2025, 10, 1), False, "2025年10月1日"),
        (date(2025, 10, 10), True, "2025年10月10日（金）"),
        (date(2025, 10, 11), True, "2025年10月11日（土）"),
        (date(2025, 10, 12), True, "2025年10月12日（日）"),
        (date(2025, 10, 13), True, "2025年10月13日（月）"),
        (date(2025, 10, 14), True, "2025年10月14日（火）"),
        (date(2025, 10, 15), True, "2025年10月15日（水）"),
        (date(2025, 10, 16), True, "2025年10月16日（木）"),
    ],
)
def test_format_date_ja(day, weekday, expected):
    assert format_date_ja(day, weekday=weekday) == expected


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2025, 10, 1, 16, 0, tzinfo=TOKYO), "2025年10月1日 16:00"),
        (datetime(2025, 10, 1, 7, 0, tzinfo=UTC), "2025年10月1日 16:00"),
        (datetime(2025, 9, 30, 15, 30, tzinfo=UTC), "2025年10月1日 0:30"),
        (datetime(2025, 10, 1, 9, 5, tzinfo=TOKYO), "2025年10月1日 9:05"),
        (datetime(2025, 10, 1, 2, 0, tzinfo=timezone(timedelta(hours=-5))), "2025年10月1日 16:00"),
    ],
)
def test_format_datetime_ja_shows_tokyo_time(instant, expected):
    assert format_datetime_ja(instant) == expected


def test_format_datetime_ja_with_weekday_and_seconds():
    instant = datetime(2025, 10, 10, 18, 0, 5, tzinfo=TOKYO)
    assert format_datetime_ja(instant, weekday=True, seconds=True) == "2025年10月10日（金） 18:00:05"


def test_format_datetime_ja_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        format_datetime_ja(datetime(2025, 10, 1, 16, 0))


# --- eras -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "era"),
    [
        (date(1989, 1, 7), "昭和"),
        (date(1989, 1, 8), "平成"),
        (date(2019, 4, 30), "平成"),
        (date(2019, 5, 1), "令和"),
        (date(1926, 12, 24), "大正"),
        (date(1926, 12, 25), "昭和"),
        (date(1912, 7, 29), "明治"),
        (date(1912, 7, 30), "大正"),
    ],
)
def test_era_boundaries(day, era):
    assert era_of(day).name == era


def test_eras_are_contiguous():
    for earlier, later in zip(ERAS, ERAS[1:], strict=False):
        assert earlier.end + timedelta(days=1) == later.start


def test_to_wareki_gives_era_year_month_day():
    w = to_wareki(date(1970, 3, 2))
    assert (w.era.name, w.year, w.month, w.day) == ("昭和", 45, 3, 2)
    assert w.year_label == "昭和45年"


@pytest.mark.parametrize("label", ["令和", "令", "R", "r"])
def test_from_wareki_accepts_every_era_label(label):
    assert from_wareki(label, 7, 10, 1) == date(2025, 10, 1)


def test_from_wareki_refuses_an_unknown_era():
    with pytest.raises(ValueError, match="元号"):
        from_wareki("慶応", 3, 1, 1)


# --- parsing ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 西暦
        ("2025-10-01", date(2025, 10, 1)),
        ("2025/10/1", date(2025, 10, 1)),
        ("2025/10/01", date(2025, 10, 1)),
        ("2025.10.1", date(2025, 10, 1)),
        ("20251001", date(2025, 10, 1)),
        ("2025年10月1日", date(2025, 10, 1)),
        ("西暦2025年10月1日", date(2025, 10, 1)),
        ("２０２５年１０月１日", date(2025, 10, 1)),
        ("２０２５／１０／１", date(2025, 10, 1)),
        ("  2025-10-01\n", date(2025, 10, 1)),
        ("2025年 10月 1日", date(2025, 10, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        # 和暦, long
        ("昭和45年3月2日", date(1970, 3, 2)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("平成1年1月8日", date(1989, 1, 8)),
        ("令和7年10月1日", date(2025, 10, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和 7年 10月 1日", date(2025, 10, 1)),
        ("令和　７年１０月１日", date(2025, 10, 1)),
        ("明治6年1月1日", date(1873, 1, 1)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成31年4月30日", date(2019, 4, 30)),
        # 和暦, abbreviated
        ("S45.3.2", date(1970, 3, 2)),
        ("s45.3.2", date(1970, 3, 2)),
        ("S45/3/2", date(1970, 3, 2)),
        ("S45-3-2", date(1970, 3, 2)),
        ("昭45.3.2", date(1970, 3, 2)),
        ("H1.1.8", date(1989, 1, 8)),
        ("H元.1.8", date(1989, 1, 8)),
        ("R7.10.1", date(2025, 10, 1)),
        ("R07.10.01", date(2025, 10, 1)),
        ("Ｒ７．１０．１", date(2025, 10, 1)),
        ("ｓ４５．３．２", date(1970, 3, 2)),
        ("T1.7.30", date(1912, 7, 30)),
        ("M45.7.29", date(1912, 7, 29)),
        ("S45年3月2日", date(1970, 3, 2)),
        # ligatures
        ("㍻元年1月8日", date(1989, 1, 8)),
        ("㍼45年3月2日", date(1970, 3, 2)),
        ("㋿7年10月1日", date(2025, 10, 1)),
        # weekday that matches
        ("2025年10月10日（金）", date(2025, 10, 10)),
        ("2025年10月10日(金曜)", date(2025, 10, 10)),
        ("2025年10月10日（金曜日）", date(2025, 10, 10)),
        ("令和7年10月10日（金）", date(2025, 10, 10)),
    ],
)
def test_parse_japanese_date_accepts(text, expected):
    assert parse_japanese_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("平成31年5月1日", "平成は1989年1月8日から2019年4月30日まで"),
        ("平成32年1月1日", "存在しません"),
        ("H31.5.1", "存在しません"),
        ("昭和64年1月8日", "昭和は1926年12月25日から1989年1月7日まで"),
        ("平成元年1月7日", "存在しません"),
        ("令和元年4月30日", "令和は2019年5月1日から"),
        ("大正15年12月25日", "存在しません"),
        ("昭和元年12月24日", "存在しません"),
        ("明治45年7月30日", "存在しません"),
        ("令和0年5月1日", "元年"),
        ("明治5年12月2日", "旧暦"),
        ("明治元年10月23日", "旧暦"),
        ("1872-12-31", "1873年"),
        ("2025-02-29", "存在しない日付"),
        ("2025年13月1日", "存在しない日付"),
        ("令和7年2月30日", "存在しない日付"),
        ("20251301", "存在しない日付"),
        ("25/10/1", "読み取れません"),
        ("2025-10/01", "読み取れません"),
        ("2025年10月1", "読み取れません"),
        ("X7.10.1", "読み取れません"),
        ("令和七年十月一日", "読み取れません"),
        ("45658", "読み取れません"),
        ("2025-10-01T00:00", "読み取れません"),
        ("", "入力されていません"),
        ("　", "入力されていません"),
        ("2025年10月10日（木）", "金曜日"),
    ],
)
def test_parse_japanese_date_rejects_with_japanese_message(text, message_part):
    with pytest.raises(ValueError, match=message_part):
        parse_japanese_date(text)


def test_parse_japanese_date_refuses_non_strings():
    with pytest.raises(ValueError):
        parse_japanese_date(20251001)


# --- round trips ------------------------------------------------------------------------------------------------

supported_dates = st.dates(min_value=date(1873, 1, 1), max_value=date(2200, 12, 31))


@given(supported_dates)
def test_wareki_round_trip(day):
    assert parse_japanese_date(format_wareki(day)) == day


@given(supported_dates)
def test_abbreviated_wareki_round_trip(day):
    assert parse_japanese_date(format_wareki(day, abbreviated=True)) == day


@given(supported_dates)
def test_wareki_with_weekday_round_trip(day):
    assert parse_japanese_date(format_wareki(day, weekday=True)) == day


@given(supported_dates)
def test_date_ja_round_trip(day):
    assert parse_japanese_date(format_date_ja(day, weekday=True)) == day


@given(supported_dates)
def test_iso_dates_parse(day):
    assert parse_japanese_date(day.isoformat()) == day


@given(supported_dates)
def test_wareki_year_is_within_the_era_span(day):
    w = to_wareki(day)
    assert w.era.contains(day)
    assert from_wareki(w.era, w.year, w.month, w.day) == day
