"""The financial model: pure Python and numpy, no Excel, no command line, no workbook.

Every function takes scalars or numpy arrays (one element per scenario) and
returns the same shape.  See :mod:`mlworth_xl.model.evaluate` for the
definitions that tie the parts together.
"""

from mlworth_xl.model.cost import cost_of_attendance, direct_cost_by_year
from mlworth_xl.model.errors import InputError, Problem
from mlworth_xl.model.evaluate import Outcome, YearlyDetail, evaluate, yearly_detail
from mlworth_xl.model.loans import (
    deferment_interest,
    gross_principal,
    interest_by_year,
    loan_payment,
    schedule,
    total_interest,
)
from mlworth_xl.model.metrics import irr, npv, payback

__all__ = [
    "InputError",
    "Outcome",
    "Problem",
    "YearlyDetail",
    "cost_of_attendance",
    "deferment_interest",
    "direct_cost_by_year",
    "evaluate",
    "gross_principal",
    "interest_by_year",
    "irr",
    "loan_payment",
    "npv",
    "payback",
    "schedule",
    "total_interest",
    "yearly_detail",
]
