"""Benchmark (b): a letter run of 10,000 letters vs bare Typst compiling the same letters in one document.

    .venv/bin/python bench/victims_letters.py [--letters 10000] [--batch 1000]

Set-up (not timed): a new case with a generated list imported. Timed, in this one process (one worker): the
letter run as the task runs it (``letter_run_execute``: batches assigned in transactions, records decrypted,
inquiry codes, one Typst PDF and one mailing list per batch, both sealed into storage, statuses written). The
baseline, in the same run: ``typst`` compiling the same template with the same letters (same text, same codes) as
one document. Fonts are loaded once before either is timed. Targets (issue 6): ≥ 250 letters/s per worker
process and ≤ 1.3 × bare Typst. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date

from victims.common import list_file, new_case, prepare_database, setup_django

TARGET_RATE = 250
TARGET_RATIO = 1.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()

    prepare_database()
    setup_django()
    from sonae.core.keyring import get_keyring
    from sonae.jp.wareki import format_date_ja
    from sonae.victims import codes
    from sonae.victims.items import labels_of
    from sonae.victims.letters import render
    from sonae.victims.models import Victim
    from sonae.victims.services import imports, letters
    from sonae.victims.services.letters import _common_values

    actor, incident = new_case(f"ベンチマークお詫び状 {time.strftime('%H:%M:%S')}")
    path = str(list_file(args.letters, seed=11))
    job = imports.import_job_create(actor=actor, incident=incident, name="bench.csv", path=path)
    job = imports.import_validate(job=job, source=imports.job_source(job, path))
    job = imports.import_commit(actor=actor, job=job, source=imports.job_source(job, path))
    case = letters.letter_settings_update(
        actor=actor,
        incident=incident,
        template=incident.victim_case.letter_template,
        sender=f"{incident.provider.name}\n代表取締役 見本 一郎",
        call_centre_phone="0120-123-456",
        call_centre_hours="平日 9:00〜18:00",
    )
    render.compile_pdf(render.document_json([], sender="", date_text=""))  # fonts and template, for both

    run = letters.letter_run_start(
        actor=actor, incident=incident, letter_date=date(2025, 10, 1), batch_size=args.batch
    )
    started = time.perf_counter()
    run = letters.letter_run_execute(run.pk)
    run_seconds = time.perf_counter() - started

    keyring = get_keyring()
    common = _common_values(case, incident)
    people = list(Victim.objects.filter(letter_batch__run=run).order_by("letter_batch__number", "id"))
    same_letters = [
        render.build_letter(
            run.template,
            person=victim.record,
            items=labels_of(victim.items),
            code=codes.inquiry_code(keyring, incident.pk, victim.letter_sequence),
            common=common,
        )
        for victim in people
    ]
    document = render.document_json(
        same_letters, sender=run.sender, date_text=format_date_ja(run.letter_date)
    )
    started = time.perf_counter()
    pdf = render.compile_pdf(document)
    bare_seconds = time.perf_counter() - started

    rate = run.done / run_seconds
    ratio = run_seconds / bare_seconds
    print(
        json.dumps(
            {
                "benchmark": "letter run (Typst) vs bare Typst",
                "letters": run.done,
                "batches": run.batches.count(),
                "run_seconds": round(run_seconds, 2),
                "letters_per_second": round(rate, 1),
                "baseline_bare_typst_seconds": round(bare_seconds, 2),
                "baseline_letters_per_second": round(len(same_letters) / bare_seconds, 1),
                "baseline_pdf_mib": round(len(pdf) / 2**20, 1),
                "ratio": round(ratio, 3),
                "target_letters_per_second": TARGET_RATE,
                "target_ratio": TARGET_RATIO,
                "meets_targets": rate >= TARGET_RATE and ratio <= TARGET_RATIO,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
