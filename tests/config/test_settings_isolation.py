"""Settings in the test suite never come from the developer's shell or .env file (tests/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from config import Settings


def test_no_qifa_variable_from_the_shell_reaches_the_tests() -> None:
    leaked = [n for n in os.environ if n.startswith("QIFA_") and n != "QIFA_TEST_POSTGRES_URL"]
    assert leaked == []


def test_a_dotenv_file_in_the_working_directory_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("QIFA_DATABASE_URL=postgresql+psycopg://dev@prod-db/qifa\nQIFA_PORT=9999\n")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.database_url is None and settings.port == 8000
    assert settings.sqlalchemy_url.startswith("sqlite:///")


def test_a_variable_a_test_sets_itself_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QIFA_PORT", "8123")
    assert Settings().port == 8123
