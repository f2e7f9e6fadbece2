"""Template filters for Japanese display (wrapping sonae.jp) and the UI helpers."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template

from sonae.core.templatetags.sonae_jp import date_ja, datetime_ja, duration_ja, postal_code, wareki, yen
from sonae.core.templatetags.sonae_ui import internal_url


@pytest.mark.parametrize(
    ("value", "arg", "expected"),
    [
        (date(2025, 10, 1), False, "2025年10月1日"),
        (date(2025, 10, 10), "weekday", "2025年10月10日（金）"),
        # 15:30 UTC on 30 Sep is 1 Oct in Tokyo.
        (datetime(2025, 9, 30, 15, 30, tzinfo=UTC), False, "2025年10月1日"),
        (None, False, "—"),
        ("", False, "—"),
    ],
)
def test_date_ja(value, arg, expected):
    assert date_ja(value, arg) == expected


def test_datetime_ja_shows_tokyo_time():
    assert datetime_ja(datetime(2025, 10, 1, 7, 0, tzinfo=UTC)) == "2025年10月1日 16:00"


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        (date(2025, 10, 1), "", "令和7年10月1日"),
        (date(2019, 5, 1), "", "令和元年5月1日"),
        (date(2025, 10, 1), "short", "R7.10.1"),
    ],
)
def test_wareki(value, mode, expected):
    assert wareki(value, mode) == expected


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        (1234567, "", "1,234,567円"),
        (1000, "symbol", "¥1,000"),
        (0, "", "0円"),
        (None, "", "—"),
        (1.5, "", 1.5),
    ],
)
def test_yen_formats_int_yen_and_leaves_anything_else_alone(value, mode, expected):
    assert yen(value, mode) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("1234567", "〒123-4567"), ("１２３－４５６７", "〒123-4567"), ("12", "12")]
)
def test_postal_code(value, expected):
    assert postal_code(value) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"), [(30, "30分"), (60, "1時間"), (90, "1時間30分"), (24 * 60, "1日"), (0, "0分")]
)
def test_duration_ja(minutes, expected):
    assert duration_ja(timedelta(minutes=minutes)) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/incidents/1/", "/incidents/1/"),
        ("https://evil.example/", ""),
        ("//evil.example/", ""),
        ("javascript:alert(1)", ""),
        ("", ""),
    ],
)
def test_internal_url_keeps_only_links_inside_the_site(url, expected):
    assert internal_url(url) == expected


def test_filters_are_usable_in_templates():
    html = Template("{% load sonae_jp %}{{ d|date_ja }} {{ n|yen }}").render(
        Context({"d": date(2026, 1, 5), "n": 5000})
    )
    assert html == "2026年1月5日 5,000円"
