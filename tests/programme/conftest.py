from pathlib import Path

import pytest
import yaml

from sonae.programme.terms import parse_terms

DATA = Path(__file__).resolve().parents[2] / "src" / "sonae" / "programme" / "data"


def year_document(code: str = "2025") -> dict:
    return yaml.safe_load((DATA / f"{code}.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def document_2025() -> dict:
    return year_document("2025")


@pytest.fixture
def terms_2025():
    return parse_terms(year_document("2025"))


@pytest.fixture
def table(terms_2025):
    return terms_2025.rating
