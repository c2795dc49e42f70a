"""Build the comparison workbook and write it reproducibly and atomically.

The same inputs give the same bytes: the document dates are the date of
the embedded figures, and every zip member carries the same timestamp.
A file is written under a temporary name in the destination folder and
renamed into place, so a reader never sees half a workbook.
"""

from __future__ import annotations

import dataclasses
import errno
import gc
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook.protection import WorkbookProtection

from mlworth_xl.api import resolve_inputs
from mlworth_xl.atomic import temporary_folder, write_together
from mlworth_xl.model import data
from mlworth_xl.model.errors import InputError, Problem
from mlworth_xl.model.odds import odds_programs
from mlworth_xl.model.records import Programs
from mlworth_xl.model.risk import uncertainties
from mlworth_xl.model.roles import Roles
from mlworth_xl.model.uncertainty import Uncertainty
from mlworth_xl.workbook import (
    cashflows,
    fast_path,
    guide,
    inputs_sheet,
    ironcalc_values,
    layout,
    loans_sheet,
    odds_sheet,
    programs_sheet,
    rap_sheet,
    risk_sheet,
    roles_sheet,
    sheet_xml,
    sources_sheet,
    summary,
)
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.libreoffice import (
    LibreOfficeError,
    Results,
    export_pdf,
    fill_cached_values,
    find_soffice,
    recalculate,
    sheet_parts,
)
from mlworth_xl.workbook.risk_sheet import DEFAULT_RISK, RiskSettings

#: The file name ``mlworth-xl workbook`` writes when no path is given.
DEFAULT_NAME = "ml-masters-comparison.xlsx"
#: Most options in one workbook (each takes 14 columns of Cash flows).
MAX_OPTIONS = 200
#: Longest text a cell holds (Excel's limit).
MAX_TEXT = 32_767
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: zlib's level for the file's members: 3 compresses them 2.5 times as fast as the default (6),
#: for a file about a tenth larger (0.83 MB against 0.75 MB for the 10-option template; the
#: timings: benchmarks/bench_workbook.py).
COMPRESS_LEVEL = 3
#: The errors of a disk (or quota) that is full.
_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def figures_date() -> str:
    """The newest as-of date of the embedded figures, e.g. ``2026-11``.

    >>> bool(re.fullmatch(r"\\d{4}(-\\d{2}){0,2}", figures_date()))
    True
    """
    dates = [
        f.as_of for f in data.figures().values() if re.fullmatch(r"\d{4}(-\d{2}){0,2}", f.as_of)
    ]
    return max(dates)


def _pinned_time() -> datetime:
    parts = [int(p) for p in figures_date().split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2])


def _check_names(programs: Programs) -> None:
    problems = []
    for i, name in enumerate(programs.names):
        where = programs.rows[i] if programs.rows is not None else None
        if ILLEGAL_CHARACTERS_RE.search(name):
            problems.append(
                Problem(
                    "name",
                    f"{name!r} contains control characters that a workbook cannot hold",
                    where,
                    programs.source,
                )
            )
        elif len(name) > MAX_TEXT:
            problems.append(
                Problem(
                    "name",
                    f"is {len(name):,} characters long; a cell holds at most {MAX_TEXT:,}",
                    where,
                    programs.source,
                )
            )
    if len(programs) > MAX_OPTIONS:
        problems.append(
            Problem(
                "programs",
                f"{len(programs)} options; a workbook compares at "
                f"most {MAX_OPTIONS} (use `mlworth-xl compare` for more)",
                source=programs.source,
            )
        )
    if problems:
        raise InputError(problems)


