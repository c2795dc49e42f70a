"""Shared test configuration.

Tests marked ``libreoffice`` need LibreOffice to recalculate workbooks.  They
skip with a reason where it is not installed, except where
``MLWORTH_REQUIRE_LIBREOFFICE=1`` (set by CI's ``.ci/run``): there a missing
LibreOffice fails them, before any fixture or skip condition of theirs runs, so
CI can never pass by skipping the spreadsheet proof.

Hypothesis runs without its per-example deadline (see the profile below).

Workbooks that tests in several files read are made once per session (:class:`Shared`):
the default comparison as ``mlworth-xl workbook`` writes it, the same file recalculated by
LibreOffice, and the workbooks of the random program sets.  Tests read or copy them and
never change them; a test that did would be caught when the session ends (their bytes are
compared with what was made).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: each worker makes its own shared files
    fcntl = None  # type: ignore[assignment]

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
    for item in items:  # the quick loop (-m "not slow") leaves out every external program too
        if "libreoffice" in item.keywords or "pyodide" in item.keywords:
            item.add_marker(pytest.mark.slow)
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


class Shared:
    """Files made once per test session and shared by its tests, whichever process needs them
    first: under xdist the workers share one folder, the first to need a file makes it while
    the others wait for it (a lock per file), and each reads it then.  Tests read or copy
    them and never change them (:meth:`file` checks so when the session ends)."""

    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(exist_ok=True)
        self._made: dict[str, str] = {}

    def file(self, name: str, make: Callable[[Path], object]) -> Path:
        """``root / name``, made by ``make(path)`` (it writes ``path``) if no process has yet."""
        path = self.root / name
        with open(self.root / f"{name}.lock", "w") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            if not path.exists():
                part = self.root / f"part-{os.getpid()}-{name}"  # the same suffix as ``name``
                make(part)
                part.rename(path)
        self._made.setdefault(name, hashlib.sha256(path.read_bytes()).hexdigest())
        return path

    def check_unchanged(self) -> None:
        changed = [
            name
            for name, digest in self._made.items()
            if hashlib.sha256((self.root / name).read_bytes()).hexdigest() != digest
        ]
        assert changed == [], f"files shared by the session's tests, changed by one: {changed}"


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """The session's :class:`Shared` files (in the session's own temporary folder)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None:
        base = base.parent  # pytest-N/popen-gwK: the session's folder, the workers' parent
    files = Shared(base / "shared")
    yield files
    files.check_unchanged()


@pytest.fixture(scope="session")
def default_workbook(shared: Shared) -> Path:
    """The default comparison as `mlworth-xl workbook` writes it (formulas, no cached values).

    Made once per session and shared: read it or copy it, never change it.
    """
    from mlworth_xl.workbook import write_workbook

    return shared.file("default.xlsx", write_workbook)


@pytest.fixture(scope="session")
def default_recalculated(shared: Shared, default_workbook: Path, soffice: str) -> Path:
    """:func:`default_workbook` opened, recalculated and saved by LibreOffice (cached values),
    by :func:`mlworth_xl.workbook.libreoffice.recalculate`.  Shared as it is."""
    from mlworth_xl.workbook.libreoffice import recalculate

    return shared.file(
        "default-recalculated.xlsx", lambda path: recalculate(default_workbook, path)
    )


@pytest.fixture(scope="session")
def random_workbook(shared: Shared) -> Callable[..., tuple[Path, Any, Any]]:
    """``random_workbook(k, seed=…)``: the workbook of ``random_sets(k + 1, seed)[k]``
    (tests/workbook_support.py) as `mlworth-xl workbook` writes it, with its programs and
    person.  Made once per session and shared, as :func:`default_workbook`."""
    from mlworth_xl.workbook import write_workbook
    from tests.workbook_support import DEFAULT_SEED, random_sets

    def get(k: int, seed: int = DEFAULT_SEED) -> tuple[Path, Any, Any]:
        programs, person = random_sets(k + 1, seed)[k]
        path = shared.file(
            f"random-{seed}-{k}.xlsx", lambda path: write_workbook(path, programs, person)
        )
        return path, programs, person

    return get
