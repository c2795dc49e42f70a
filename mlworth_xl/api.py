"""The Python API: compare options for a person, one row per option.

:func:`compare`, the command line (``mlworth-xl compare``), the Excel function
``MLWORTH_COMPARE`` and the workbook's Summary sheet lead each row with the
option's odds (:data:`ODDS_COLUMNS`: the chance of paying back within the
target, completion, months to a job, placement and roles included) and rank
the options by the expected NPV; the deterministic columns follow
(:data:`COMPARE_COLUMNS`).  The deterministic model assumes the option is
completed, so its returns are headed for what they are: "Payback if
completed (years)", "NPV if completed" and so on (:data:`COLUMNS`, which
``--no-odds`` shows alone, ranked by the NPV if completed).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas is imported where a table is made: the Excel functions rarely need it
    import pandas as pd

from mlworth_xl.model import federal, metrics
from mlworth_xl.model.codes import Financing, Plan
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.evaluate import Outcome
from mlworth_xl.model.odds import odds_programs, verdict
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.model.uncertainty import Uncertainty


@dataclass(frozen=True)
class Column:
    """One column of the comparison: the model's name, the header people see, its format."""

    key: str
    header: str
    kind: str  # "text", "usd", "years", "rate", "rank"
    doc: str


COLUMNS: tuple[Column, ...] = (
    Column("option", "Option", "text", "The option's name."),
    Column(
        "rank",
        "Rank (by NPV if completed)",
        "rank",
        "1 for the highest NPV if completed (the table without the odds).",
    ),
    Column(
        "cost_of_attendance",
        "Cost of attendance",
        "usd",
        "Tuition, fees, books, extra living, travel, relocation, less aid.",
    ),
    Column(
        "income_given_up",
        "Income given up",
        "usd",
        "After-tax salary not earned while studying and looking for the job.",
    ),
    Column(
        "amount_borrowed",
        "Amount borrowed",
        "usd",
        "Loan principal, fee included, in the dollars of each disbursement.",
    ),
    Column(
        "loan_fees", "Loan fees", "usd", "Origination fees, in the dollars of each disbursement."
    ),
    Column(
        "total_interest",
        "Total interest",
        "usd",
        "Interest over the loans' life, in the dollars of the day it is paid.",
    ),
    Column(
        "loan_cost",
        "Loan cost (today's $)",
        "usd",
        "Fees + interest − relief, each year deflated to today's dollars, less inflation's "
        "erosion of the debt.",
    ),
    Column(
        "total_cost",
        "Total cost",
        "usd",
        "Cost of attendance + income given up + loan cost, in today's dollars.",
    ),
    Column(
        "monthly_payment",
        "Monthly payment",
        "usd",
        "Payment of all loans in the first month of repayment.",
    ),
    Column(
        "payback_years",
        "Payback if completed (years)",
        "years",
        "Years from the first day of study until the option has earned back its cost, if it "
        "is completed (placement and months to a job as expected; no dropout).",
    ),
    Column(
        "discounted_payback_years",
        "Discounted payback if completed (years)",
        "years",
        "The same with each year's flow discounted.",
    ),
    Column(
        "npv",
        "NPV if completed",
        "usd",
        "Net present value over the horizon at the discount rate, if the option is completed.",
    ),
    Column(
        "irr",
        "IRR if completed",
        "rate",
        "The discount rate at which the NPV if completed is zero.",
    ),
    Column(
        "roi", "ROI if completed", "rate", "Gain over the horizon / total cost − 1, if completed."
    ),
    Column(
        "break_even_salary",
        "Break-even salary (if completed)",
        "usd",
        "Salary after at which the option, if completed, pays back in the target payback years.",
    ),
    Column(
        "pays_back_within_target",
        "Pays back within target if completed",
        "text",
        "Yes or No: whether the payback if completed is within the person's target (the "
        "chance, completion included, is in the table with the odds).",
    ),
    Column(
        "federal_loans",
        "Federal loans",
        "usd",
        "Direct Unsubsidized and Grad PLUS principal, fees included (simple financing: "
        "the one loan).",
    ),
    Column(
        "private_loans",
        "Private loans",
        "usd",
        "Principal of the private loan that covers the rest (federal financing).",
    ),
    Column(
        "total_paid",
        "Total paid on loans",
        "usd",
        "Every loan payment: amount borrowed + total interest − principal matched − forgiven.",
    ),
    Column(
        "years_to_pay_off",
        "Years to pay off",
        "years",
        "Years from the first payment until every loan is repaid or forgiven.",
    ),
    Column(
        "amount_forgiven",
        "Amount forgiven",
        "usd",
        "Balance forgiven under RAP after 360 payments (may be taxable).",
    ),
    Column(
        "loan_relief",
        "Loan relief",
        "usd",
        "RAP's principal match plus the amount forgiven less tax on it.",
    ),
)

