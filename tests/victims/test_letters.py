"""Letters: template placeholders, Typst markup and PDFs in batches, no letter twice, excluded persons skipped."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sonae.core.errors import InvalidInput
from sonae.core.keyring import get_keyring
from sonae.victims import codes
from sonae.victims.letters import render
from sonae.victims.models import LetterBatch, LetterRunStatus, LetterStatus, Victim, VictimKey
from sonae.victims.services import letters
from sonae.victims.services.lookup import victim_lookup
from tests.victims.conftest import GOOD_ROWS, key_entries


def _run(world, incident, batch_size=2, **kwargs):
    run = letters.letter_run_start(
        actor=world.actor("provider"), incident=incident, letter_date=date(2025, 10, 1), batch_size=batch_size
    )
    return letters.letter_run_execute(run.pk, **kwargs)


def test_a_person_letter_fills_the_placeholders_in_japanese(world, incident):
    from sonae.victims.models import VictimCase
    from sonae.victims.services.common import victim_case_for

    victim_case_for(incident)
    case = VictimCase.objects.get(incident=incident)
    letter = render.build_letter(
        case.letter_template,
        person={
            "name": "鈴鹿 未来子",
            "postal": "1000001",
            "address": "東京都千代田区千代田1丁目1番1号 見本ハイツ101",
        },
        items=["氏名", "検査結果"],
        code="SN-1234-5678-9012",
        common={
            "窓口電話番号": "0120-123-456",
            "受付時間": "平日 9:00〜17:00",
            "事業者名": "株式会社さくら臨床検査",
            "見舞品": "",
        },
    )

    text = "\n".join(letter.body)
    assert letter.postal == "100-0001" and letter.address == [
        "東京都千代田区千代田1丁目1番1号",
        "見本ハイツ101",
    ]
    assert "鈴鹿 未来子様には多大なるご迷惑" in text
    assert "・氏名\n・検査結果" in text
    assert "お問い合わせ番号　SN-1234-5678-9012" in text
    assert "専用窓口　0120-123-456（平日 9:00〜17:00）" in text
    assert "{" not in text


def test_the_typst_document_sets_values_as_text(world):
    letter = render.Letter(
        postal="100-0001", address=['#eval("1")'], name="*太郎* #set", code="SN-1", body=["[x] $y$"]
    )
    data = json.loads(
        render.document_json([letter], sender="株式会社さくら臨床検査", date_text="2025年10月1日")
    )

    assert data["title"] == "お詫びとお知らせ"
    assert data["letters"][0]["name"] == "*太郎* #set"
    source = render.TEMPLATE.read_text()
    assert 'json(bytes(sys.inputs.at("data")))' in source and "eval(" not in source
    pdf = render.compile_pdf(render.document_json([letter], sender="差出人", date_text="2025年10月1日"))
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("template", ["{氏名様}へ", "{宛名}"])
def test_unknown_placeholders_are_refused(world, incident, template):
    with pytest.raises(InvalidInput):
        letters.letter_settings_update(
            actor=world.actor("provider"),
            incident=incident,
            template=template,
            sender="",
            call_centre_phone="",
            call_centre_hours="",
        )


def test_a_letter_run_makes_pdfs_in_batches_and_a_mailing_list(world, incident, imported):
    imported()
    run = _run(world, incident, batch_size=2)

    assert run.status == LetterRunStatus.DONE and run.done == 3
    batches = list(LetterBatch.objects.filter(run=run).order_by("number"))
    assert [b.count for b in batches] == [2, 1]
    name, pdf, content_type = letters.letter_batch_file(
        actor=world.actor("provider"), batch=batches[0], kind="pdf", reason="入稿"
    )
    assert pdf.startswith(b"%PDF") and content_type == "application/pdf"
    _name, mailing, _type = letters.letter_batch_file(
        actor=world.actor("provider"), batch=batches[0], kind="csv", reason="入稿"
    )
    text = mailing.decode("utf-8-sig")
    assert text.splitlines()[0] == "バッチ,ページ,お問い合わせ番号,郵便番号,住所,宛名"
    assert "鈴鹿 未来子 様" in text and "100-0001" in text


def test_print_files_are_encrypted_at_rest(world, incident, imported):
    from django.core.files.storage import default_storage

    imported()
    run = _run(world, incident, batch_size=5)
    batch = run.batches.get()
    with default_storage.open(batch.csv_file, "rb") as handle:
        stored = handle.read()
    assert "鈴鹿".encode() not in stored and b"%PDF" not in stored


def test_each_letter_has_a_unique_code_that_finds_its_person(world, incident, imported):
    imported()
    _run(world, incident)
    keyring = get_keyring()
    victims = list(Victim.objects.filter(incident=incident))
    found_codes = {codes.inquiry_code(keyring, incident.pk, v.letter_sequence) for v in victims}

    assert len(found_codes) == 3
    victim = victims[0]
    code = codes.inquiry_code(keyring, incident.pk, victim.letter_sequence)
    from sonae.victims import selectors

    answers = victim_lookup(
        actor=world.actor("provider"),
        incident=incident,
        case=selectors.case_get(world.actor("provider"), incident.reference)[1],
        mode="code",
        code=code,
        reason="電話",
    )
    assert [a.victim_id for a in answers] == [victim.pk]


def test_a_crash_after_assignment_rerenders_without_printing_a_letter_twice(
    world, incident, imported, monkeypatch
):
    imported()
    real_render = letters._render_batch
    calls = {"n": 0}

    def crash_on_second(run, batch, people=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        return real_render(run, batch, people)

    monkeypatch.setattr(letters, "_render_batch", crash_on_second)
    run = letters.letter_run_start(
        actor=world.actor("provider"), incident=incident, letter_date=date(2025, 10, 1), batch_size=2
    )
    with pytest.raises(RuntimeError):
        letters.letter_run_execute(run.pk)
    monkeypatch.setattr(letters, "_render_batch", real_render)
    run = letters.letter_run_execute(run.pk)

    assert run.status == LetterRunStatus.DONE
    counts = [b.count for b in run.batches.order_by("number")]
    assert counts == [2, 1] and sum(counts) == Victim.objects.count()
    assert Victim.objects.filter(letter_status=LetterStatus.PRINTED).count() == 3
    assert VictimKey.objects.count() == 3  # one inquiry code each
    assert len(key_entries()) == 3 * 2  # kana+birth and patient ID, from the import


def test_excluded_persons_get_no_letter(world, incident, imported):
    imported()
    Victim.objects.filter(line=2).update(excluded=True, excluded_reason="suspension")
    run = _run(world, incident, batch_size=10)

    assert run.done == 2
    assert Victim.objects.get(line=2).letter_batch_id is None


def test_persons_without_an_address_are_marked_not_lettered(world, incident, imported):
    rows = [*GOOD_ROWS, "住所 なし,ジュウショ ナシ,1990-01-01,,,,P0009,,氏名"]
    imported(rows)
    run = _run(world, incident, batch_size=10)

    assert run.done == 3
    assert Victim.objects.get(line=5).letter_status == LetterStatus.NO_ADDRESS


def test_a_second_run_writes_only_to_new_persons(world, incident, imported):
    imported()
    _run(world, incident)
    with pytest.raises(InvalidInput):
        letters.letter_run_start(
            actor=world.actor("provider"), incident=incident, letter_date=date(2025, 10, 2)
        )


def test_marking_a_batch_sent_dates_its_letters(world, incident, imported):
    imported()
    run = _run(world, incident, batch_size=10)
    letters.letter_batch_mark_sent(
        actor=world.actor("provider"), batch=run.batches.get(), sent_on=date(2025, 10, 3)
    )

    assert set(Victim.objects.values_list("letter_sent_on", flat=True)) == {date(2025, 10, 3)}


def test_the_preview_uses_a_sample_person(world, incident):
    pdf = letters.letter_preview_pdf(actor=world.actor("provider"), incident=incident)
    assert pdf.startswith(b"%PDF")
