"""Test modules import helpers with ``from conftest import …``: with pytest's default import mode that name is
whichever conftest.py was imported last, so a second conftest.py in a subfolder breaks the collection of the whole
suite (it did once: 35 modules failed to import). Shared fixtures go in tests/conftest.py, helpers in a
``*_support.py`` module."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_the_suite_has_one_conftest() -> None:
    assert sorted(p.relative_to(TESTS).as_posix() for p in TESTS.rglob("conftest.py")) == ["conftest.py"]
