"""Secrets stay out of logs, tracebacks and error messages."""
from __future__ import annotations

import logging

from click.testing import CliRunner

from registry.cli import main
from registry.core.config import load_settings

SECRETS = {"MULU_SECRET_KEY": "Session-Signing-Secret-42", "MULU_SMTP_PASSWORD": "Mail-Password-42",
           "MULU_SMTP_USER": "mulu", "MULU_SMTP_HOST": "mail.example.org", "MULU_SMTP_FROM": "a@example.org"}
DB_PASSWORD = "Database-Password-42"


def test_settings_never_show_a_secret(tmp_path):
    settings = load_settings({**SECRETS, "MULU_DATABASE_URL": f"postgresql://mulu:{DB_PASSWORD}@db/mulu"},
                             instance_path=tmp_path)
    shown = repr(settings) + str(settings)
    assert settings.secret_key == SECRETS["MULU_SECRET_KEY"]  # present, only not shown
    for secret in (SECRETS["MULU_SECRET_KEY"], SECRETS["MULU_SMTP_PASSWORD"], DB_PASSWORD):
        assert secret not in shown


def test_an_unreachable_database_is_reported_without_its_password(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("MULU_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("MULU_DATABASE_URL", f"postgresql+psycopg://mulu:{DB_PASSWORD}@127.0.0.1:1/mulu")
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    with caplog.at_level(logging.DEBUG):
        result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 2 and "数据库不可用" in result.output
    logged = result.output + caplog.text
    for secret in (SECRETS["MULU_SECRET_KEY"], SECRETS["MULU_SMTP_PASSWORD"], DB_PASSWORD):
        assert secret not in logged
