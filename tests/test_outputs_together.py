"""``workbook --pdf``: the workbook and its PDF are replaced together or not at all.

LibreOffice is replaced by a stand-in that writes a small PDF (or fails), so these
run without it; renames are made to fail where the pair is half in place.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mlworth_xl import atomic
from mlworth_xl.cli import main
from mlworth_xl.workbook import writer
from mlworth_xl.workbook.libreoffice import LibreOfficeError

OLD_BOOK, OLD_PDF = b"old workbook", b"%PDF old"


@pytest.fixture
def fake_pdf(monkeypatch):
    """LibreOffice found, and its PDF export a stand-in that writes a tiny PDF."""

    def export(src: Path, dest: Path, **_: object) -> Path:
        Path(dest).write_bytes(b"%PDF-1.4 new")
        return Path(dest)

    monkeypatch.setattr(writer, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(writer, "export_pdf", export)


def old_pair(folder: Path) -> tuple[Path, Path]:
    book, pdf = folder / "client.xlsx", folder / "client.pdf"
    book.write_bytes(OLD_BOOK)
    pdf.write_bytes(OLD_PDF)
    return book, pdf


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_both_are_written(tmp_path, fake_pdf):
    result = run("workbook", "-o", str(tmp_path / "client.xlsx"), "--pdf", "--no-risk")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.pdf", "client.xlsx"]


def test_a_failed_rename_of_the_pdf_puts_the_old_workbook_back(tmp_path, fake_pdf, monkeypatch):
    book, pdf = old_pair(tmp_path)
    real = atomic.os.replace

    def replace(src, dest):
        if str(dest).endswith(".pdf") and not str(src).endswith(".old"):
            raise OSError(28, "No space left on device", str(dest))
        real(src, dest)

    monkeypatch.setattr(atomic.os, "replace", replace)
    result = run("workbook", "-o", str(book), "--pdf", "--force", "--no-risk")
    assert result.exit_code == 2
    assert result.stderr == f"mlworth-xl: error: No space left on device: {pdf}\n"
    assert (book.read_bytes(), pdf.read_bytes()) == (OLD_BOOK, OLD_PDF)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.pdf", "client.xlsx"]


def test_a_failed_pdf_export_changes_nothing(tmp_path, monkeypatch):
    book, pdf = old_pair(tmp_path)

    def fail(src: Path, dest: Path, **_: object) -> Path:
        raise LibreOfficeError("LibreOffice could not convert summary.xlsx (exit 1): no output")

    monkeypatch.setattr(writer, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(writer, "export_pdf", fail)
    result = run("workbook", "-o", str(book), "--pdf", "--force", "--no-risk")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "could not convert" in result.stderr
    assert (book.read_bytes(), pdf.read_bytes()) == (OLD_BOOK, OLD_PDF)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.pdf", "client.xlsx"]


def test_a_workbook_that_appears_meanwhile_leaves_no_new_pdf(tmp_path, monkeypatch):
    # without --force: the workbook made by someone else while the PDF was exported
    book = tmp_path / "client.xlsx"

    def export(src: Path, dest: Path, **_: object) -> Path:
        book.write_bytes(OLD_BOOK)
        Path(dest).write_bytes(b"%PDF-1.4 new")
        return Path(dest)

    monkeypatch.setattr(writer, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(writer, "export_pdf", export)
    result = run("workbook", "-o", str(book), "--pdf", "--no-risk")
    assert result.exit_code == 2
    assert "already exists; use --force to replace it" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.xlsx"]
    assert book.read_bytes() == OLD_BOOK


def test_an_existing_pdf_alone_is_refused_before_anything_is_written(tmp_path, fake_pdf):
    (tmp_path / "client.pdf").write_bytes(OLD_PDF)
    result = run("workbook", "-o", str(tmp_path / "client.xlsx"), "--pdf", "--no-risk")
    assert result.exit_code == 2
    assert result.stderr == (
        f"mlworth-xl: error: -o: {tmp_path / 'client.pdf'} already exists; "
        "use --force to replace it\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.pdf"]
