"""Excel's error values: the package's one list of them.

Outside every face, so that the Excel functions (:mod:`mlworth_xl.excel.cells`,
which also names it) and the workbook generator's reader
(:mod:`mlworth_xl.workbook.reader`) share it without importing one another.
"""

from __future__ import annotations

#: Error values as Excel shows them (and as xlwings reads them with ``err_to_str``), and as a
#: workbook file caches a formula that failed.
ERROR_VALUES = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BUSY!",
    }
)
