"""Every input of the model, once: name, meaning, unit, default and allowed range.

This table is the single description of the inputs.  The records, the file
readers, the Excel functions and the workbook's data validation all check
values against it, so an input means the same thing and is refused for the
same reason everywhere.

A default is either a number or the key of a figure in the embedded data
(``"loan.direct_unsub_grad_2025_26.rate"``), so a default that comes from a
published figure keeps its source.  The inputs marked ``by_kind`` (placement,
months to a job, the role shares; :data:`KIND_FIELDS`) take the default of the
option's kind (:func:`mlworth_xl.model.data.kind_defaults`); their ``default``
is that of the kind "other", the least favourable, for a caller that gives no
kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from mlworth_xl.model.codes import FINANCING_NAMES, PLAN_NAMES, Financing, Plan

Unit = Literal["usd", "rate", "fraction", "years", "months", "count", "bool", "text"]


@dataclass(frozen=True)
class Field:
    """One input of the model.

    ``low``/``high`` bound the allowed values; ``low_open`` excludes ``low``
    itself (a program of 0 years is not allowed).
    """

    name: str
    label: str
    unit: Unit
    doc: str
    default: float | str | bool | None = None
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    integer: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()
    #: The default follows the option's kind (``default`` is the kind "other"'s).
    by_kind: bool = False

    @property
    def is_number(self) -> bool:
        return self.unit not in ("bool", "text")

    @property
    def is_code(self) -> bool:
        """A number that stands for one of ``choices`` (0 for the first, 1 for the next …)."""
        return self.is_number and bool(self.choices)

    def allowed(self) -> str:
        """What is allowed, in words: ``a number from 0 to 1 (0% to 100%)``.

        >>> PROGRAM["repayment_plan"].allowed()
        '0 (fixed), 1 (tiered) or 2 (rap)'
        """
        if self.unit == "bool":
            return "TRUE or FALSE"
        if self.unit == "text":
            if self.choices:
                return "one of " + ", ".join(self.choices)
            return "text"
        if self.is_code:
            words = [f"{k} ({c})" for k, c in enumerate(self.choices)]
            return ", ".join(words[:-1]) + " or " + words[-1]
        kind = "a whole number" if self.integer else "a number"
        lo = _fmt(self.low, self.unit)
        hi = _fmt(self.high, self.unit)
        if self.low_open:
            return f"{kind} above {lo} and at most {hi}"
        return f"{kind} from {lo} to {hi}"


def _fmt(x: float | None, unit: str) -> str:
    if x is None:
        return "any"
    if unit in ("rate", "fraction"):
        return f"{x:g} ({x * 100:g}%)"
    if unit == "usd":
        return f"{x:,.0f}"
    return f"{x:g}"


KINDS = ("masters", "online", "hybrid", "bootcamp", "certificate", "self-study", "other")

#: Codes of the ``financing`` input (:class:`mlworth_xl.model.codes.Financing`).
FINANCING = FINANCING_NAMES
#: Codes of the ``repayment_plan`` input (:class:`mlworth_xl.model.codes.Plan`).
PLANS = PLAN_NAMES

#: The roles of the role table (:mod:`mlworth_xl.model.roles`), each with a share field
#: ``share_<role>`` per option.  "Stays in the current kind of job" is not among them: it is
#: ``1 - placement_prob``, the graduates who go back to the current salary path.
ROLE_LABELS = {
    "ml_engineer": "Machine learning engineer",
    "data_scientist": "Data scientist",
    "data_engineer": "Data engineer",
    "software_engineer": "Software engineer",
    "doctoral_student": "Doctoral student",
}
#: The share fields, in the order of :data:`ROLE_LABELS`.
SHARE_FIELDS = tuple(f"share_{key}" for key in ROLE_LABELS)

LOAN_APR_DEFAULT = "loan.direct_unsub_grad_2025_26.rate"
LOAN_FEE_DEFAULT = "loan.direct_unsub_grad_2025_26.fee"

PROGRAM_FIELDS: tuple[Field, ...] = (
    Field("name", "Option", "text", "Name of the option, shown in every table.", required=True),
    Field("kind", "Kind", "text", "What sort of option it is.", default="other", choices=KINDS),
    Field(
        "years",
        "Length (years)",
        "years",
        "Length of study in years; 0.25 is three months.",
        low=0,
        high=10,
        low_open=True,
        required=True,
    ),
    Field(
        "tuition_per_year",
        "Tuition per year",
        "usd",
        "Tuition for one full year of the program (a partial year pays its share).",
        low=0,
        high=500_000,
        required=True,
    ),
    Field(
        "tuition_growth",
        "Tuition growth",
        "rate",
        "Yearly increase of tuition after the first year.",
        default=0.0,
        low=-0.2,
        high=0.3,
    ),
    Field(
        "program_price",
        "Program price",
        "usd",
        "Price of the whole program paid once at the start (bootcamps, certificates).",
        default=0.0,
        low=0,
        high=500_000,
    ),
    Field(
        "fees_per_year",
        "Fees per year",
        "usd",
        "Mandatory fees per year.",
        default=0.0,
        low=0,
        high=200_000,
    ),
    Field(
        "books_per_year",
        "Books and supplies per year",
        "usd",
        "Books, supplies, a laptop.",
        default=0.0,
        low=0,
        high=50_000,
    ),
    Field(
        "living_per_month",
        "Extra living cost per month",
        "usd",
        "Housing and living cost above what the person pays now, per month of study.",
        default=0.0,
        low=0,
        high=50_000,
    ),
    Field(
        "caregiving_per_month",
        "Caregiving per month",
        "usd",
        "Child or elder care needed because of study, per month of study.",
        default=0.0,
        low=0,
        high=50_000,
    ),
    Field(
        "travel_per_year",
        "Travel per year",
        "usd",
        "Trips to campus (hybrid programs) per year of study.",
        default=0.0,
        low=0,
        high=200_000,
    ),
    Field(
        "relocation",
        "Relocation",
        "usd",
        "One-off cost of moving, paid at the start.",
        default=0.0,
        low=0,
        high=200_000,
    ),
    Field(
        "aid_per_year",
        "Grants and scholarships per year",
        "usd",
        "Grants and scholarships per year (never more than that year's tuition, fees, books).",
        default=0.0,
        low=0,
        high=500_000,
    ),
    Field(
        "employer_assistance_per_year",
        "Employer assistance per year",
        "usd",
        "Tuition paid by an employer per year ($5,250 is tax-free under IRC 127).",
        default=0.0,
        low=0,
        high=500_000,
    ),
    Field(
        "work_fraction",
        "Salary kept while studying",
        "fraction",
        "Share of the current salary still earned while studying: 0 full-time, 1 keeps the job.",
        default=0.0,
        low=0,
        high=1,
    ),
    Field(
        "loan_share",
        "Share borrowed",
        "fraction",
        "Share of the cost not covered by savings that is borrowed.",
        default=0.0,
        low=0,
        high=1,
    ),
    Field(
        "loan_apr",
        "Simple loan APR",
        "rate",
        "Interest rate per year of the one loan of simple financing (a what-if: no student "
        "borrows this way under the federal rules from 2026-07-01).",
        default=LOAN_APR_DEFAULT,
        low=0,
        high=0.4,
    ),
    Field(
        "loan_fee",
        "Simple loan fee",
        "rate",
        "Origination fee of the one loan of simple financing; the loan is grossed up so the net "
        "covers the need.",
        default=LOAN_FEE_DEFAULT,
        low=0,
        high=0.2,
    ),
    Field(
        "loan_term_years",
        "Fixed plan term (years)",
        "years",
        "Term of the fixed plan. For federal loans first disbursed from 2026-07-01 the law's "
        "standard plan is tiered; a fixed term of at most 10 years is modelled as paying more "
        "than the tiered plan requires (a prepayment), and a longer one is refused.",
        default="loan.standard_term_years",
        low=1,
        high=30,
        integer=True,
    ),
    Field(
        "grace_months",
        "Grace period (months)",
        "months",
        "Months after study before repayment starts.",
        default="loan.grace_months",
        low=0,
        high=36,
        integer=True,
    ),
    Field(
        "capitalize_interest",
        "Capitalize deferment interest",
        "bool",
        "Federal loans (and the simple loan): FALSE, the rule in force, adds no interest to the "
        "balance when repayment first starts (34 CFR 685.202(b) as amended from 2023-07-01); "
        "the interest accrued in school and grace is counted as paid in the months it "
        "accrues (the same total, at the earliest time). TRUE adds it to the balance.",
        default=False,
    ),
    Field(
        "financing",
        "Financing",
        "count",
        "1 federal (the law in force, the default): each study year's need, disbursed at its "
        "start, by Direct Unsubsidized loans within the limits (Grad PLUS for legacy "
        "borrowers), the rest by a private loan. 0 simple (a what-if): one loan at the simple "
        "loan APR and fee on the first day of study.",
        default=int(Financing.FEDERAL),
        low=int(min(Financing)),
        high=int(max(Financing)),
        integer=True,
        choices=FINANCING,
    ),
    Field(
        "start_year",
        "Start year",
        "count",
        "Calendar year of the first day of study (federal financing: picks rates, fees, rules).",
        default="assumption.start_year",
        low=2000,
        high=2100,
        integer=True,
    ),
    Field(
        "start_month",
        "Start month",
        "count",
        "Month (1-12) of the first day of study; a disbursement each year on its first day.",
        default="assumption.start_month",
        low=1,
        high=12,
        integer=True,
    ),
    Field(
        "enrolment_intensity",
        "Enrolment intensity",
        "fraction",
        "Share of a full-time load (federal financing): prorates the annual limit; "
        "below half time no federal loan.",
        default=1.0,
        low=0,
        high=1,
    ),
    Field(
        "prior_grad_borrowing",
        "Earlier graduate federal loans",
        "usd",
        "Federal graduate loans already borrowed; they count against the aggregate and "
        "lifetime limits.",
        default=0.0,
        low=0,
        high=1_000_000,
    ),
    Field(
        "prior_undergrad_borrowing",
        "Earlier undergraduate federal loans",
        "usd",
        "Federal undergraduate loans already borrowed; they count against the lifetime limit.",
        default=0.0,
        low=0,
        high=1_000_000,
    ),
    Field(
        "grad_plus_legacy",
        "Grad PLUS legacy borrower",
        "bool",
        "TRUE: enrolled in this program on 2026-06-30 with a Direct Loan for it before "
        "2026-07-01, so Grad PLUS and the earlier limits stay open for up to 3 years.",
        default=False,
    ),
    Field(
        "private_apr",
        "Private loan APR",
        "rate",
        "Fixed interest rate per year of the private loan that covers what federal loans do "
        "not (federal financing).",
        default="loan.private_grad_fixed_apr",
        low=0,
        high=0.4,
    ),
    Field(
        "private_fee",
        "Private loan fee",
        "rate",
        "Origination fee of the private loan; the loan is grossed up so the net covers the rest.",
        default="loan.private_grad_fee",
        low=0,
        high=0.2,
    ),
    Field(
        "private_term_years",
        "Private loan term (years)",
        "years",
        "Years of level monthly payments of the private loan.",
        default="loan.private_term_years",
        low=1,
        high=30,
        integer=True,
    ),
    Field(
        "private_deferment",
        "Private loan deferred in school",
        "bool",
        "TRUE: no payments in school and grace, and the interest accrued is added to the "
        "balance when repayment starts (lenders' usual full deferment). FALSE: the interest "
        "is paid as it accrues (interest-only payments in school).",
        default=True,
    ),
    Field(
        "repayment_plan",
        "Repayment plan",
        "count",
        "Plan of the federal loans (or the simple loan): 1 tiered standard (10-25 years by "
        "balance, the law's standard plan for loans from 2026-07-01, the default), 0 fixed "
        "over the fixed plan term, 2 RAP (payment by income).",
        default=int(Plan.TIERED),
        low=int(min(Plan)),
        high=int(max(Plan)),
        integer=True,
        choices=PLANS,
    ),
    Field(
        "salary_after",
        "Salary after",
        "usd",
        "Yearly salary in the new role, in its first year (of every placed graduate when "
        "the option has no role shares).",
        low=0,
        high=10_000_000,
        required=True,
    ),
    Field(
        "salary_growth_after",
        "Salary growth after",
        "rate",
        "Yearly salary growth in the new role.",
        default=0.0,
        low=-0.2,
        high=0.3,
    ),
    Field(
        "placement_prob",
        "Placement probability",
        "fraction",
        "Chance of landing the new role; otherwise the person earns the current salary path. "
        "Empty: the kind's default.",
        default="assumption.least_favourable_placement_prob",
        low=0,
        high=1,
        by_kind=True,
    ),
    Field(
        "months_to_job",
        "Months to find a job",
        "months",
        "Months between the end of study and the new job (salary kept: as while studying). "
        "Empty: the kind's default.",
        default="assumption.least_favourable_months_to_job",
        low=0,
        high=120,
        by_kind=True,
    ),
    *(
        Field(
            f"share_{key}",
            f"Share: {label}",
            "fraction",
            f"Share of placed graduates who become {label.lower()}s, paid as the role table "
            "says. An option's role shares add up to 1, or are all 0: then every placed "
            "graduate earns the salary after. All empty: the kind's shares; some empty: 0.",
            default=0.0,
            low=0,
            high=1,
            by_kind=True,
        )
        for key, label in ROLE_LABELS.items()
    ),
)

PERSON_FIELDS: tuple[Field, ...] = (
    Field(
        "salary",
        "Current salary",
        "usd",
        "Current yearly salary (gross).",
        default="salary.us_average",
        low=0,
        high=10_000_000,
    ),
    Field(
        "salary_growth",
        "Current salary growth",
        "rate",
        "Yearly growth of the current salary if the person stays put.",
        default="assumption.salary_growth",
        low=-0.2,
        high=0.3,
    ),
    Field(
        "tax_rate",
        "Tax rate",
        "rate",
        "Effective tax rate on salary (all taxes together).",
        default="assumption.tax_rate",
        low=0,
        high=0.9,
    ),
    Field(
        "discount_rate",
        "Discount rate",
        "rate",
        "Yearly rate for NPV and discounted payback.",
        default="practice.discount_rate",
        low=0,
        high=0.5,
    ),
    Field(
        "horizon_years",
        "Horizon (years)",
        "years",
        "Years from the first day of study that the comparison counts.",
        default="practice.horizon_years",
        low=1,
        high=80,
        integer=True,
    ),
    Field(
        "target_payback_years",
        "Target payback (years)",
        "years",
        "Payback the person would accept; the break-even salary is computed for it.",
        default="assumption.target_payback_years",
        low=0,
        high=80,
        low_open=True,
    ),
    Field(
        "savings",
        "Savings available",
        "usd",
        "Savings that pay costs before any borrowing.",
        default="assumption.savings",
        low=0,
        high=100_000_000,
    ),
    Field(
        "inflation",
        "Inflation",
        "rate",
        "Yearly inflation. Every amount is in today's dollars: salaries, costs and growth "
        "rates are real; loans are nominal contracts, so their payments, fees and interest "
        "are deflated year by year and the debt's erosion counts for the borrower. 0 treats "
        "the loans as if they were real too.",
        default="practice.inflation",
        low=-0.05,
        high=0.25,
    ),
    Field(
        "dependents",
        "Dependents",
        "count",
        "Dependents claimed on the tax return; each lowers the RAP payment by $50 a month.",
        default=0,
        low=0,
        high=20,
        integer=True,
    ),
)

PROGRAM = {f.name: f for f in PROGRAM_FIELDS}
#: The program inputs whose default follows the option's kind, in the order of the fields.
KIND_FIELDS: tuple[str, ...] = tuple(f.name for f in PROGRAM_FIELDS if f.by_kind)
PERSON = {f.name: f for f in PERSON_FIELDS}
ALL = {**PROGRAM, **PERSON}

#: Numeric inputs of the vectorized model, in a fixed order.
NUMERIC_INPUTS: tuple[str, ...] = tuple(
    f.name for f in (*PROGRAM_FIELDS, *PERSON_FIELDS) if f.unit != "text"
)


# ``values`` may also be a list of Python numbers and numpy scalars mixed (``[x]`` of one
# value, as callers pass it), which numpy's ``ArrayLike`` does not spell.
def check(
    field: Field, values: ArrayLike | Sequence[float | np.number[Any]]
) -> list[tuple[int, str]]:
    """Problems of an array of values: ``(flat index, message)`` for each bad one.

    Booleans count as 0/1.  A rate entered as a whole percentage (7.94 for
    7.94%) gets a message that says so.

    >>> print(check(PROGRAM["loan_apr"], [0.05, 7.94])[0][1][:60])
    7.94 looks like a percentage; enter 0.0794 (7.94%) or write
    """
    v = np.asarray(values, dtype=float).ravel()
    finite = np.isfinite(v)
    if field.unit == "bool":
        bad = ~finite | ((v != 0) & (v != 1))
    else:
        lo, hi = field.low, field.high
        bad = ~finite
        if lo is not None:
            bad |= (v <= lo) if field.low_open else (v < lo)
        if hi is not None:
            bad |= v > hi
        if field.integer:
            bad |= v != np.round(v)
    if not bad.any():
        return []
    return [(int(i), describe(field, float(v[i]))) for i in np.nonzero(bad)[0]]


def describe(field: Field, x: float) -> str:
    """Why ``x`` is not allowed for ``field`` (``x`` is known to be bad)."""
    allowed = field.allowed()
    if not np.isfinite(x):
        shown = "NaN" if np.isnan(x) else ("infinity" if x > 0 else "-infinity")
        return f"must be a finite number, not {shown}; allowed: {allowed}"
    if field.unit == "bool":
        return f"{x:g} is not TRUE or FALSE"
    lo = field.low if field.low is not None else -np.inf
    hi = field.high if field.high is not None else np.inf
    if field.unit in ("rate", "fraction") and x > hi and lo <= x / 100 <= hi:
        return (
            f"{x:g} looks like a percentage; enter {x / 100:g} ({x:g}%) or write {x:g}%; "
            f"allowed: {allowed}"
        )
    if lo <= x <= hi and not (field.low_open and x == lo):
        return f"{x!r} is not a whole number; allowed: {allowed}"
    return f"{x:g} is out of range; allowed: {allowed}"
