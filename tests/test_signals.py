"""Ctrl+C and SIGTERM at any point of ``mlworth-xl workbook``: one line, a documented exit
code (130 for SIGINT, 143 for SIGTERM: 128 + the signal's number, as shells report it), no
LibreOffice left running, no temporary folder or file left behind, no output half-written.

Each run gets a private temporary folder (``TMPDIR``): whatever is left in it, and any
process whose command line names it (LibreOffice's profile is there), is a leak.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _leftover_processes(marker: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if marker in text:
            found.append(text)
    return found


def _start(tmp: Path, out: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    return subprocess.Popen(
        [sys.executable, "-m", "mlworth_xl", "workbook", "-o", str(out), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(proc: subprocess.Popen[str], ready) -> None:
    """Poll (no time limit asserted) until ``ready()``; the command must still be running."""
    for _ in range(200_000):
        if ready():
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.001)
    raise AssertionError("the stage never came")


STAGES = {
    # the build's temporary folder exists (before LibreOffice starts)
    "temporary folder": lambda tmp: any(tmp.glob("mlworth-wb-*")),
    # LibreOffice recalculating: its profile is in the private temporary folder
    "LibreOffice running": lambda tmp: bool(_leftover_processes(f"{tmp}/mlworth-lo-")),
}


@pytest.mark.libreoffice
@pytest.mark.parametrize("stage", list(STAGES))
@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        (signal.SIGINT, 130, "mlworth-xl: interrupted"),
        (signal.SIGTERM, 143, "mlworth-xl: terminated (SIGTERM)"),
    ],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_signal_while_writing_values_leaves_nothing(tmp_path, soffice, stage, signum, code, line):
    tmp, folder = tmp_path / "tmp", tmp_path / "out"
    tmp.mkdir()
    folder.mkdir()
    proc = _start(tmp, folder / "client.xlsx", "--values", "--pdf")
    _wait_for(proc, lambda: STAGES[stage](tmp))
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert err.splitlines() == [line]
    assert "Traceback" not in err
    assert _leftover_processes(str(tmp)) == []
    assert sorted(p.name for p in tmp.iterdir()) == []
    assert sorted(p.name for p in folder.iterdir()) == []


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_a_signal_while_the_sheets_are_written_leaves_no_temporary_file(tmp_path, signum, code):
    # openpyxl writes each sheet through a temporary file "openpyxl.*" (removed at exit)
    tmp, folder = tmp_path / "tmp", tmp_path / "out"
    tmp.mkdir()
    folder.mkdir()
    proc = _start(tmp, folder / "client.xlsx")
    _wait_for(proc, lambda: any(tmp.glob("openpyxl.*")) or any(tmp.glob("mlworth-wb-*")))
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:  # pragma: no cover - finished between the poll and the signal
        pytest.skip("the command finished before the signal came")
    assert proc.returncode == code, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp.iterdir()) == []
    assert sorted(p.name for p in folder.iterdir()) == []


@pytest.mark.parametrize("after", [0.25, 0.5])
@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        (signal.SIGINT, 130, "mlworth-xl: interrupted"),
        (signal.SIGTERM, 143, "mlworth-xl: terminated (SIGTERM)"),
    ],
)
def test_a_signal_while_the_command_starts_ends_in_one_line(after, signum, code, line):
    """Ctrl+C in the first half second, while Python still imports the command's modules.

    (Python's own start-up before it runs any code of the package, some hundredths of a second,
    is Python's: a signal there ends it as Python does.)"""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlworth_xl", "compare"],
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(after)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    assert (proc.returncode, err.strip()) == (code, line), err