HEADERS = {c.key: c.header for c in COLUMNS}

#: What an IRR above the highest rate looked at (:data:`~mlworth_xl.model.metrics.IRR_CEILING`)
#: shows as: the model's ``inf``, in `mlworth-xl compare`, the Excel functions and the
#: workbook's Summary alike.
#:
#: >>> IRR_ABOVE
#: '> 99,900%'
IRR_ABOVE = f"> {metrics.IRR_CEILING:,.0%}"

#: The odds of each option (:mod:`mlworth_xl.model.odds`), which :func:`compare` leads with.
ODDS_COLUMNS: tuple[Column, ...] = (
    Column(
        "payback_chance",
        "Chance of paying back within target",
        "rate",
        "Probability of paying back within the person's target payback years, over "
        "completion, months to a job, placement and the salary (exact; under RAP with a "
        "salary spread, from 100,000 simulated draws).",
    ),
    Column(
        "verdict",
        "Verdict",
        "text",
        "The chance in words: Likely (at least 2/3), Unlikely (at most 1/3), otherwise "
        "Uncertain, with the chance.",
    ),
    Column(
        "median_payback_years",
        "Median payback (years)",
        "years",
        "Half of the possible courses pay back within this (never: half or more do not "
        "within the horizon).",
    ),
    Column("expected_npv", "Expected NPV", "usd", "The NPV averaged over the possible courses."),
    Column("npv_p10", "NPV P10", "usd", "10th percentile of the NPV over the possible courses."),
    Column("npv_p90", "NPV P90", "usd", "90th percentile of the NPV over the possible courses."),
)

#: How the loans are repaid, in words (after the loan columns of :func:`compare`).
REPAYMENT = Column(
    "repayment",
    "Repayment",
    "text",
    "The federal (or simple) loans' plan and the private loan's term; a fixed "
    "plan on loans from 2026-07-01 is said to pay more than the tiered plan "
    "requires.",
)

#: Columns of :data:`COLUMNS` that :func:`compare` shows otherwise after the odds: the rank is
#: by the expected NPV there.
EXPECTED_HEADERS = {
    "rank": Column("rank", "Rank (by expected NPV)", "rank", "1 for the highest expected NPV.")
}

#: The columns of :func:`compare`: the option, its odds, the rank by the expected NPV, then
#: :data:`COLUMNS` if completed (whether that pays back within the target is left to the odds).
COMPARE_COLUMNS: tuple[Column, ...] = (
    COLUMNS[0],
    *ODDS_COLUMNS,
    *(EXPECTED_HEADERS.get(c.key, c) for c in COLUMNS[1:] if c.key != "pays_back_within_target"),
    REPAYMENT,
)


def repayment_words(programs: Programs, outcome: Outcome) -> list[str]:
    """Each option's repayment in words: ``tiered standard plan; private loan over 10 years``.

    >>> repayment_words(Programs.default(), Programs.default().evaluate(Person.default()))[0]
    'federal: tiered standard plan; private: 10 years'
    """
    c = programs.columns
    new_loans = federal.new_rule_loans(c["start_year"], c["start_month"], c["years"])
    out = []
    for i in range(len(programs)):
        if outcome.amount_borrowed[i] <= 0:
            out.append("nothing borrowed")
            continue
        plan, term = Plan(int(c["repayment_plan"][i])), int(c["loan_term_years"][i])
        simple = int(c["financing"][i]) == Financing.SIMPLE
        words = {
            Plan.FIXED: f"fixed {term} years",
            Plan.TIERED: "tiered standard plan",
            Plan.RAP: "RAP (payment by income)",
        }[plan]
        if plan == Plan.FIXED and not simple and new_loans[i]:
            words += " (pays more than the tiered plan requires)"
        parts = [("simple what-if loan: " if simple else "federal: ") + words]
        if outcome.private_loans[i] > 0:
            parts.append(f"private: {int(c['private_term_years'][i])} years")
        out.append("; ".join(parts))
    return out


