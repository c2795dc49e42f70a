"""Shared test configuration.

Tests marked ``libreoffice`` need LibreOffice to recalculate workbooks.  They
skip with a reason where it is not installed, except where
``MLWORTH_REQUIRE_LIBREOFFICE=1`` (set by CI's ``.ci/run``): there a missing
LibreOffice fails them, before any fixture or skip condition of theirs runs, so
CI can never pass by skipping the spreadsheet proof.

Hypothesis runs without its per-example deadline (see the profile below).
"""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import settings

# Speed is measured by the benchmarks, not asserted in tests: no per-example deadline, which a
# busy machine would trip at random.
settings.register_profile("mlworth", deadline=None)
settings.load_profile("mlworth")

try:
    from mlworth_xl.workbook.libreoffice import find_soffice
except ImportError:  # pragma: no cover - before the engine module exists

    def find_soffice() -> str | None:
        return shutil.which("soffice")


MISSING = "LibreOffice (soffice) not found: install libreoffice-calc-nogui"
REQUIRED = (
    "LibreOffice is required (MLWORTH_REQUIRE_LIBREOFFICE=1) but soffice is not on PATH "
    "nor in a known install location (or set MLWORTH_SOFFICE)"
)


def libreoffice_required() -> bool:
    return os.environ.get("MLWORTH_REQUIRE_LIBREOFFICE") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if libreoffice_required() or find_soffice():
        return  # required: pytest_runtest_setup fails them instead
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a LibreOffice test when LibreOffice is required but absent.

    ``tryfirst`` puts this ahead of the skipping plugin's own setup hook, so a test's
    ``skipif(find_soffice() is None)`` cannot turn the required run into a skip.
    """
    if "libreoffice" in item.keywords and libreoffice_required() and not find_soffice():
        pytest.fail(REQUIRED, pytrace=False)


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path to soffice; fails (never skips) when LibreOffice is required but absent."""
    path = find_soffice()
    if path is None:
        if libreoffice_required():
            pytest.fail(REQUIRED, pytrace=False)
        pytest.skip(MISSING)
    return path
