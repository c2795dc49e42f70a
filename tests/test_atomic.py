"""Files are written whole or not at all: a failed or interrupted run loses nothing.

Each test makes the writer fail half-way through writing (a disk that fills
up, Ctrl+C) and shows that the earlier file is byte-for-byte intact and that
no temporary file is left in the folder.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlworth_xl import atomic
from mlworth_xl.cli import main
from mlworth_xl.model.errors import InputError
from mlworth_xl.workbook import libreoffice, write_workbook

EARLIER = b"the client's edited workbook, which must survive"


class HalfWriter(io.RawIOBase):
    """A file whose first write stores half the bytes, then fails with ``error``."""

    def __init__(self, real: io.BufferedWriter, error: BaseException):
        self.real, self.error = real, error

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.real.write(bytes(data[: len(data) // 2]))
        self.real.flush()
        raise self.error

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.real.fileno()

    def close(self) -> None:
        self.real.close()
        super().close()


def fail_half_way(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: object, **kw: object) -> HalfWriter:
        return HalfWriter(real_fdopen(fd, mode, *args, **kw), error)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "fdopen", fdopen)


def earlier_file(folder: Path, name: str = "client.xlsx") -> Path:
    path = folder / name
    path.write_bytes(EARLIER)
    return path


INTERRUPTIONS = [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()]


@pytest.mark.parametrize("error", INTERRUPTIONS, ids=["disk full", "ctrl-c"])
def test_write_atomic_failing_half_way_keeps_the_earlier_file(tmp_path, monkeypatch, error):
    path = earlier_file(tmp_path)
    fail_half_way(monkeypatch, error)
    with pytest.raises(type(error)):
        atomic.write_atomic(path, b"x" * 100_000, force=True)
    assert path.read_bytes() == EARLIER
    assert [p.name for p in tmp_path.iterdir()] == ["client.xlsx"]


@pytest.mark.parametrize("error", INTERRUPTIONS, ids=["disk full", "ctrl-c"])
def test_write_workbook_failing_half_way_keeps_the_earlier_file(tmp_path, monkeypatch, error):
    path = earlier_file(tmp_path)
    fail_half_way(monkeypatch, error)
    with pytest.raises(type(error)):
        write_workbook(path, force=True)
    assert path.read_bytes() == EARLIER
    assert [p.name for p in tmp_path.iterdir()] == ["client.xlsx"]


def test_a_failing_callback_leaves_nothing(tmp_path):
    path = earlier_file(tmp_path)

    def writer(out):
        out.write(b"half a workbook")
        raise RuntimeError("the generator failed")

    with pytest.raises(RuntimeError):
        atomic.write_atomic(path, writer, force=True)
    assert path.read_bytes() == EARLIER
    assert [p.name for p in tmp_path.iterdir()] == ["client.xlsx"]


def test_a_failed_rename_leaves_the_earlier_file_and_no_temporary(tmp_path, monkeypatch):
    path = earlier_file(tmp_path)

    def replace(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(OSError):
        write_workbook(path, force=True)
    assert path.read_bytes() == EARLIER
    assert [p.name for p in tmp_path.iterdir()] == ["client.xlsx"]


def test_the_cli_interrupted_half_way_keeps_the_earlier_file(tmp_path, monkeypatch):
    path = earlier_file(tmp_path)
    fail_half_way(monkeypatch, KeyboardInterrupt())
    result = CliRunner().invoke(main, ["workbook", "-o", str(path), "--force"])
    assert result.exit_code == 130  # the shell's code for Ctrl+C (128 + SIGINT)
    assert result.stderr.endswith("mlworth-xl: interrupted\n")
    assert path.read_bytes() == EARLIER
    assert [p.name for p in tmp_path.iterdir()] == ["client.xlsx"]


def test_the_example_workbook_failing_half_way_keeps_the_earlier_file(tmp_path, monkeypatch):
    path = earlier_file(tmp_path, "example.xlsx")
    fail_half_way(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    result = CliRunner().invoke(main, ["excel", "--example", str(path), "--force"])
    assert result.exit_code == 2
    assert result.stderr == "mlworth-xl: error: No space left on device\n"
    assert path.read_bytes() == EARLIER
    assert [p.name for p in tmp_path.iterdir()] == ["example.xlsx"]


def test_libreoffice_results_are_moved_into_place_atomically(tmp_path, monkeypatch):
    produced = tmp_path / "produced.xlsx"
    produced.write_bytes(b"recalculated" * 1000)
    dest = earlier_file(tmp_path, "dest.xlsx")
    fail_half_way(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        libreoffice._replace_atomically(produced, dest)
    assert dest.read_bytes() == EARLIER
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dest.xlsx", "produced.xlsx"]
    monkeypatch.undo()
    libreoffice._replace_atomically(produced, dest)
    assert dest.read_bytes() == produced.read_bytes()


def test_an_existing_file_is_refused_without_force_naming_the_option(tmp_path):
    path = earlier_file(tmp_path)
    with pytest.raises(InputError) as info:
        atomic.write_atomic(path, b"new", option="--example")
    assert str(info.value) == f"--example: {path} already exists; use --force to replace it"
    assert path.read_bytes() == EARLIER
    atomic.write_atomic(path, b"new", force=True)
    assert path.read_bytes() == b"new"


def test_a_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as info:
        atomic.write_atomic(tmp_path / "nowhere" / "book.xlsx", b"x")
    assert str(info.value) == f"-o: the folder {str(tmp_path / 'nowhere')!r} does not exist"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(InputError, match="is a folder, not a file"):
        atomic.write_atomic(tmp_path, b"x", force=True)


def test_the_example_workbook_needs_its_folder(tmp_path):
    result = CliRunner().invoke(main, ["excel", "--example", str(tmp_path / "no" / "e.xlsx")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"mlworth-xl: error: --example: the folder {str(tmp_path / 'no')!r} does not exist\n"
    )


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    # mkstemp makes 0600 files; a workbook for sharing gets what open() would give: 0666 & ~umask
    mask = os.umask(0o022)
    try:
        path = atomic.write_atomic(tmp_path / "book.xlsx", b"x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_complete_workbook_replaces_the_earlier_one(tmp_path):
    path = earlier_file(tmp_path)
    write_workbook(path, force=True)
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["client.xlsx"]
