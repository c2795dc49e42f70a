"""The Python API: compare options for a person, one row per option.

The command line (``mlworth-xl compare``), the Excel function
``MLWORTH_COMPARE`` and the workbook's Summary sheet all show these columns
with these headers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlworth_xl.model.errors import InputError
from mlworth_xl.model.evaluate import Outcome
from mlworth_xl.model.records import Person, Program, Programs


@dataclass(frozen=True)
class Column:
    """One column of the comparison: the model's name, the header people see, its format."""

    key: str
    header: str
    kind: str  # "text", "usd", "years", "rate", "flag", "rank"
    doc: str


COLUMNS: tuple[Column, ...] = (
    Column("option", "Option", "text", "The option's name."),
    Column("rank", "Rank (by NPV)", "rank", "1 for the highest NPV."),
    Column("cost_of_attendance", "Cost of attendance", "usd",
           "Tuition, fees, books, extra living, travel, relocation, less aid."),
    Column("income_given_up", "Income given up", "usd",
           "After-tax salary not earned while studying and looking for the job."),
    Column("amount_borrowed", "Amount borrowed", "usd",
           "Loan principal, fee included, in the dollars of each disbursement."),
    Column("loan_fees", "Loan fees", "usd",
           "Origination fees, in the dollars of each disbursement."),
    Column("total_interest", "Total interest", "usd",
           "Interest over the loans' life, in the dollars of the day it is paid."),
    Column("loan_cost", "Loan cost (today's $)", "usd",
           "Fees + interest − relief, each year deflated to today's dollars, less inflation's "
           "erosion of the debt."),
    Column("total_cost", "Total cost", "usd",
           "Cost of attendance + income given up + loan cost, in today's dollars."),
    Column("monthly_payment", "Monthly payment", "usd",
           "Payment of all loans in the first month of repayment."),
    Column("payback_years", "Payback (years)", "years",
           "Years from the first day of study until the option has earned back its cost."),
    Column("discounted_payback_years", "Discounted payback (years)", "years",
           "The same with each year's flow discounted."),
    Column("npv", "NPV", "usd", "Net present value over the horizon at the discount rate."),
    Column("irr", "IRR", "rate", "The discount rate at which the NPV is zero."),
    Column("roi", "ROI", "rate", "Gain over the horizon / total cost − 1."),
    Column("break_even_salary", "Break-even salary", "usd",
           "Salary after at which the option pays back in the target payback years."),
    Column("pays_back_within_target", "Pays back within target", "flag",
           "Whether the payback is within the person's target."),
    Column("federal_loans", "Federal loans", "usd",
           "Direct Unsubsidized and Grad PLUS principal, fees included (simple financing: "
           "the one loan)."),
    Column("private_loans", "Private loans", "usd",
           "Principal of the private loan that covers the rest (federal financing)."),
    Column("total_paid", "Total paid on loans", "usd",
           "Every loan payment: amount borrowed + total interest − principal matched − "
           "forgiven."),
    Column("years_to_pay_off", "Years to pay off", "years",
           "Years from the first payment until every loan is repaid or forgiven."),
    Column("amount_forgiven", "Amount forgiven", "usd",
           "Balance forgiven under RAP after 360 payments (may be taxable)."),
    Column("loan_relief", "Loan relief", "usd",
           "RAP's principal match plus the amount forgiven less tax on it."),
)

HEADERS = {c.key: c.header for c in COLUMNS}


def _programs(programs: Any) -> Programs:
    if programs is None:
        return Programs.default()
    if isinstance(programs, Programs):
        return programs
    if isinstance(programs, str | os.PathLike):
        from mlworth_xl.inputs import read_programs

        return read_programs(programs)
    if isinstance(programs, pd.DataFrame):
        programs = programs.to_dict("records")
    if isinstance(programs, Program):
        programs = [programs]
    if isinstance(programs, Sequence):
        return Programs.from_records([p if isinstance(p, Program) else Program.from_mapping(p)
                                      for p in programs])
    raise InputError.single("programs", f"{type(programs).__name__} is not a table of programs: "
                            "give a file path, a DataFrame, or a list of Program or dicts")


def _person(person: Any) -> Person:
    if person is None:
        return Person.default()
    if isinstance(person, Person):
        return person
    if isinstance(person, str | os.PathLike):
        from mlworth_xl.inputs import read_person

        return read_person(person)
    if isinstance(person, Mapping):
        return Person.from_mapping(person)
    raise InputError.single("person", f"{type(person).__name__} is not a person: give a TOML "
                            "path, a dict or a Person")


def resolve_inputs(programs: Any = None, person: Any = None) -> tuple[Programs, Person]:
    """The options and the person that :func:`compare` would use."""
    return _programs(programs), _person(person)


def comparison_frame(programs: Programs, outcome: Outcome) -> pd.DataFrame:
    """The comparison table of evaluated programs, with the human headers."""
    values: dict[str, Any] = {"option": programs.names}
    values.update(outcome.as_dict())
    npv = outcome.npv
    order = np.argsort(-npv, kind="stable")
    rank = np.empty(len(npv), dtype=int)
    rank[order] = np.arange(1, len(npv) + 1)
    values["rank"] = rank
    frame = pd.DataFrame({c.header: values[c.key] for c in COLUMNS})
    frame[HEADERS["pays_back_within_target"]] = frame[HEADERS["pays_back_within_target"]].astype(
        bool)
    return frame


def compare(programs: Any = None, person: Any = None) -> pd.DataFrame:
    """Compare options against staying in the current job, one row per option.

    Parameters
    ----------
    programs : path, DataFrame, list of Program or dict, or None
        The options.  A path reads a CSV or XLSX table (see
        ``templates/programs.csv``); None uses the embedded default comparison.
    person : path, dict, Person or None
        The person.  A path reads a TOML profile (see ``templates/person.toml``);
        None uses the embedded default person.

    Returns
    -------
    pandas.DataFrame
        One row per option, in the given order, with the columns of
        :data:`COLUMNS` (``"Payback (years)"`` is NaN where the option never
        pays back within the horizon).

    Raises
    ------
    InputError
        Naming every field (and row) that is not allowed.

    Examples
    --------
    Is a two-year, $30,000-a-year master's worth it for someone earning
    $60,000 who expects $100,000 after?  With no taxes, raises or
    discounting, it costs $60,000 of tuition and $120,000 of salary, then
    earns $40,000 a year more, so it pays back 4.5 years after graduating:

    >>> row = compare(
    ...     [{"name": "MS", "years": 2, "tuition_per_year": 30000, "salary_after": 100000}],
    ...     {"salary": 60000, "tax_rate": 0, "discount_rate": 0, "savings": 0},
    ... ).iloc[0]
    >>> float(row["Total cost"]), float(row["Payback (years)"])
    (180000.0, 6.5)

    The embedded default comparison has eight options:

    >>> compare()["Option"].tolist()[:2]
    ['Carnegie Mellon MS in ML (in person)', "Private non-profit master's (in person)"]
    """
    table, who = resolve_inputs(programs, person)
    return comparison_frame(table, table.evaluate(who))