def _programs(programs: Any) -> Programs:
    if programs is None:
        return Programs.default()
    if isinstance(programs, Programs):
        return programs
    if isinstance(programs, str | os.PathLike):
        from mlworth_xl.inputs import read_programs

        return read_programs(programs)
    pandas = sys.modules.get("pandas")  # a DataFrame can only exist once pandas is imported
    if pandas is not None and isinstance(programs, pandas.DataFrame):
        programs = programs.to_dict("records")
    if isinstance(programs, Program):
        programs = [programs]
    if isinstance(programs, Sequence):
        return Programs.from_records(
            [p if isinstance(p, Program) else Program.from_mapping(p) for p in programs]
        )
    raise InputError.single(
        "programs",
        f"{type(programs).__name__} is not a table of programs: "
        "give a file path, a DataFrame, or a list of Program or dicts",
    )


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
    raise InputError.single(
        "person", f"{type(person).__name__} is not a person: give a TOML path, a dict or a Person"
    )


def resolve_inputs(programs: Any = None, person: Any = None) -> tuple[Programs, Person]:
    """The options and the person that :func:`compare` would use.

    With no ``person``, options read from a comparison or template workbook come with the
    person on its Inputs sheet (the client's), not the default person.
    """
    table = _programs(programs)
    if person is None and isinstance(programs, str | os.PathLike):
        from mlworth_xl.workbook.reader import SheetPrograms

        if isinstance(table, SheetPrograms):
            return table, table.person()  # the workbook's Inputs sheet
    return table, _person(person)


def rank(values: Any) -> np.ndarray:
    """1 for the highest value, then down; ties in the given order (as the Summary's RANK).

    >>> rank([5.0, 9.0, 5.0]).tolist()
    [2, 1, 3]
    """
    values = np.asarray(values, dtype=float)
    out = np.empty(len(values), dtype=int)
    out[np.argsort(-values, kind="stable")] = np.arange(1, len(values) + 1)
    return out


def comparison_frame(programs: Programs, outcome: Outcome) -> pd.DataFrame:
    """The comparison table of evaluated programs, with the human headers, ranked by the NPV
    if completed; whether that pays back within the target in words (Yes or No)."""
    values: dict[str, Any] = {"option": programs.names}
    values.update(outcome.as_dict())
    values["rank"] = rank(outcome.npv)
    values["pays_back_within_target"] = np.where(outcome.pays_back_within_target, "Yes", "No")
    import pandas as pd

    return pd.DataFrame({c.header: values[c.key] for c in COLUMNS})


def odds_frame(
    programs: Programs,
    person: Person,
    outcome: Outcome,
    uncertainty: Uncertainty | Sequence[Uncertainty] | None = None,
) -> pd.DataFrame:
    """The :data:`COMPARE_COLUMNS` table: each option's odds, its rank by the expected NPV, then
    its figures if completed.

    ``uncertainty``: one for all options, one each, or None for each kind's defaults
    (or, for options read from a workbook, the uncertainty inputs on its Programs sheet).
    """
    if uncertainty is None:
        uncertainty = getattr(programs, "uncertainties", None)
    base = comparison_frame(programs, outcome)
    found = odds_programs(programs, person, uncertainty, roles=getattr(programs, "roles", None))
    chance = np.array([o.payback_probability for o in found])
    values: dict[str, Any] = {
        "payback_chance": chance,
        "verdict": [
            f"{verdict(o.payback_probability)} ({o.payback_probability:.0%}"
            + ("" if o.exact else ", simulated")
            + ")"
            for o in found
        ],
        "median_payback_years": [o.median_payback_years for o in found],
        "expected_npv": [o.expected_npv for o in found],
        "npv_p10": [o.npv_p10 for o in found],
        "npv_p90": [o.npv_p90 for o in found],
        "rank": rank([o.expected_npv for o in found]),
        "repayment": repayment_words(programs, outcome),
    }
    odds_keys = {c.key for c in (*ODDS_COLUMNS, REPAYMENT, *EXPECTED_HEADERS.values())}
    import pandas as pd

    return pd.DataFrame(
        {
            c.header: values[c.key] if c.key in odds_keys else base[HEADERS[c.key]].to_numpy()
            for c in COMPARE_COLUMNS
        }
    )


