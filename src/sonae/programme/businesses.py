"""The 11 certified 業務 of the 医療関連サービスマーク, as stable codes with Japanese labels.

Pure module. Source: insurance-and-sector.md §1.2 (https://ikss.net/acquire/business) — 8 statutory areas of the
Medical Care Act art. 15-3 split into 11 certified services. ``number`` is the Foundation's own numbering (1–11),
which roster files may use instead of the code or the label. The certification unit and validity years are the
usual ones (§1.3, partly [inference]); each roster row states its own unit and dates, these are only defaults.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Business:
    code: str
    number: int
    label: str
    area: str  # 政令の8業務
    usual_unit: str  # "facility" (施設認定) or "business" (事業者認定)
    validity_years: int


BUSINESSES: tuple[Business, ...] = (
    Business("clinical_lab", 1, "衛生検査所業務", "検体検査", "facility", 2),
    Business("sterilization_offsite", 2, "院外滅菌消毒業務", "滅菌消毒", "facility", 3),
    Business("sterilization_onsite", 3, "院内滅菌消毒業務", "滅菌消毒", "business", 3),
    Business("meals_onsite", 4, "院内調理患者等給食業務", "患者等給食", "business", 3),
    Business("meals_offsite", 5, "院外調理患者等給食業務", "患者等給食", "facility", 3),
    Business("patient_transport", 6, "患者搬送業務", "搬送", "business", 3),
    Business(
        "home_oxygen_maintenance",
        7,
        "在宅酸素療法における酸素供給装置の保守点検業務",
        "医療機器の保守点検",
        "business",
        2,
    ),
    Business("medical_device_maintenance", 8, "医療機器の保守点検業務", "医療機器の保守点検", "business", 2),
    Business(
        "medical_gas_maintenance",
        9,
        "医療用ガス供給設備の保守点検業務",
        "医療用ガス供給設備の保守点検",
        "business",
        2,
    ),
    Business("linen_laundry", 10, "寝具類洗濯業務", "寝具類洗濯", "facility", 3),
    Business("cleaning", 11, "院内清掃業務", "清掃", "business", 3),
)

BY_CODE: dict[str, Business] = {b.code: b for b in BUSINESSES}
CHOICES: list[tuple[str, str]] = [(b.code, b.label) for b in BUSINESSES]

UNITS: dict[str, str] = {"facility": "施設認定", "business": "事業者認定"}


def business_label(code: str) -> str:
    """The Japanese label of a 業務 code (the code itself when unknown)."""
    return BY_CODE[code].label if code in BY_CODE else code


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


_LOOKUP: dict[str, str] = {}
for _b in BUSINESSES:
    for _key in (_b.code, str(_b.number), f"{_b.number:02d}", _b.label, _b.label.removesuffix("業務")):
        _LOOKUP[_squash(_key).lower()] = _b.code


def parse_business(text: str) -> str | None:
    """The code for a 業務 written as its code, its number (1 or 01) or its Japanese label; None when unknown."""
    return _LOOKUP.get(_squash(str(text)).lower())


def parse_unit(text: str) -> str | None:
    """'facility' / 'business' from 施設 / 施設認定 / 事業者 / 事業者認定 / the code; None when unknown."""
    key = _squash(str(text)).lower()
    if key in {"facility", "施設", "施設認定", "施設単位"}:
        return "facility"
    if key in {"business", "事業者", "事業者認定", "事業者単位", "事業所"}:
        return "business"
    return None
