"""Ctrl+C and SIGTERM: end a command cleanly, never in the middle of making or removing a
temporary file.

While a command runs (:func:`signals_stop`, the ``mlworth-xl`` command installs it), SIGINT
and SIGTERM raise :class:`Stopped`, a ``BaseException``: ``except Exception`` lets it pass
and every ``finally`` runs on the way out (temporary folders removed, LibreOffice stopped,
no output half-written).  Inside :func:`signals_deferred` a signal is only noted, and raised
when the block ends, so a temporary file is never made without being registered for
removal, nor half removed.

The exit codes are 128 + the signal's number, as shells report them: 130 and 143.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Exit codes of a command ended by a signal.
INTERRUPTED, TERMINATED = 130, 143
_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_state = {"depth": 0, "pending": None, "installed": False}


class Stopped(BaseException):
    """A command ended by SIGINT (exit code 130) or SIGTERM (143)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.code = INTERRUPTED if signum == signal.SIGINT else TERMINATED
        self.words = "interrupted" if signum == signal.SIGINT else "terminated (SIGTERM)"


def _stop(signum: int, frame: Any) -> None:
    if _state["pending"] is not None:
        return  # one signal is enough: a second one must not cut the cleanup short
    _state["pending"] = signum
    if _state["depth"] == 0:
        raise Stopped(signum)


@contextmanager
def signals_stop() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Stopped` in the block (in the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {s: signal.getsignal(s) for s in _SIGNALS}
    _state.update(depth=0, pending=None, installed=True)
    for s in _SIGNALS:
        signal.signal(s, _stop)
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        _state.update(depth=0, pending=None, installed=False)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold a signal back until the block ends (while a temporary file is made or removed).

    >>> with signals_deferred():
    ...     pass
    """
    if not _state["installed"] or threading.current_thread() is not threading.main_thread():
        yield
        return
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
    pending = _state["pending"]
    if _state["depth"] == 0 and pending is not None and not _raised():
        raise Stopped(pending)


def _raised() -> bool:
    """Whether :class:`Stopped` is already on its way up (the block ran during cleanup)."""
    import sys

    exc = sys.exc_info()[1]
    return isinstance(exc, Stopped)