def compare(programs: Any = None, person: Any = None, *, odds: bool = True) -> pd.DataFrame:
    """Compare options against staying in the current job, one row per option.

    Each row leads with the option's odds over its uncertain course
    (:data:`ODDS_COLUMNS`: the chance of paying back within the person's
    target, in words too, the median payback, the expected NPV and its 10th
    and 90th percentiles) and its rank by the expected NPV, then the
    deterministic measures, which assume the option is completed
    (:data:`COLUMNS`: "Payback if completed (years)", "NPV if completed"…).
    The odds take about 10 ms an option; ``odds=False`` gives the
    deterministic table of :data:`COLUMNS` alone, ranked by the NPV if
    completed, with "Pays back within target if completed" in words.

    Parameters
    ----------
    programs : path, DataFrame, list of Program or dict, or None
        The options.  A path reads a CSV or XLSX table (see
        ``templates/programs.csv``); None uses the embedded default comparison.
    person : path, dict, Person or None
        The person.  A path reads a TOML profile (see ``templates/person.toml``)
        or a workbook's Inputs sheet; None uses the person of a workbook given as
        ``programs``, else the embedded default person.

    Returns
    -------
    pandas.DataFrame
        One row per option, in the given order, with the columns of
        :data:`COMPARE_COLUMNS` (:data:`COLUMNS` with ``odds=False``); a
        payback is NaN where the option never pays back within the horizon.

    Raises
    ------
    InputError
        Naming every field (and row) that is not allowed.

    Examples
    --------
    Is a two-year, $30,000-a-year master's worth it for someone earning
    $60,000 who expects $100,000 after, on graduating (the inputs a master's
    would otherwise take from its kind: placement 1, no months of search, no
    role shares)?  With no taxes, raises or discounting, it costs $60,000 of
    tuition and $120,000 of salary, then earns $40,000 a year more, so it
    pays back 4.5 years after graduating:

    >>> ms = [{"name": "MS", "kind": "masters", "years": 2, "tuition_per_year": 30000,
    ...        "salary_after": 100000, "placement_prob": 1, "months_to_job": 0,
    ...        "share_ml_engineer": 0}]  # one share given: the others are 0 too
    >>> me = {"salary": 60000, "tax_rate": 0, "discount_rate": 0, "savings": 0}
    >>> row = compare(ms, me).iloc[0]
    >>> float(row["Total cost"]), float(row["Payback if completed (years)"])
    (180000.0, 6.5)

    That is the outcome if the degree is completed and all goes as
    expected.  But only 66% of STEM master's students finish, and the salary
    after is lognormal around its median (log sd 0.4356): within the target
    of 10 years it pays back for graduates earning at least
    60,000 + 180,000 / 8 = 82,500, a chance of
    0.66 × P(S ≥ 82,500) = 0.66 × Φ(ln(100,000 / 82,500) / 0.4356) = 0.443:

    >>> row["Verdict"], round(float(row["Chance of paying back within target"]), 3)
    ('Uncertain (44%)', 0.443)

    Without the odds, 6.5 years is within the target if completed, said in words:

    >>> compare(ms, me, odds=False).iloc[0]["Pays back within target if completed"]
    'Yes'

    The embedded default comparison has eight options:

    >>> compare()["Option"].tolist()[:2]
    ['Carnegie Mellon MS in ML (in person)', "Private non-profit master's (in person)"]
    """
    table, who = resolve_inputs(programs, person)
    # a workbook's Roles sheet (read with its Programs) pays the roles as edited there
    outcome = table.evaluate(who, getattr(table, "roles", None))
    return odds_frame(table, who, outcome) if odds else comparison_frame(table, outcome)
