"""``sonae claims calculate FILE|-``: JSON on stdout, exit 2 with an error object on bad input, no database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from sonae.claims.management.commands.claims import Command

from .inputs import WORKED_EXAMPLE_JSON, WORKED_EXAMPLE_OUTPUT


def run_command(*args, stdin=None) -> tuple[dict, int]:
    """Run the command in-process; returns (parsed stdout, exit status)."""
    out = io.StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = stdin
    try:
        call_command(Command(), *args, **options)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return json.loads(out.getvalue()), status


def test_calculate_file_prints_the_contract_output(tmp_path):
    path = tmp_path / "claim.json"
    path.write_text(WORKED_EXAMPLE_JSON, encoding="utf-8")
    output, status = run_command("calculate", str(path))
    assert status == 0
    assert output == WORKED_EXAMPLE_OUTPUT


def test_calculate_reads_stdin_for_dash():
    output, status = run_command("calculate", "-", stdin=io.StringIO(WORKED_EXAMPLE_JSON))
    assert status == 0
    assert output == WORKED_EXAMPLE_OUTPUT


def test_calculate_keeps_exact_decimals_from_the_file(tmp_path):
    path = tmp_path / "claim.json"
    path.write_text(
        '{"terms": {"costs": {"limit": 1000, "items": {"x": {"pay_ratio": 0.7}}}},'
        ' "expenses": [{"id": "E", "part": "costs", "item": "x", "amount": 90}]}',
        encoding="utf-8",
    )
    output, status = run_command("calculate", str(path))
    assert status == 0
    assert output["items"]["costs"]["x"] == 63


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (
            '{"terms": {}, "expenses": [{"id": "E", "part": "costs", "item": "x", "amount": -1}]}',
            "expenses[0].amount",
        ),
        (
            '{"terms": {}, "expenses": [{"id": "E", "part": "property", "item": "x", "amount": 1}]}',
            "expenses[0].part",
        ),
        (
            '{"terms": {"costs": {"limit": 1, "items": {"x": {"pay_ratio": 1.5}}}}, "expenses": []}',
            "terms.costs.items.x.pay_ratio",
        ),
        ("{broken", "input"),
    ],
    ids=["negative amount", "unknown part", "pay ratio above 1", "invalid json"],
)
def test_bad_input_exits_2_with_a_japanese_error(document, field):
    output, status = run_command("calculate", "-", stdin=io.StringIO(document))
    assert status == 2
    assert output["error"]["code"] == "invalid_input"
    assert output["error"]["field"] == field
    assert output["error"]["message"]


def test_missing_file_exits_2_with_an_error(tmp_path):
    output, status = run_command("calculate", str(tmp_path / "missing.json"))
    assert status == 2
    assert output["error"]["field"] == "file"


def test_japanese_text_is_printed_unescaped():
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(Command(), "calculate", "-", stdin=io.StringIO("[]"), stdout=out)
    assert "\\u" not in out.getvalue()
    assert "指定してください" in out.getvalue()


def test_console_script_runs_without_a_reachable_database():
    # An unreachable PostgreSQL: any query or connection would fail the command.
    env = {**os.environ, "DATABASE_URL": "postgres://nobody:none@127.0.0.1:1/none"}
    completed = subprocess.run(
        [sys.executable, "-m", "sonae.cli", "claims", "calculate", "-"],
        input=WORKED_EXAMPLE_JSON.encode(),
        capture_output=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    assert json.loads(completed.stdout) == WORKED_EXAMPLE_OUTPUT


def test_console_script_exits_2_on_bad_input():
    completed = subprocess.run(
        [sys.executable, "-m", "sonae.cli", "claims", "calculate", "-"],
        input=b'{"terms": {}, "expenses": [{"id": "E", "part": "costs", "item": "x", "amount": -5}]}',
        capture_output=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert json.loads(completed.stdout)["error"]["field"] == "expenses[0].amount"
