"""Made-up victim lists for the demo, the tests and the benchmarks. Pure module (no Django).

Every person is fictitious: names are drawn from common family and given names, addresses from a few sample
towns, numbers at random. The rows look like what hospitals and legacy systems export: kana sometimes
half-width, birth dates in 西暦 and 和暦 styles, postal codes with and without the hyphen.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import date, timedelta

FAMILY = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"),
    ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"),
    ("石川", "イシカワ"), ("山下", "ヤマシタ"), ("中島", "ナカジマ"), ("石井", "イシイ"), ("小川", "オガワ"),
    ("前田", "マエダ"), ("岡田", "オカダ"), ("長谷川", "ハセガワ"), ("藤田", "フジタ"), ("後藤", "ゴトウ"),
    ("近藤", "コンドウ"), ("村上", "ムラカミ"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("坂本", "サカモト"),
]  # fmt: skip
GIVEN = [
    ("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("洋子", "ヨウコ"), ("健一", "ケンイチ"),
    ("恵子", "ケイコ"), ("誠", "マコト"), ("京子", "キョウコ"), ("大輔", "ダイスケ"), ("由美", "ユミ"),
    ("翔太", "ショウタ"), ("美咲", "ミサキ"), ("浩", "ヒロシ"), ("陽子", "ヨウコ"), ("拓也", "タクヤ"),
    ("直美", "ナオミ"), ("修", "オサム"), ("真由美", "マユミ"), ("隆", "タカシ"), ("幸子", "サチコ"),
    ("健太", "ケンタ"), ("愛", "アイ"), ("博", "ヒロシ"), ("明美", "アケミ"), ("勇気", "ユウキ"),
    ("千尋", "チヒロ"), ("亮", "リョウ"), ("優子", "ユウコ"), ("悠斗", "ユウト"), ("結衣", "ユイ"),
    ("和夫", "カズオ"), ("節子", "セツコ"), ("茂", "シゲル"), ("和子", "カズコ"), ("蓮", "レン"),
    ("陽菜", "ヒナ"), ("大翔", "ヒロト"), ("葵", "アオイ"), ("湊", "ミナト"), ("凛", "リン"),
]  # fmt: skip
TOWNS = [
    ("100", "東京都千代田区千代田"), ("160", "東京都新宿区西新宿"), ("220", "神奈川県横浜市西区みなとみらい"),
    ("330", "埼玉県さいたま市大宮区桜木町"), ("260", "千葉県千葉市中央区富士見"), ("460", "愛知県名古屋市中区栄"),
    ("530", "大阪府大阪市北区梅田"), ("650", "兵庫県神戸市中央区三宮町"), ("810", "福岡県福岡市中央区天神"),
    ("060", "北海道札幌市中央区北一条西"), ("980", "宮城県仙台市青葉区一番町"), ("730", "広島県広島市中区紙屋町"),
]  # fmt: skip
BUILDINGS = ["", "", "", "サンプルハイツ", "コーポみなと", "グリーンマンション", "メゾン桜"]
ITEM_SETS = [
    "氏名;生年月日;住所",
    "氏名;生年月日;検査結果",
    "氏名;住所;電話番号;病歴・既往症",
    "氏名;患者ID・診察券番号;検査結果",
    "氏名;被保険者証等の記号・番号・保険者番号;生年月日",
    "氏名;生年月日;住所;電話番号;検査結果",
]

HEADER = [
    "氏名",
    "フリガナ",
    "生年月日",
    "郵便番号",
    "住所",
    "電話番号",
    "患者ID",
    "被保険者証記号番号",
    "漏えい項目",
]

_HALF_WIDTH_KANA = str.maketrans(
    dict(
        zip(
            "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンー",
            "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｰ",
            strict=True,
        )
    )
    | {"ガ": "ｶﾞ", "ギ": "ｷﾞ", "グ": "ｸﾞ", "ゲ": "ｹﾞ", "ゴ": "ｺﾞ", "ザ": "ｻﾞ", "ジ": "ｼﾞ", "ズ": "ｽﾞ"}
    | {"ゼ": "ｾﾞ", "ゾ": "ｿﾞ", "ダ": "ﾀﾞ", "ヂ": "ﾁﾞ", "ヅ": "ﾂﾞ", "デ": "ﾃﾞ", "ド": "ﾄﾞ", "バ": "ﾊﾞ"}
    | {"ビ": "ﾋﾞ", "ブ": "ﾌﾞ", "ベ": "ﾍﾞ", "ボ": "ﾎﾞ", "パ": "ﾊﾟ", "ピ": "ﾋﾟ", "プ": "ﾌﾟ", "ペ": "ﾍﾟ"}
    | {"ポ": "ﾎﾟ", "ャ": "ｬ", "ュ": "ｭ", "ョ": "ｮ", "ッ": "ｯ", "ァ": "ｧ", "ィ": "ｨ", "ゥ": "ｩ", "ェ": "ｪ"}
    | {"ォ": "ｫ", "・": "･"}
)

_ERAS = (("令和", "R", date(2019, 5, 1)), ("平成", "H", date(1989, 1, 8)), ("昭和", "S", date(1926, 12, 25)))


def half_width_kana(text: str) -> str:
    """Full-width katakana → half-width (ﾔﾏﾀﾞ ﾀﾛｳ), as old systems export it."""
    return text.translate(_HALF_WIDTH_KANA)


def _wareki(day: date, abbreviated: bool) -> str:
    for name, letter, start in _ERAS:
        if day >= start:
            year = day.year - start.year + 1
            if abbreviated:
                return f"{letter}{year}.{day.month}.{day.day}"
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return day.isoformat()


def birth_text(day: date, style: int) -> str:
    """A birth date in one of the styles lists use: 1970-03-02, 1970/3/2, 昭和45年3月2日, S45.3.2, 19700302."""
    if style == 0:
        return day.isoformat()
    if style == 1:
        return f"{day.year}/{day.month}/{day.day}"
    if style == 2:
        return _wareki(day, abbreviated=False)
    if style == 3:
        return _wareki(day, abbreviated=True)
    return day.strftime("%Y%m%d")


class PersonMaker:
    """Deterministic made-up persons (same seed, same people)."""

    def __init__(self, seed: int = 1):
        self.random = random.Random(seed)
        self.epoch = date(1930, 1, 1)

    def row(self, n: int) -> list[str]:
        """One list row (strings, in ``HEADER`` order) for the ``n``-th person."""
        r = self.random
        family, family_kana = r.choice(FAMILY)
        given, given_kana = r.choice(GIVEN)
        kana = f"{family_kana} {given_kana}"
        style = r.random()
        if style < 0.2:
            kana = half_width_kana(kana)
        elif style < 0.25:
            kana = f"{family_kana}　{given_kana}"  # ideographic space
        birth = self.epoch + timedelta(days=r.randrange(0, 33000))
        prefix, town = r.choice(TOWNS)
        postal = f"{prefix}-{r.randrange(0, 10000):04d}"
        if r.random() < 0.3:
            postal = postal.replace("-", "")
        building = r.choice(BUILDINGS)
        address = f"{town}{r.randrange(1, 10)}丁目{r.randrange(1, 30)}番{r.randrange(1, 20)}号"
        if building:
            address += f" {building}{r.randrange(1, 10)}0{r.randrange(1, 10)}号室"
        if r.random() < 0.5:
            phone = f"0{r.randrange(3, 10)}-{r.randrange(1000, 10000)}-{r.randrange(0, 10000):04d}"
        else:
            phone = f"090-{r.randrange(1000, 10000)}-{r.randrange(0, 10000):04d}"
        return [
            f"{family}　{given}" if r.random() < 0.5 else f"{family} {given}",
            kana,
            birth_text(birth, r.randrange(5)),
            postal,
            address,
            phone,
            f"P{n:08d}",
            f"記号{r.randrange(1, 100)} 番号{r.randrange(1, 100000)}",
            r.choice(ITEM_SETS),
        ]

    def rows(self, count: int, start: int = 1) -> Iterator[list[str]]:
        for n in range(start, start + count):
            yield self.row(n)


def csv_bytes(rows, *, encoding: str = "cp932", header: list[str] | None = None) -> bytes:
    """A CSV file of ``rows`` (CRLF line ends, as Excel writes them) in ``encoding``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(path, count: int, *, seed: int = 1, encoding: str = "cp932", chunk: int = 50_000) -> None:
    """Write a CSV of ``count`` made-up persons to ``path`` without holding it all in memory."""
    maker = PersonMaker(seed)
    with open(path, "wb") as out:
        out.write(csv_bytes([], encoding=encoding))
        done = 0
        while done < count:
            size = min(chunk, count - done)
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n").writerows(maker.rows(size, start=done + 1))
            out.write(buffer.getvalue().encode(encoding))
            done += size