def _rap_layout(table: Programs, rap_options: Iterable[int] | None) -> Layout:
    """The layout: RAP blocks for the options on RAP, or for ``rap_options`` if given."""
    if rap_options is None:
        return Layout.of(table)
    lay = Layout(len(table), tuple(sorted(set(rap_options))))
    missing = [
        i
        for i in layout.rap_options_of(table.columns["repayment_plan"])
        if lay.rap_block(i) is None
    ]
    if missing:
        raise InputError(
            [
                Problem(
                    "repayment_plan",
                    f"option {i + 1} ({table.names[i]!r}) is on "
                    f"RAP but has no block on the RAP sheet",
                    table.rows[i] if table.rows is not None else None,
                    table.source,
                )
                for i in missing
            ]
        )
    return lay


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the sheets are filled (or a workbook audited).

    A large workbook is hundreds of thousands of cells that live as long as
    the workbook; the collector, run every few hundred new objects, would
    walk them again and again to find no garbage (a third of the build time
    of 100 options).  Reference counting frees objects as usual meanwhile,
    and the collector is switched back on only if it was on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_workbook(
    programs: Any = None,
    person: Any = None,
    risk: RiskSettings | None = DEFAULT_RISK,
    *,
    rap_options: Iterable[int] | None = None,
    uncertainty: Uncertainty | Sequence[Uncertainty] | None = None,
    template: bool = False,
    blank: Iterable[int] = (),
    roles: Roles | None = None,
) -> Workbook:
    """The comparison workbook of ``programs`` for ``person``, with native formulas.

    Parameters
    ----------
    programs, person
        As :func:`mlworth_xl.api.compare` accepts them; None for the embedded defaults.
    risk : RiskSettings or None
        Draws and seed of the Risk sheet (simulated values); None leaves it out.
    rap_options : iterable of int, optional
        The options (0-based) given a block on the RAP sheet; by default those
        whose ``repayment_plan`` is RAP.  Every option on RAP must be among them
        (``mlworth-xl check`` passes the blocks a file already has).
    uncertainty : Uncertainty, sequence of them, or None
        What is uncertain about the options (one for all or one each; None: the
        defaults of each option's kind): the odds' inputs on Programs.
    template : bool
        A template to fill in (:mod:`mlworth_xl.workbook.template`): each option's results
        show only once its required inputs are filled in, and there is no Risk sheet.
    blank : iterable of int
        Options (0-based) of a template whose required inputs are left empty.
    roles : Roles, optional
        The role table (the Roles sheet); None: the one read from a workbook given as
        ``programs``, else the embedded one.

    Returns
    -------
    openpyxl.Workbook
        Sheets Guide, Inputs, Programs, Roles, Summary, Risk, Odds, Cash flows, Loans, RAP (only
        when an option has a block there) and Sources.

    Raises
    ------
    InputError
        If an input is not allowed (every problem is listed).

    Examples
    --------
    >>> wb = build_workbook()
    >>> wb.sheetnames  # no option of the default comparison is on RAP
    ['Guide', 'Inputs', 'Programs', 'Roles', 'Summary', 'Risk', 'Odds', 'Cash flows', 'Loans',
     'Sources']
    >>> wb["Summary"]["A7"].value
    '=Programs!$C$5'
    """
    from mlworth_xl import __version__

    table, who = resolve_inputs(programs, person)
    table.validate(who)
    _check_names(table)
    n = len(table)
    lay = _rap_layout(table, rap_options)
    if template:
        lay, risk = dataclasses.replace(lay, template=True), None
    if uncertainty is None:  # read from a workbook's Programs sheet, if it came from one
        uncertainty = getattr(table, "uncertainties", None)
    per_option = uncertainties(table, uncertainty)
    if roles is None:
        roles = getattr(table, "roles", None) or Roles.default()
    if template:  # a template holds no figures of the model (placeholders, for its size)
        found, npvs = None, None
    else:
        found = odds_programs(table, who, per_option, roles=roles)
        npvs = list(table.evaluate(who, roles).npv)
    wb = Workbook()
    wb.remove(wb.active)
    sheets = lay.sheets
    for name in sheets:
        wb.create_sheet(name)
    if risk is not None:  # the Risk sheet follows Summary
        at = sheets.index(layout.SUMMARY) + 1
        sheets = (*sheets[:at], risk_sheet.RISK, *sheets[at:])
    with collector_paused():
        guide.write(wb, __version__, figures_date(), n, sheets, template=template)
        inputs_sheet.write(wb, who, template=template)
        programs_sheet.write(
            wb, table, lay, per_option, frozenset(blank) if template else frozenset()
        )
        roles_sheet.write(wb, lay, roles)
        roles_sheet.define_names(wb)
        summary.write(wb, n, lay, int(who.horizon_years))
        odds_sheet.write(wb, table.names, lay, found, npvs)
        cashflows.write(wb, table.names, lay)
        loans_sheet.write(wb, n, lay)
        if lay.rap_options:
            rap_sheet.write(wb, lay)
        sources_sheet.write(wb, table, who, per_option, roles, kinds=template)
    if risk is not None:
        risk_sheet.write(wb, table, who, risk, __version__, figures_date(), per_option, roles)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = "mlworth-xl"
    wb.properties.title = "Is a master's in machine learning worth it?"
    wb.active = 0
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The ``.xlsx`` file of ``wb``, the same bytes for the same workbook."""
    return _compressed(_stored(wb))


def _stored(wb: Workbook) -> bytes:
    """The ``.xlsx`` file of ``wb`` with its members stored uncompressed."""
    wb.properties.created = wb.properties.modified = _pinned_time()
    wb.properties.lastModifiedBy = None
    raw = io.BytesIO()
    # A writer, not Workbook.save: save() stamps the current time as "modified".
    sheet_xml.save(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED), fast=fast_path.enabled())
    return raw.getvalue()


def _compressed(raw: bytes, results: Results | None = None) -> bytes:
    """:func:`_stored`'s file compressed, every member with the same date, and ``results``
    (sheet by sheet) stored as the formula cells' cached values."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest,
    ):
        fills = (
            {part: results[name] for name, part in sheet_parts(src).items() if name in results}
            if results
            else {}
        )
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 0
            data = src.read(info)
            if info.filename in fills:
                data = _fill_generated(data, fills[info.filename])
            dest.writestr(member, data, compresslevel=COMPRESS_LEVEL)
    return out.getvalue()


