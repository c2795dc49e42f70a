"""Recalculate workbooks and export PDFs with headless LibreOffice.

openpyxl saves formulas without cached results; ``soffice --headless --convert-to`` computes
them.  Each call uses a private throw-away profile with ``OOXMLRecalcMode`` = 0 ("always
recalculate"): with a default profile LibreOffice keeps the file's stale cached values.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from glob import glob
from pathlib import Path
from subprocess import PIPE
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from mlworth_xl.atomic import copy_atomic, temporary_folder
from mlworth_xl.interrupt import signals_deferred

__all__ = [
    "LibreOfficeError",
    "Results",
    "export_pdf",
    "fill_cached_values",
    "fill_results",
    "fill_sheet",
    "find_soffice",
    "recalculate",
    "recalculated_results",
    "sheet_parts",
]

_MISSING = (
    "LibreOffice (soffice) is not installed; install it, e.g. "
    "`apt-get install libreoffice-calc-nogui`, or set MLWORTH_SOFFICE"
)
# Profile settings: recalculate every formula on load, whatever cached values the file holds.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_SHEET_DATA = re.compile(rb"<sheetData\b.*?</sheetData>", re.S)
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_FORMULA = re.compile(rb"<f\b[^>]*/>|<f\b[^>]*>.*?</f>", re.S)
_VALUE = re.compile(rb"<v\b[^>]*/>|<v\b[^>]*>.*?</v>", re.S)
_KINDS = ("n", "b", "e", "str")
_ATTR = re.compile(rb'\s([rt])="([^"]*)"')


class LibreOfficeError(RuntimeError):
    """LibreOffice is missing, failed, timed out or wrote no output."""


def find_soffice() -> str | None:
    """Locate the LibreOffice ``soffice`` executable.

    Returns
    -------
    str or None
        ``$MLWORTH_SOFFICE`` if set, else ``soffice`` or ``libreoffice`` on ``PATH``, else the
        first existing well-known install location; ``None`` if LibreOffice is not found.
    """
    override = os.environ.get("MLWORTH_SOFFICE")
    found = override or shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    candidates = ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"]
    candidates += sorted(glob("/opt/libreoffice*/program/soffice"), reverse=True)
    if sys.platform == "darwin":
        candidates.append("/Applications/LibreOffice.app/Contents/MacOS/soffice")
    return next((c for c in candidates if os.access(c, os.X_OK)), None)


def _replace_atomically(produced: Path, dest: Path) -> None:
    """Copy ``produced`` next to ``dest`` under a temporary name, then rename it over ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    copy_atomic(produced, dest)


def _kill(proc: subprocess.Popen[bytes] | None) -> None:
    """End LibreOffice and the processes it forked (soffice.bin), and wait for them."""
    if proc is None:
        return
    with contextlib.suppress(ProcessLookupError):  # the group: soffice forks soffice.bin
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups
            proc.kill()
    proc.communicate()


def run_soffice(
    soffice: str, work: Path, sources: list[Path], target: str, timeout: float, what: object
) -> tuple[int, bytes, bytes]:
    """Convert ``sources`` to ``target`` into ``work / "out"`` in one LibreOffice process.

    The process gets a throw-away profile in ``work`` (every formula recalculated on
    load: :data:`_REGISTRY`) and its own session, so a timeout, Ctrl+C or SIGTERM ends it
    and what it forked.  ``timeout`` is for the whole run; ``what`` names the sources in
    an error.  Returns LibreOffice's exit code and its two outputs.
    """
    (work / "profile" / "user").mkdir(parents=True)
    (work / "profile" / "user" / "registrymodifications.xcu").write_text(_REGISTRY, "utf-8")
    command = [
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        *("--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck"),
        *("--convert-to", target, "--outdir", str(work / "out"), *map(str, sources)),
    ]
    proc: subprocess.Popen[bytes] | None = None
    try:
        with signals_deferred():  # a signal now would leave LibreOffice running unseen
            proc = subprocess.Popen(command, stdout=PIPE, stderr=PIPE, start_new_session=True)
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise LibreOfficeError(f"LibreOffice timed out after {timeout} s on {what}") from None
    except OSError as exc:
        if proc is not None:
            _kill(proc)
        raise LibreOfficeError(f"cannot run {soffice}: {exc}") from exc
    except BaseException:  # Ctrl+C, SIGTERM: LibreOffice (its own session) goes too
        if proc is not None:
            _kill(proc)
        raise
    return proc.returncode, out, err


def _convert(src: Path, dest: Path, target: str, suffix: str, timeout: float) -> Path:
    """Run ``soffice --convert-to target`` on ``src`` and move the result to ``dest``."""
    src, dest = Path(src), Path(dest)
    if not src.is_file():
        raise LibreOfficeError(f"source workbook not found: {src}")
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeError(_MISSING)
    with temporary_folder("mlworth-lo-") as tmp:
        work = Path(tmp)
        source = work / f"source{src.suffix}"  # a copy: no lock file beside the user's file
        shutil.copyfile(src, source)
        code, out, err = run_soffice(soffice, work, [source], target, timeout, src)
        produced = work / "out" / f"source.{suffix}"
        if code != 0 or not produced.is_file() or produced.stat().st_size == 0:
            detail = (err or out).decode("utf-8", "replace").strip() or "no output"
            raise LibreOfficeError(f"LibreOffice could not convert {src} (exit {code}): {detail}")
        _replace_atomically(produced, dest)
    return dest


