"""The module Excel names: every ``MLWORTH_*`` function, for xlwings to register.

Classic xlwings (Windows desktop) takes ``mlworth_xl.udfs`` as its *UDF
Modules* setting and xlwings Lite imports from it in main.py; both find the
functions by the marks xlwings' decorators leave on them, so the names below
are the decorated functions themselves.  They are written in
:mod:`mlworth_xl.excel`: :mod:`~mlworth_xl.excel.functions` (cost, loans,
payback, NPV, whole options, comparison, defaults and sources) and
:mod:`~mlworth_xl.excel.risk` (the odds and the Monte Carlo functions).

>>> MLWORTH_COST(52000, 2, living_per_month=1000)
128000.0
"""

from __future__ import annotations

from mlworth_xl.excel.functions import (
    MLWORTH_BREAK_EVEN_SALARY,
    MLWORTH_COMPARE,
    MLWORTH_COST,
    MLWORTH_DEFAULT,
    MLWORTH_EVALUATE,
    MLWORTH_INCOME_GIVEN_UP,
    MLWORTH_LOAN_INTEREST,
    MLWORTH_LOAN_PAYMENT,
    MLWORTH_LOAN_SCHEDULE,
    MLWORTH_NPV,
    MLWORTH_PAYBACK,
    MLWORTH_RAP_PAYMENT,
    MLWORTH_ROI,
    MLWORTH_SOURCE,
)
from mlworth_xl.excel.risk import (
    MLWORTH_NPV_PERCENTILE,
    MLWORTH_ODDS,
    MLWORTH_PAYBACK_PERCENTILE,
    MLWORTH_PAYBACK_PROB,
)

__all__ = [
    "MLWORTH_BREAK_EVEN_SALARY",
    "MLWORTH_COMPARE",
    "MLWORTH_COST",
    "MLWORTH_DEFAULT",
    "MLWORTH_EVALUATE",
    "MLWORTH_INCOME_GIVEN_UP",
    "MLWORTH_LOAN_INTEREST",
    "MLWORTH_LOAN_PAYMENT",
    "MLWORTH_LOAN_SCHEDULE",
    "MLWORTH_NPV",
    "MLWORTH_NPV_PERCENTILE",
    "MLWORTH_ODDS",
    "MLWORTH_PAYBACK",
    "MLWORTH_PAYBACK_PERCENTILE",
    "MLWORTH_PAYBACK_PROB",
    "MLWORTH_RAP_PAYMENT",
    "MLWORTH_ROI",
    "MLWORTH_SOURCE",
]
