"""``sonae duties assess FILE|-``: JSON on stdout, exit 2 with the error envelope on bad input, no database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from sonae.duties.management.commands.duties import Command

from .cases import facts
from .test_examples import EXAMPLE_1_OUTPUT

EXAMPLE_1 = facts(data_items=["name", "test_results"], persons=2)


def run_command(*args, stdin=None) -> tuple[object, int, str]:
    """Run the command in-process; returns (parsed stdout, exit status, raw stdout)."""
    out = io.StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = stdin
    try:
        call_command(Command(), *args, **options)
        status = 0
    except SystemExit as exc:
        status = exc.code
    raw = out.getvalue()
    return json.loads(raw), status, raw


def test_assess_file_prints_the_contract_output(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(EXAMPLE_1), encoding="utf-8")
    output, status, _ = run_command("assess", str(path))
    assert status == 0
    assert output == EXAMPLE_1_OUTPUT


@pytest.mark.parametrize("stream", [io.StringIO, lambda text: io.BytesIO(text.encode())])
def test_assess_reads_stdin_for_dash(stream):
    output, status, _ = run_command("assess", "-", stdin=stream(json.dumps(EXAMPLE_1)))
    assert status == 0
    assert output == EXAMPLE_1_OUTPUT


def test_array_answers_every_element_and_exits_2_when_one_is_invalid():
    payload = json.dumps([EXAMPLE_1, facts(data_items=["nope"]), EXAMPLE_1])
    output, status, _ = run_command("assess", "-", stdin=io.StringIO(payload))
    assert status == 2
    assert output[0] == EXAMPLE_1_OUTPUT
    assert output[1]["error"]["field"] == "data_items"
    assert output[2] == EXAMPLE_1_OUTPUT


def test_array_of_valid_inputs_exits_0():
    output, status, _ = run_command("assess", "-", stdin=io.StringIO(json.dumps([EXAMPLE_1, EXAMPLE_1])))
    assert status == 0
    assert len(output) == 2


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        (facts(discovered_at=...), "discovered_at"),
        (facts(persons=-3), "persons"),
        (facts(discovered_at="2025-10-06T10:00"), "discovered_at"),
        (facts(data_items=["x"]), "data_items"),
    ],
)
def test_bad_input_exits_2_with_the_envelope(obj, field):
    output, status, raw = run_command("assess", "-", stdin=io.StringIO(json.dumps(obj)))
    assert status == 2
    assert output == {
        "error": {"code": "invalid_input", "field": field, "message": output["error"]["message"]}
    }
    assert "\\u" not in raw  # Japanese printed as is


def test_invalid_json_exits_2_with_the_envelope():
    output, status, _ = run_command("assess", "-", stdin=io.StringIO("{not json"))
    assert status == 2
    assert output["error"]["code"] == "invalid_input"
    assert output["error"]["field"] == "input"


def test_unreadable_file_exits_2_with_the_envelope(tmp_path):
    output, status, _ = run_command("assess", str(tmp_path / "missing.json"))
    assert status == 2
    assert output["error"]["field"] == "file"


def _console_script() -> Path:
    return Path(sys.executable).with_name("sonae")


def test_console_script_works_without_a_migrated_database(tmp_path):
    # Development settings with an empty var/ directory: no database file exists, and none may be created.
    env = {**os.environ, "SONAE_VAR_DIR": str(tmp_path / "var"), "LC_ALL": "C"}
    for name in ("DATABASE_URL", "SONAE_TESTING", "SONAE_ENV", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    result = subprocess.run(
        [str(_console_script()), "duties", "assess", "-"],
        input=json.dumps([EXAMPLE_1, facts(persons="many")]).encode(),
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr.decode()
    output = json.loads(result.stdout.decode("utf-8"))
    assert output[0] == EXAMPLE_1_OUTPUT
    assert output[1]["error"]["field"] == "persons"
    assert not [path for path in tmp_path.rglob("*") if path.suffix in {".sqlite3", ".db"}]
