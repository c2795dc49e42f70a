"""tests/conftest.py: a missing LibreOffice skips its tests, or fails them where it is required.

Each case runs a small inner pytest session with the real tests/conftest.py on a
machine made to look as if LibreOffice were not installed (find_soffice patched to
None by a plugin loaded before the conftest).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

# inner pytest sessions: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

CONFTEST = Path(__file__).with_name("conftest.py")

NO_SOFFICE = """
import mlworth_xl.workbook.libreoffice as lo
lo.find_soffice = lambda: None
"""

INNER_TESTS = """
import pytest

@pytest.mark.libreoffice
def test_marked():
    pass

@pytest.mark.libreoffice
@pytest.mark.skipif(True, reason="its own skip condition")
def test_marked_with_its_own_skipif():
    pass

def test_uses_the_fixture(soffice):
    pass

def test_plain():
    pass
"""


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1]))  # this mlworth_xl
    monkeypatch.delenv("MLWORTH_SOFFICE", raising=False)
    # The inner session runs in a subprocess (its report parses the same under the two workers
    # of the outer run); should it run in this one, monkeypatch puts the real find_soffice back.
    import mlworth_xl.workbook.libreoffice as lo

    monkeypatch.setattr(lo, "find_soffice", lo.find_soffice)
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(no_soffice=NO_SOFFICE, test_inner=INNER_TESTS)
    pytester.syspathinsert()  # for -p no_soffice
    pytester.makeini("[pytest]\nmarkers =\n    libreoffice: needs LibreOffice\n")
    return pytester


def test_without_the_variable_libreoffice_tests_skip(inner, monkeypatch):
    monkeypatch.delenv("MLWORTH_REQUIRE_LIBREOFFICE", raising=False)
    result = inner.runpytest_subprocess("-p", "no_soffice", "-rs")
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(
        ["*LibreOffice (soffice) not found: install libreoffice-calc-nogui*"]
    )
    assert result.ret == pytest.ExitCode.OK


def test_required_libreoffice_fails_every_libreoffice_test(inner, monkeypatch):
    monkeypatch.setenv("MLWORTH_REQUIRE_LIBREOFFICE", "1")
    result = inner.runpytest_subprocess("-p", "no_soffice", "-rE")
    # all three fail in setup (reported as errors), even the one with its own skipif
    result.assert_outcomes(passed=1, errors=3)
    result.stdout.fnmatch_lines(
        ["*LibreOffice is required (MLWORTH_REQUIRE_LIBREOFFICE=1) but soffice is not on PATH*"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
