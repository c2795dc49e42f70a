"""Write a file all at once or not at all, and never clobber one by accident.

Every file mlworth-xl writes goes through :func:`write_atomic`: the content
is written to a temporary file in the destination folder, flushed to disk,
and renamed over the destination only when complete (``os.replace`` is
atomic on one file system).  A run that fails or is interrupted half-way
leaves any earlier file byte for byte as it was, and no temporary file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from mlworth_xl.interrupt import signals_deferred
from mlworth_xl.model.errors import InputError

#: What :func:`write_atomic` writes: bytes, text (as UTF-8) or a callback given the open file.
Payload = bytes | str | Callable[[BinaryIO], object]


@contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder, removed on every way out, a signal's included.

    >>> with temporary_folder("mlworth-doc-") as folder:
    ...     _ = (folder / "a").write_text("x")
    >>> folder.exists()
    False
    """
    with signals_deferred():
        folder = tempfile.TemporaryDirectory(prefix=prefix)
    try:
        yield Path(folder.name)
    finally:
        with signals_deferred():
            folder.cleanup()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_target(path: str | os.PathLike[str], *, force: bool = False, option: str = "-o") -> Path:
    """``path`` if it may be written: its folder exists and, without ``force``, it does not.

    Raises
    ------
    InputError
        Naming ``option`` (the command-line option or argument that gave the path).
    """
    dest = Path(path)
    if dest.is_dir():
        raise InputError.single(option, f"{str(dest)!r} is a folder, not a file")
    if not dest.parent.is_dir():
        raise InputError.single(option, f"the folder {str(dest.parent)!r} does not exist")
    if dest.exists() and not force:
        raise InputError.single(option, f"{dest} already exists; use --force to replace it")
    if dest.exists() and not dest.stat().st_mode & 0o222:  # even --force keeps a read-only file
        raise InputError.single(
            option, f"{dest} is read-only; make it writable (chmod u+w) or write to another file"
        )
    if not os.access(dest.parent, os.W_OK | os.X_OK):
        raise InputError.single(
            option,
            f"the folder {str(dest.parent)!r} is not writable; "
            "allowed: a file in a folder you may write to",
        )
    return dest


def write_atomic(
    path: str | os.PathLike[str], payload: Payload, *, force: bool = False, option: str = "-o"
) -> Path:
    """Write ``payload`` to ``path`` through a temporary file in the same folder.

    Parameters
    ----------
    path : path
        The file to write; its folder must exist.
    payload : bytes, str or callable
        The content: bytes, text (written as UTF-8), or a function that
        writes into the binary file object it is given.
    force : bool
        Replace ``path`` if it exists; otherwise an existing file is an error.
    option : str
        How the user named ``path`` (``-o``, ``--example``), for messages.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        If the folder does not exist, or the file exists and ``force`` is false.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a.txt", "one").read_text()
    'one'
    >>> write_atomic(folder / "a.txt", "two")
    Traceback (most recent call last):
    ...
    mlworth_xl.model.errors.InputError: -o: ... already exists; use --force to replace it
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt']
    """
    return write_together([(path, payload)], force=force, option=option)[0]


def _temporary(dest: Path, payload: Payload) -> Path:
    """``payload`` in a complete, flushed temporary file beside ``dest``."""
    with signals_deferred():
        fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            if callable(payload):
                payload(out)
            else:
                out.write(payload.encode("utf-8") if isinstance(payload, str) else payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # as open() would make it, not mkstemp's 0600
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _keep(dest: Path) -> Path | None:
    """A second name for an existing ``dest`` (a hard link, else a copy), to restore it."""
    if not dest.exists():
        return None
    with signals_deferred():
        fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".old")
        os.close(fd)
        keep = Path(name)
        keep.unlink()
        try:
            os.link(dest, keep)
        except OSError:  # no hard links on this file system
            try:
                shutil.copy2(dest, keep)
            except BaseException:
                keep.unlink(missing_ok=True)
                raise
    return keep


def write_together(
    files: Sequence[tuple[str | os.PathLike[str], Payload]],
    *,
    force: bool = False,
    option: str = "-o",
) -> list[Path]:
    """Write several files that belong together (a workbook and its PDF): all or none.

    Each is written completely to a temporary file beside it first; only then
    are they renamed into place, one after the other.  If anything fails or the
    run is interrupted (Ctrl+C, SIGTERM) before the last rename, the files
    already renamed are put back as they were (or removed, if they are new)
    and no temporary file is left.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_together([(folder / "a.xlsx", b"1"), (folder / "a.pdf", b"2")])]
    ['a.xlsx', 'a.pdf']
    >>> write_together([(folder / "b.xlsx", b"1"), (folder / "a.pdf", b"3")])
    Traceback (most recent call last):
    ...
    mlworth_xl.model.errors.InputError: -o: ... already exists; use --force to replace it
    >>> sorted(p.name for p in folder.iterdir()), (folder / "a.pdf").read_bytes()
    (['a.pdf', 'a.xlsx'], b'2')
    """
    dests = [check_target(path, force=force, option=option) for path, _ in files]
    temps: list[Path] = []
    kept: list[tuple[Path, Path | None]] = []  # (dest, its earlier content) renamed so far
    try:
        for dest, (_, payload) in zip(dests, files, strict=True):
            temps.append(_temporary(dest, payload))
        for dest in dests:
            if not force and dest.exists():  # it appeared while we wrote: still never clobber
                raise InputError.single(option, f"{dest} already exists; use --force to replace it")
        for tmp, dest in zip(temps, dests, strict=True):
            keep = _keep(dest) if len(dests) > 1 else None
            kept.append((dest, keep))
            os.replace(tmp, dest)
    except BaseException:  # KeyboardInterrupt too: no partial file is ever left behind
        with signals_deferred():
            for dest, keep in reversed(kept):
                if keep is not None:
                    os.replace(keep, dest)
                elif len(dests) > 1:
                    dest.unlink(missing_ok=True)
            for tmp in temps:
                tmp.unlink(missing_ok=True)
        raise
    finally:
        with signals_deferred():
            for _, keep in kept:
                if keep is not None:
                    keep.unlink(missing_ok=True)
    return dests


def copy_atomic(src: str | os.PathLike[str], dest: str | os.PathLike[str]) -> Path:
    """Copy ``src`` over ``dest`` atomically (``dest`` is replaced if it exists)."""

    def copy(out: BinaryIO) -> None:
        with open(src, "rb") as source:
            shutil.copyfileobj(source, out)

    return write_atomic(dest, copy, force=True)
