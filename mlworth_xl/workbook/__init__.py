"""The comparison workbook: native Excel formulas that implement the model, no Python needed.

:func:`build_workbook` makes the openpyxl workbook; :func:`write_workbook`
writes it reproducibly (optionally with values computed by LibreOffice, and
a PDF of the Summary).  One module per sheet; :mod:`.layout` knows where
every cell lives.
"""

from mlworth_xl.workbook.writer import DEFAULT_NAME, build_workbook, write_workbook

__all__ = ["DEFAULT_NAME", "build_workbook", "write_workbook"]