#: A formula cell as :class:`~mlworth_xl.workbook.sheet_xml.WorksheetXml` writes it: without a
#: value (``<v />``), the formula escaped (no ``<`` inside).
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?)><f>([^<]*)</f><v /></c>')


def _fill_generated(xml: bytes, results: dict[bytes, tuple[bytes, bytes]]) -> bytes:
    """The formula cells of a generated sheet given their cached values from ``results``.

    As :func:`~mlworth_xl.workbook.libreoffice.fill_sheet` does for any file, in one pass
    over the cells this writer writes (a tenth of the time on 20,000 formulas):

    >>> _fill_generated(b'<c r="B2" s="4"><f>A1*2</f><v /></c><c r="C2"><f>"x"</f><v /></c>',
    ...                 {b"B2": (b"n", b"3"), b"C2": (b"str", b"x")})
    b'<c r="B2" s="4"><f>A1*2</f><v>3</v></c><c r="C2" t="str"><f>"x"</f><v>x</v></c>'
    """

    def fill(match: re.Match[bytes]) -> bytes:
        found = results.get(match.group(1))
        if found is None:
            return match.group(0)
        kind, value = found
        t = b"" if kind == b"n" else b' t="' + kind + b'"'
        return (
            b'<c r="'
            + match.group(1)
            + b'"'
            + match.group(2)
            + t
            + b"><f>"
            + match.group(3)
            + b"</f><v>"
            + value
            + b"</v></c>"
        )

    return _FORMULA_CELL.sub(fill, xml)


def computed_bytes(wb: Workbook, work: Path) -> bytes:
    """:func:`workbook_bytes` with every formula's value, computed by IronCalc, stored too.

    The values are what previewers, phones and ``pandas.read_excel`` show; Excel
    and LibreOffice recalculate on opening all the same (the file asks them to).
    ``work`` is a folder for IronCalc's copy of the file.
    """
    raw = _stored(wb)
    copy = work / "for-ironcalc.xlsx"
    copy.write_bytes(raw)
    with collector_paused():  # tens of thousands of values, all kept: nothing to collect
        return _compressed(raw, ironcalc_values.results(copy))


def _summary_only(wb: Workbook) -> bytes:
    """The workbook with every sheet but Summary hidden, so a PDF export prints only it."""
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    active = wb.active
    try:
        wb.active = wb.sheetnames.index(layout.SUMMARY)
        for ws in wb.worksheets:
            ws.sheet_state = "visible" if ws.title == layout.SUMMARY else "hidden"
        return workbook_bytes(wb)
    finally:
        for ws in wb.worksheets:
            ws.sheet_state = states[ws.title]
        wb.active = active


