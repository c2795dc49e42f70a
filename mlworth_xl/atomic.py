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
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from mlworth_xl.model.errors import InputError

#: What :func:`write_atomic` writes: bytes, text (as UTF-8) or a callback given the open file.
Payload = bytes | str | Callable[[BinaryIO], object]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_target(path: str | os.PathLike[str], *, force: bool = False,
                 option: str = "-o") -> Path:
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
    return dest


def write_atomic(path: str | os.PathLike[str], payload: Payload, *, force: bool = False,
                 option: str = "-o") -> Path:
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
    dest = check_target(path, force=force, option=option)
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
        if not force and dest.exists():  # it appeared while we wrote: still never clobber
            raise InputError.single(option, f"{dest} already exists; use --force to replace it")
        os.replace(tmp, dest)
    except BaseException:  # KeyboardInterrupt too: no partial file is ever left behind
        tmp.unlink(missing_ok=True)
        raise
    return dest


def copy_atomic(src: str | os.PathLike[str], dest: str | os.PathLike[str]) -> Path:
    """Copy ``src`` over ``dest`` atomically (``dest`` is replaced if it exists)."""
    def copy(out: BinaryIO) -> None:
        with open(src, "rb") as source:
            shutil.copyfileobj(source, out)

    return write_atomic(dest, copy, force=True)
