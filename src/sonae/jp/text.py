"""Japanese text normalisation: what two spellings of the same name or number have in common.

Pure module (no Django). Real-world Japanese input mixes full- and half-width characters (ＡＢＣ, ｶﾀｶﾅ, ０３),
ideographic spaces (U+3000) and hiragana/katakana for the same reading. These helpers give one canonical form.

``kana_key`` feeds look-ups and blind indexes (HMAC of the normalised value): changing what it does changes every
stored index, so treat its output as a stored format — change it only together with a re-indexing migration.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

_WHITESPACE = re.compile(r"\s+")  # \s covers U+3000 (ideographic space) and NBSP in str patterns
# Middle dots that separate words in katakana names: ・ (U+30FB), · (U+00B7), ‧ (U+2027), ⋅ (U+22C5), • (U+2022).
# NFKC already maps the half-width ･ (U+FF65) to ・.
_KEY_DROP = re.compile(r"[\s\u30fb\u00b7\u2027\u22c5\u2022]+")

# Hiragana (incl. small kana, ゔ, ゝゞゟ, voicing marks), katakana (incl. ー, ・, ヽヾヿ, small ㇰ-ㇿ).
_KANA_CHARS = re.compile(r"[\u3041-\u3096\u3099-\u309f\u30a0-\u30ff\u31f0-\u31ff\s]+")
_NOT_DIGIT = re.compile(r"[^0-9]")


def normalize(text: str) -> str:
    """NFKC, then whitespace runs (incl. 全角スペース) collapsed to one ASCII space, then stripped.

    NFKC turns full-width ASCII into ASCII (ＡＢＣ１２３ → ABC123), half-width katakana into full-width
    (ｶﾞｯｺｳ → ガッコウ) and compatibility characters into their plain form (㈱ → (株), ㍻ → 平成).
    """
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def to_katakana(text: str) -> str:
    """Hiragana → full-width katakana and half-width katakana → full-width; everything else unchanged.

    ｶﾞ (half-width ka + voicing mark) becomes one character ガ. Half-width ASCII and digits stay as they are.
    """
    widened = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    return jaconv.hira2kata(widened)


def kana_key(text: str) -> str:
    """A key under which spellings of the same reading meet, for look-ups by kana (フリガナ) or name.

    Steps: ``normalize`` (NFKC, width), hiragana → katakana, Latin letters upper-cased, then every space and
    middle dot (・ and look-alikes) removed. Kept as written, because they change the reading: small kana
    (ッ ャ ュ ョ ァ …: キヨウ is not キョウ), the long vowel mark ー, voiced/semi-voiced marks (バ is not ハ).
    Examples: "やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ" and "ヤマダ・タロウ" all give "ヤマダタロウ".
    """
    katakana = to_katakana(normalize(text)).upper()
    # NFKC once more, last: removing a space can join a letter to a combining mark (A + " ́" from NFKC of ´), and
    # upper() leaves a few Greek capitals decomposed; a key must not change when it is keyed again.
    return unicodedata.normalize("NFKC", _KEY_DROP.sub("", katakana))


def is_kana(text: str) -> bool:
    """True when ``text`` (after ``normalize``) is non-empty and only kana: hiragana, katakana (either width),
    the long vowel mark ー, middle dot ・ and spaces. Use it to validate フリガナ fields."""
    normalized = normalize(text)
    return bool(normalized) and _KANA_CHARS.fullmatch(normalized) is not None


def digits_only(text: str) -> str:
    """The ASCII digits of ``text`` after NFKC (full-width ０３ counts): "03-1234-5678" → "0312345678"."""
    return _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", text))
