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


def test_radio_and_checkbox_lists_render_one_labelled_bootstrap_check_per_option():
    import re

    from django import forms
    from django.template.loader import render_to_string

    class Choices(forms.Form):
        mode = forms.ChoiceField(label="検索の方法", choices=[("a", "番号"), ("b", "フリガナ")],
                                 widget=forms.RadioSelect, initial="b")  # fmt: skip
        items = forms.MultipleChoiceField(label="項目", choices=[(str(i), f"項目{i}") for i in range(9)],
                                          widget=forms.CheckboxSelectMultiple, required=False)  # fmt: skip

    form = Choices(data={"mode": "x"})
    form.is_valid()
    radios = render_to_string("partials/field.html", {"field": form["mode"]})
    checks = render_to_string("partials/field.html", {"field": form["items"]})

    assert "<legend" in radios and "検索の方法" in radios and "必須" in radios
    for n, label in enumerate(["番号", "フリガナ"]):
        tag = re.search(rf'<input[^>]*id="id_mode_{n}"[^>]*>', radios).group(0)
        assert 'type="radio"' in tag and "form-check-input" in tag and "is-invalid" in tag
        assert f'<label class="form-check-label" for="id_mode_{n}">{label}</label>' in radios
    assert radios.count('<div class="form-check">') == 2 and 'id="id_mode_error"' in radios
    assert "choice-columns" not in radios
    assert checks.count('type="checkbox"') == 9 and 'class="choice-columns"' in checks
