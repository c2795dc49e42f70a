"""The ``mlworth-xl`` command's first code: a signal ends it in one line from the first instant.

The command's own handling of Ctrl+C and SIGTERM (:mod:`mlworth_xl.interrupt`) is installed
once the command line is parsed; before that, Python imports the command's modules (numpy,
click, openpyxl: a few tenths of a second), and a Ctrl+C there would print a traceback.
This module imports nothing heavy: it installs handlers that end the process with the same
line and exit code, then loads the command.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

from mlworth_xl.interrupt import INTERRUPTED, TERMINATED


def _early(signum: int, frame: Any) -> None:
    words = "interrupted" if signum == signal.SIGINT else "terminated (SIGTERM)"
    sys.stderr.write(f"mlworth-xl: {words}\n")
    raise SystemExit(INTERRUPTED if signum == signal.SIGINT else TERMINATED)


def main() -> None:
    """Run ``mlworth-xl`` (the console script and ``python -m mlworth_xl``)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _early)
    from mlworth_xl.cli import main as command

    command()