def _target(path: str | os.PathLike[str]) -> Path:
    dest = Path(path)
    if dest.is_dir():
        dest = dest / DEFAULT_NAME
    if dest.suffix.lower() != ".xlsx":
        raise InputError.single("path", f"{dest.name!r} must end in .xlsx")
    if not dest.parent.is_dir():
        raise InputError.single("path", f"the folder {str(dest.parent)!r} does not exist")
    return dest


def write_workbook(
    path: str | os.PathLike[str] = DEFAULT_NAME,
    programs: Any = None,
    person: Any = None,
    *,
    force: bool = False,
    values: bool = False,
    pdf: bool = False,
    risk: RiskSettings | None = DEFAULT_RISK,
    computed: bool = False,
) -> Path:
    """Write the comparison workbook to ``path`` (a folder gets :data:`DEFAULT_NAME`).

    Parameters
    ----------
    path : path
        Where to write the ``.xlsx`` file; its folder must exist.
    programs, person
        As :func:`build_workbook` takes them.
    force : bool
        Replace an existing file (and PDF).
    values : bool
        Store every formula's value computed by LibreOffice; the formulas stay.
    pdf : bool
        Also write the Summary page to a PDF beside the workbook (LibreOffice).
    risk : RiskSettings or None
        As :func:`build_workbook` takes it.
    computed : bool
        Store every formula's value, computed by IronCalc in process (the
        ``ironcalc`` package), so that previewers, phones and pandas show
        numbers; the formulas stay and Excel and LibreOffice recalculate on
        opening.  Off by default: with the Odds sheet's live chance it adds about
        2 s to the default comparison (``benchmarks/bench_workbook.py``).  Skipped,
        with formulas only, where IronCalc is not installed.

    Returns
    -------
    Path
        The workbook written.

    Raises
    ------
    InputError
        For inputs that are not allowed, or a path that cannot be used.
    FileExistsError
        If the file exists and ``force`` is false.
    LibreOfficeError
        If ``values`` or ``pdf`` is asked for and LibreOffice is missing or fails.
    """
    dest = _target(path)
    pdf_dest = dest.with_suffix(".pdf")
    for target in (dest, pdf_dest) if pdf else (dest,):
        if target.exists() and not force:
            raise FileExistsError(
                errno.EEXIST, "already exists; use --force to replace it", str(target)
            )
    if (values or pdf) and find_soffice() is None:
        needs = " and ".join(o for o, on in (("--values", values), ("--pdf", pdf)) if on)
        raise LibreOfficeError(
            f"{needs} needs LibreOffice (soffice), which is not installed: "
            "install it (e.g. `apt-get install libreoffice-calc-nogui`) or "
            "set MLWORTH_SOFFICE"
        )
    wb = build_workbook(programs, person, risk)
    try:
        with temporary_folder("mlworth-wb-") as work:
            book = Path(work) / "book.xlsx"  # LibreOffice goes by the file's extension
            if computed and not values and ironcalc_values.available():
                book.write_bytes(computed_bytes(wb, Path(work)))
            else:
                book.write_bytes(workbook_bytes(wb))
            if values:
                recalculated = recalculate(book, Path(work) / "recalculated.xlsx")
                fill_cached_values(book, recalculated, book)
            files: list[tuple[Path, bytes]] = [(dest, book.read_bytes())]
            if pdf:
                summary_only = Path(work) / "summary.xlsx"
                summary_only.write_bytes(_summary_only(wb))
                made = export_pdf(summary_only, Path(work) / "summary.pdf")
                files.append((pdf_dest, made.read_bytes()))
    except OSError as exc:
        if exc.filename is not None or exc.errno not in _FULL:
            raise
        # openpyxl's own temporary files name none: say where, and what to do
        raise OSError(
            exc.errno,
            f"{exc.strerror} while writing temporary files (free some "
            "space there or set TMPDIR to a folder with room)",
            tempfile.gettempdir(),
        ) from None
    # the workbook and its PDF replace the earlier pair together, or neither does
    write_together(files, force=force, option="path")
    return dest
