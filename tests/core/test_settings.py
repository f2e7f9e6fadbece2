"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys

import pytest

CHECK = "import django; django.setup(); print('started')"


def _run(env_extra, tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SONAE_", "DATABASE_URL", "DJANGO_SETTINGS"))
    }
    env.update(
        {"DJANGO_SETTINGS_MODULE": "sonae.settings", "SONAE_VAR_DIR": str(tmp_path / "var"), **env_extra}
    )
    return subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"SONAE_ENV": "production", "SONAE_DATA_KEYS": "{}"}, "SONAE_SECRET_KEY"),
        ({"SONAE_ENV": "production", "SONAE_SECRET_KEY": "x" * 60}, "SONAE_DATA_KEYS"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(env, missing, tmp_path):
    result = _run(env, tmp_path)
    assert result.returncode != 0
    assert missing in result.stderr


def test_development_generates_keys_once_and_says_so(tmp_path):
    first = _run({}, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "generated" in first.stderr
    assert (tmp_path / "var" / "data-keys.json").exists()
    assert (tmp_path / "var" / "secret-key.txt").exists()
    second = _run({}, tmp_path)
    assert second.returncode == 0
    assert "generated" not in second.stderr


def test_sqlite_under_var_when_database_url_is_unset(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SONAE_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "sonae.settings", "SONAE_VAR_DIR": str(tmp_path / "var")})
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == str(tmp_path / "var" / "sonae.sqlite3")