def recalculate(src: Path, dest: Path, *, timeout: float = 120) -> Path:
    """Recalculate every formula of a workbook and save it as ``.xlsx``.

    Parameters
    ----------
    src : Path
        Workbook to open (``.xlsx``); it is not modified unless it is ``dest``.
    dest : Path
        Where to write the recalculated workbook; replaced atomically.
    timeout : float, optional
        Seconds to wait for LibreOffice before killing it.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    LibreOfficeError
        If ``src`` or LibreOffice is missing, or LibreOffice fails, times out or writes nothing.
    """
    return _convert(src, dest, "xlsx:Calc Office Open XML", "xlsx", timeout)


def export_pdf(src: Path, dest: Path, *, timeout: float = 120) -> Path:
    """Recalculate a workbook and export its print areas to PDF.

    Parameters and errors are as for :func:`recalculate`; ``dest`` is a PDF.
    """
    return _convert(src, dest, "pdf:calc_pdf_Export", "pdf", timeout)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map each worksheet's name to its part name inside ``archive``."""

    def rels(part: str) -> dict[str, tuple[str, str]]:
        root = ElementTree.fromstring(archive.read(part))
        return {r.get("Id"): (r.get("Type"), r.get("Target")) for r in root}

    book = next(t.lstrip("/") for k, t in rels("_rels/.rels").values() if "officeDocument" in k)
    folder, name = posixpath.split(book)
    parts = {
        rid: target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        for rid, (_, target) in rels(f"{folder}/_rels/{name}.rels").items()
    }
    sheets = ElementTree.fromstring(archive.read(book)).iter(f"{_NS}sheet")
    return {s.get("name"): posixpath.normpath(parts[s.get(_R_ID)]) for s in sheets}


_worksheets = sheet_parts  # the former private name


def _results(archive: zipfile.ZipFile, part: str) -> dict[bytes, tuple[bytes, bytes]]:
    """Read ``{ref: (type, escaped value)}`` of the formula cells with a result in ``part``."""
    # LibreOffice writes results inline (t = n, b, e or str); others keep the original's <v>.
    results = {}
    for cell in ElementTree.fromstring(archive.read(part)).iter(f"{_NS}c"):
        value, kind = cell.find(f"{_NS}v"), cell.get("t", "n")
        if cell.find(f"{_NS}f") is not None and value is not None and kind in _KINDS:
            results[cell.get("r", "").encode()] = (kind.encode(), escape(value.text or "").encode())
    return results


def fill_sheet(xml: bytes, results: dict[bytes, tuple[bytes, bytes]]) -> bytes:
    """Give each formula cell of a sheet's XML the cached result found in ``results``."""

    def fill(match: re.Match[bytes]) -> bytes:
        attrs, body = match.group(1), match.group(2) or b""
        formula = _FORMULA.search(body)
        ref = dict(_ATTR.findall(attrs)).get(b"r")
        if formula is None or ref not in results:
            return match.group(0)
        kind, value = results[ref]
        attrs = _ATTR.sub(lambda m: m.group(0) if m.group(1) == b"r" else b"", attrs)
        attrs += b"" if kind == b"n" else b' t="' + kind + b'"'
        cached = formula.group(0) + b"<v>" + value + b"</v>"  # schema order: f, v, is, extLst
        body = _VALUE.sub(b"", body).replace(formula.group(0), cached, 1)
        return b"<c" + attrs + b">" + body + b"</c>"

    return _SHEET_DATA.sub(lambda m: _CELL.sub(fill, m.group(0)), xml, count=1)


#: Cached results of a workbook's formula cells: ``{sheet name: {ref: (type, escaped value)}}``,
#: the ``t`` attribute and ``<v>`` text of each cell, e.g. ``{"Summary": {b"C7": (b"n", b"1.5")}}``.
Results = dict[str, dict[bytes, tuple[bytes, bytes]]]


def recalculated_results(recalculated: Path) -> Results:
    """The formula results a recalculated workbook holds, sheet by sheet."""
    try:
        with zipfile.ZipFile(recalculated) as calc:
            return {name: _results(calc, part) for name, part in sheet_parts(calc).items()}
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        # ParseError is a SyntaxError; a missing part a KeyError
        raise LibreOfficeError(
            f"LibreOffice returned a damaged workbook ({type(exc).__name__}: "
            f"{str(exc).strip() or 'no detail'}); nothing was written, try again"
        ) from None


def fill_results(original: Path, results: Results, dest: Path) -> Path:
    """Write ``results`` into ``original`` as the formula cells' cached values.

    Only the ``<c>`` elements of formula cells change (their ``t`` attribute and
    ``<v>`` result); every other zip member and byte is copied unchanged, so data
    validation, protection, names, conditional formats and charts survive.  Sheets
    are matched by name; a formula cell without a result keeps what it had.

    Parameters
    ----------
    original : Path
        Workbook written by openpyxl (or Excel), e.g. without cached values.
    results : Results
        The values to store, e.g. :func:`recalculated_results` of a recalculated copy.
    dest : Path
        Where to write the result; replaced atomically, may be ``original``.

    Returns
    -------
    Path
        ``dest``.
    """
    original, dest = Path(original), Path(dest)
    with temporary_folder("mlworth-fill-") as tmp:
        out = Path(tmp) / "filled.xlsx"
        with zipfile.ZipFile(original) as orig:
            fills = {
                part: results[name] for name, part in sheet_parts(orig).items() if name in results
            }
            with zipfile.ZipFile(out, "w") as new:
                for info in orig.infolist():
                    data = orig.read(info)
                    if info.filename in fills:
                        data = fill_sheet(data, fills[info.filename])
                    new.writestr(info, data, compress_type=info.compress_type)
        _replace_atomically(out, dest)
    return dest


def fill_cached_values(original: Path, recalculated: Path, dest: Path) -> Path:
    """Copy recalculated results into ``original`` as the formula cells' cached values.

    As :func:`fill_results` with the results of ``recalculated``, the same workbook
    after :func:`recalculate`.
    """
    return fill_results(original, recalculated_results(recalculated), dest)
