"""Where everything lives in the workbook: sheets, rows, columns and cell references.

Every formula is built from these positions, never from cell addresses
written by hand, so moving a row means changing one number here.

Options are numbered 0, 1, … in the order given.  On Programs and on the
Loans key figures, option ``i`` is column ``C + i``; on Cash flows and on
the loan schedule each option has a block of columns; on Summary it is
row ``first + i``.  Only options on RAP when the workbook is generated have
a block on the RAP sheet (``rap_options``, in order); the sheet is left out
when there is none.

>>> lay = Layout(3, rap_options=(2,))
>>> lay.program("tuition_per_year", 0)
'Programs!$C$8'
>>> lay.cf_range(1, "flow")
"'Cash flows'!$AJ$9:$AJ$88"
>>> lay.rap_block(0), lay.rap_block(2), lay.sheets
(None, 0, ('Guide', 'Inputs', 'Programs', 'Roles', 'Summary', 'Odds', 'Cash flows', 'Loans',
 'RAP', 'Sources'))
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from openpyxl.utils import get_column_letter

from mlworth_xl.columns import COMPARE_COLUMNS
from mlworth_xl.model import data, federal, fields, metrics
from mlworth_xl.model.codes import Plan
from mlworth_xl.model.distributions import MAX_MONTHS_TO_JOB, Z90
from mlworth_xl.model.odds import LIKELY_FROM, UNLIKELY_UP_TO
from mlworth_xl.model.records import Program, Programs
from mlworth_xl.model.roles import SHARE_TOLERANCE
from mlworth_xl.model.uncertainty import RISK, RISK_FIELDS

GUIDE, INPUTS, PROGRAMS, ROLES, SUMMARY, ODDS, CASH_FLOWS, LOANS, RAP, SOURCES = (
    "Guide",
    "Inputs",
    "Programs",
    "Roles",
    "Summary",
    "Odds",
    "Cash flows",
    "Loans",
    "RAP",
    "Sources",
)
#: Sheets in the order they appear (RAP only when an option is on RAP; see Layout.sheets).
SHEETS = (GUIDE, INPUTS, PROGRAMS, ROLES, SUMMARY, ODDS, CASH_FLOWS, LOANS, RAP, SOURCES)


def positions(keyed: Iterable[Sequence[str]], first: int = 0) -> dict[str, int]:
    """The position of each entry of ``keyed`` (tuples whose first item is a key), from ``first``.

    >>> positions((("year", "Year"), ("salary", "Salary")), first=1)
    {'year': 1, 'salary': 2}
    """
    return {entry[0]: first + k for k, entry in enumerate(keyed)}


@dataclass(frozen=True)
class Blocks:
    """Options side by side, a block of the same ``columns`` each, the first from ``start``.

    ``columns`` are ``(key, header)`` pairs; ``width`` is the block's width when
    the columns are only its first ones (the IRR search in a Cash flows block).

    >>> flows = Blocks((("cost", "Cost"), ("gain", "Gain")), start=3)
    >>> flows.col(0, "gain"), flows.col(2, "cost"), flows.last_col(3)
    (4, 7, 8)
    """

    columns: tuple[tuple[str, str], ...]
    start: int
    width: int = 0
    #: Each key's column within a block (0 for the first).
    offset: dict[str, int] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "width", self.width or len(self.columns))
        object.__setattr__(self, "offset", positions(self.columns))

    def col(self, i: int, key: str) -> int:
        """Column of ``key`` in the ``i``-th block."""
        return self.start + i * self.width + self.offset[key]

    def last_col(self, n: int) -> int:
        """Last column of ``n`` blocks."""
        return self.start + n * self.width - 1


#: Year rows laid out: enough for the longest horizon the Inputs allow.
MAX_YEARS = int(fields.PERSON["horizon_years"].high or 80)
#: Disbursement rows: one per study year of the longest program allowed.
MAX_DISBURSEMENTS = int(fields.PROGRAM["years"].high or 10)
#: Monthly rows of the RAP sheet: RAP forgives after this many payments.
RAP_MONTHS = 360

#: The defined name of each person input.
PERSON_NAMES = {
    "salary": "Salary",
    "salary_growth": "SalaryGrowth",
    "tax_rate": "TaxRate",
    "discount_rate": "DiscountRate",
    "horizon_years": "Horizon",
    "target_payback_years": "TargetPayback",
    "savings": "Savings",
    "inflation": "Inflation",
    "dependents": "Dependents",
}
#: A named constant (12), so no formula hides the number of months in a year.
MONTHS_PER_YEAR = "MonthsPerYear"
#: Named constants: the IRR is searched between these rates, the model's
#: (metrics.IRR_FLOOR, metrics.IRR_CEILING; 999 keeps (1 + rate)^80 within double range).
IRR_LOW, IRR_HIGH = "IrrLowestRate", "IrrHighestRate"
IRR_BOUNDS = {IRR_LOW: metrics.IRR_FLOOR, IRR_HIGH: metrics.IRR_CEILING}
#: Bisection steps of the IRR search: each halves log(1 + rate), so 60 steps narrow
#: the bracket from a factor 10^5 to below a double's precision.
IRR_STEPS = 60

# Inputs sheet: one row per person field, value in column B.
INPUTS_HEADER_ROW = 4
INPUTS_FIRST_ROW = 5
INPUTS_VALUE_COL = 2
INPUTS_CONSTANT_ROW = INPUTS_FIRST_ROW + len(fields.PERSON_FIELDS) + 2
#: Named constants on Inputs, one per row from INPUTS_CONSTANT_ROW: (name, value, label, unit).
CONSTANTS = (
    (MONTHS_PER_YEAR, 12, "Months per year", "months"),
    (IRR_LOW, IRR_BOUNDS[IRR_LOW], "IRR search: lowest rate", "percent"),
    (IRR_HIGH, IRR_BOUNDS[IRR_HIGH], "IRR search: highest rate", "percent"),
    ("RoundingGuard", 1e-9, "Guard added before rounding the enrolment intensity", "number"),
    ("NoSalaryReaches", 1e300, "Odds: a salary that no one reaches (never pays back)", "number"),
    (
        "MonthsToJobCap",
        MAX_MONTHS_TO_JOB,
        "Odds: longest search counted (months); it holds every longer one",
        "months",
    ),
    ("LikelyFrom", LIKELY_FROM, "Verdict: Likely from this chance", "percent"),
    ("UnlikelyUpTo", UNLIKELY_UP_TO, "Verdict: Unlikely up to this chance", "percent"),
    ("SameFigure", 1e-9, "Odds: relative change under which a figure is unchanged", "number"),
    ("TinySpread", 1e-12, "Odds: spread read for a role paid one salary (log sd 0)", "number"),
    (
        "PercentileSpan",
        2.0 * Z90,
        "Roles: standard normal 90th minus 10th percentile (2 × 1.28155)",
        "number",
    ),
    (
        "ShareTolerance",
        SHARE_TOLERANCE,
        "Roles: role shares may add up to 1 (or 0) give or take this much",
        "number",
    ),
    ("AwardYearMonth", 7, "Month federal loan rates change (award year)", "month"),
    ("FeeYearMonth", 10, "Month federal loan fees change (fiscal year)", "month"),
    ("RapPlanCode", int(Plan.RAP), "Repayment plan code of RAP (0 fixed, 1 tiered)", "code"),
)
#: Federal loan figures on Inputs below the constants: (name, figure key or derived, label).
#: Their values come from the embedded data (see the Sources sheet).
RULES_ROW = INPUTS_CONSTANT_ROW + len(CONSTANTS) + 2
RULES = (
    ("FedAnnualLimit", "law.grad_annual_limit", "Direct Unsubsidized annual limit", "usd"),
    ("FedAggregateLimit", "law.grad_aggregate_limit", "Graduate aggregate limit", "usd"),
    (
        "FedAggregateBefore2026",
        "law.grad_aggregate_limit_before_2026",
        "Aggregate limit before 2026-07-01 and for legacy borrowers",
        "usd",
    ),
    ("FedLifetimeLimit", "law.lifetime_limit", "Lifetime federal limit", "usd"),
    (
        "FedMinEnrolment",
        "law.min_enrolment_for_loans",
        "Least enrolment for a Direct Loan",
        "fraction",
    ),
    (
        "FedIntensityStep",
        "law.enrolment_intensity_rounding",
        "Enrolment intensity rounded to",
        "fraction",
    ),
    ("GradPlusClosedYear", "law.grad_plus_closed_from", "Grad PLUS closed from: year", "count"),
    ("GradPlusClosedMonth", "law.grad_plus_closed_from", "Grad PLUS closed from: month", "count"),
    (
        "LegacyYears",
        "law.interim_exception_academic_years",
        "Legacy borrowers keep Grad PLUS for at most (academic years)",
        "count",
    ),
    ("RapBand", "plan.rap_agi_band", "RAP: width of an AGI band", "usd"),
    (
        "RapLowYearly",
        "plan.rap_minimum_yearly_low_agi",
        "RAP: yearly payment up to one band",
        "usd",
    ),
    (
        "RapPerDependent",
        "plan.rap_dependent_reduction_per_month",
        "RAP: monthly reduction per dependent",
        "usd",
    ),
    ("RapMinMonthly", "plan.rap_minimum_monthly", "RAP: least monthly payment", "usd"),
    (
        "RapMatch",
        "plan.rap_min_principal_reduction",
        "RAP: principal reduced by at least (per payment)",
        "usd",
    ),
)
#: Tables on Inputs below the rules: award-year rates and fees, tiers, RAP percentages.
RATES_TITLE_ROW = RULES_ROW + len(RULES) + 1
RATES_HEADER_ROW = RATES_TITLE_ROW + 1
RATES_FIRST_ROW = RATES_HEADER_ROW + 1
#: Columns of the award-year table (year in column A): (name, header).
RATE_COLUMNS = (
    ("FedYears", "Award year (from July 1; fees from October 1)"),
    ("UnsubRates", "Direct Unsubsidized rate"),
    ("UnsubFees", "Direct Unsubsidized fee"),
    ("PlusRates", "Grad PLUS rate"),
    ("PlusFees", "Grad PLUS fee"),
)
RATE_YEARS = len(federal.rate_table("direct_unsub_grad", "rate")[0])
TIERS_TITLE_ROW = RATES_FIRST_ROW + RATE_YEARS + 1
TIERS_HEADER_ROW = TIERS_TITLE_ROW + 1
TIERS_FIRST_ROW = TIERS_HEADER_ROW + 1
TIERS = len(data.figure("plan.tiered_standard").value)
TIER_COLUMNS = (("TierFrom", "Balance from"), ("TierYears", "Term (years)"))
RAP_TITLE_ROW = TIERS_FIRST_ROW + TIERS + 1
RAP_HEADER_ROW = RAP_TITLE_ROW + 1
RAP_FIRST_ROW = RAP_HEADER_ROW + 1
RAP_BANDS = len(data.figure("plan.rap_percent_by_agi_band").value)
RAP_COLUMNS = (
    ("RapBandNumber", "AGI band (1: over one band width)"),
    ("RapPercents", "Yearly payment, share of AGI"),
)
#: Templates only: the defaults by kind of option (from the data), below the RAP table; a
#: template's option reads an input that follows the kind, left empty, from here.
KINDS_TITLE_ROW = RAP_FIRST_ROW + RAP_BANDS + 1
KINDS_HEADER_ROW = KINDS_TITLE_ROW + 1
KINDS_FIRST_ROW = KINDS_HEADER_ROW + 1
KINDS_LAST_ROW = KINDS_FIRST_ROW + len(fields.KINDS) - 1
#: The defined name of the kinds' column, then of each input's defaults (in the table's order).
KIND_NAMES = "KindNames"
KIND_DEFAULT_NAMES = {
    name: "Kind" + "".join(part.capitalize() for part in name.split("_"))
    for name in data.KIND_INPUTS
}
#: The columns of the table: (defined name, header); a column of sources follows them.
KIND_COLUMNS = (
    (KIND_NAMES, "Kind"),
    *(
        (KIND_DEFAULT_NAMES[name], (fields.PROGRAM.get(name) or RISK[name]).label)
        for name in data.KIND_INPUTS
    ),
)

# Programs sheet: one row per program field, one column per option from C.
PROGRAMS_HEADER_ROW = 4
PROGRAMS_FIRST_ROW = 5
OPTION_COL = 3
PROGRAM_ROW = positions(((f.name,) for f in fields.PROGRAM_FIELDS), PROGRAMS_FIRST_ROW)
PROGRAMS_CHECK_ROW = PROGRAMS_FIRST_ROW + len(fields.PROGRAM_FIELDS) + 1
#: Below the check: what is uncertain about each option (the inputs of its odds).
PROGRAMS_RISK_TITLE_ROW = PROGRAMS_CHECK_ROW + 2
RISK_ROW = positions(((f.name,) for f in RISK_FIELDS), PROGRAMS_RISK_TITLE_ROW + 1)
#: Templates only: each option's "filled in" flag, in the free row below the check.
PROGRAMS_FILLED_ROW = PROGRAMS_CHECK_ROW + 1
#: The label of that row (column A): how a reader tells a template from a workbook.
FILLED_LABEL = "Filled in: the results show once TRUE"
#: The inputs an option needs before it computes: the required fields, those without default.
REQUIRED = tuple(f.name for f in fields.PROGRAM_FIELDS if f.required or f.default is None)
#: Templates only: below the uncertain inputs, the values each option uses of the inputs that
#: follow the kind (an empty input: its kind's default), as the formulas read them.
PROGRAMS_USED_TITLE_ROW = max(RISK_ROW.values()) + 2
USED_ROWS = (
    ("kind", "Kind used (empty: other)"),
    *((name, (fields.PROGRAM.get(name) or RISK[name]).label) for name in data.KIND_INPUTS),
)
USED_ROW = positions(USED_ROWS, PROGRAMS_USED_TITLE_ROW + 1)


def required_words() -> str:
    """The inputs an option needs (:data:`REQUIRED`), by their labels on Programs.

    >>> required_words()
    'Option (its name), Length (years), Tuition per year and Salary after'
    """
    labels = [fields.PROGRAM[k].label + (" (its name)" if k == "name" else "") for k in REQUIRED]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


# Roles sheet: the role table (one row per role), then what each option's graduates become
# (options in columns from C, as on Programs).
ROLES_HEADER_ROW = 4
ROLES_FIRST_ROW = 5
ROLE_ROW = positions(((key,) for key in fields.ROLE_LABELS), ROLES_FIRST_ROW)
ROLES_LAST_ROW = ROLES_FIRST_ROW + len(fields.ROLE_LABELS) - 1
#: Columns of the role table (from column A): (key, header).
ROLE_COLUMNS = (
    ("label", "Role"),
    ("median", "Median pay"),
    ("p10", "10th percentile"),
    ("p90", "90th percentile"),
    ("sigma", "Spread (log sd)"),
    ("source", "Source"),
)
ROLE_COL = positions(ROLE_COLUMNS, 1)
#: Defined names of the role table's medians and spreads (one cell per role, in order).
ROLE_MEDIANS, ROLE_SIGMAS = "RoleMedians", "RoleSigmas"
#: A spread read as this small where a role's is 0 (one salary: the chance is a step).
TINY_SPREAD = "TinySpread"
ROLES_OPTIONS_TITLE_ROW = ROLES_LAST_ROW + 2
ROLES_OPTIONS_HEADER_ROW = ROLES_OPTIONS_TITLE_ROW + 1
#: Rows of each option's outcomes (options in columns from C): (key, label).
OUTCOME_ROWS = (
    *((f"role_{key}", f"{label}s") for key, label in fields.ROLE_LABELS.items()),
    ("rest", "The salary after (placed graduates of an option without role shares)"),
    ("stays", "Stays in the current kind of job (not placed)"),
    ("total", "All graduates"),
    ("shares_sum", "Role shares add up to (1, or 0: no role shares)"),
    ("placed_salary", "Salary of a placed graduate: the shares' weighted median"),
)
OUTCOME_ROW = positions(OUTCOME_ROWS, ROLES_OPTIONS_HEADER_ROW + 1)

# Cash flows sheet: shared year columns, then a block of columns per option.
CF_NAME_ROW = 4
CF_JOB_START_ROW = 5
CF_FIRST_JOB_YEAR_ROW = 6
CF_SIGN_CHANGES_ROW = 7
CF_HEADER_ROW = 8
CF_FIRST_ROW = 9
CF_LAST_ROW = CF_FIRST_ROW + MAX_YEARS - 1
#: Columns shared by every option: (key, header).
CF_SHARED = (
    ("year", "Year"),
    ("in_horizon", "In horizon"),
    ("salary", "Current salary (staying put)"),
    ("discount", "Discount factor"),
    ("weight", "Weight within target payback"),
)
#: Columns of each option's block: (key, header).
CF_BLOCK = (
    ("study", "Share of year studying"),
    ("search", "Share of year job-hunting"),
    ("job", "Share of year in new job"),
    ("direct", "Direct cost"),
    ("foregone", "Income given up"),
    ("per_salary", "Gain per $1 of salary after"),
    ("gain", "Expected gain"),
    ("fee", "Loan fee"),
    ("interest", "Loan interest"),
    ("relief", "Loan relief (RAP)"),
    ("income", "Gross income"),
    ("agi", "AGI for RAP (last year's income)"),
    ("flow", "Net flow"),
    ("cumulative", "Cumulative net gain"),
    ("discounted_cumulative", "Discounted cumulative"),
    ("crossing", "Payback crossing"),
    ("discounted_crossing", "Discounted payback crossing"),
    ("sign", "Sign of the last non-zero net flow"),
)
# The IRR search below the years: NPV at the bounds, then one row per bisection step.
IRR_TITLE_ROW = CF_LAST_ROW + 2
IRR_NPV_LOW_ROW = IRR_TITLE_ROW + 1
IRR_NPV_HIGH_ROW = IRR_TITLE_ROW + 2
IRR_HEADER_ROW = IRR_TITLE_ROW + 4
IRR_FIRST_ROW = IRR_HEADER_ROW + 1
IRR_LAST_ROW = IRR_FIRST_ROW + IRR_STEPS - 1
#: Columns of the IRR search in each option's block (the block's first columns).
IRR_BLOCK = (
    ("low", "Low rate"),
    ("high", "High rate"),
    ("mid", "Midpoint"),
    ("npv_mid", "NPV at midpoint"),
)
CF_SHARED_COL = positions(CF_SHARED, 1)
CF_BLOCK_START = len(CF_SHARED) + 1
#: Each option's block on Cash flows, after the shared columns; its IRR search in its first
#: columns, below the years.
CF_BLOCKS = Blocks(CF_BLOCK, CF_BLOCK_START)
IRR_BLOCKS = Blocks(IRR_BLOCK, CF_BLOCK_START, width=len(CF_BLOCK))
CF_BLOCK_OFFSET = CF_BLOCKS.offset

# Loans sheet: key figures (options in columns from C), the disbursements, a yearly schedule.
LOANS_HEADER_ROW = 4
#: Key-figure rows: (key, label, how it is computed).
LOANS_ROWS = (
    ("name", "Option", ""),
    ("cost_of_attendance", "Cost of attendance", "Sum of the direct cost on Cash flows"),
    (
        "need",
        "Borrowed before the fee (simple)",
        "MAX(0, cost of attendance − savings) × share borrowed",
    ),
    (
        "simple_borrowed",
        "One loan (simple financing)",
        "Grossed up so that, net of the fee, the need is received",
    ),
    ("federal", "Federal loans", "Simple: the one loan. Federal: sum of the disbursements below"),
    ("private", "Private loans", "Federal financing: what the federal loans leave"),
    ("borrowed", "Amount borrowed", "Federal + private"),
    ("fee", "Origination fees", "Amount borrowed − amount received"),
    ("study_months", "Months of study (rounded)", "ROUND(years × 12, 0)"),
    ("deferment_months", "Months before repayment", "Months of study + grace period"),
    ("rate", "Rate of the plan loan", "Simple: the loan APR. Federal: principal-weighted rate"),
    (
        "deferment_interest",
        "Interest before repayment (plan loan)",
        "Each disbursement × its rate × months from it to the first payment / 12",
    ),
    (
        "private_deferment_interest",
        "Interest before repayment (private)",
        "Each private disbursement × private APR × months to the first payment / 12",
    ),
    (
        "balance",
        "Plan loan balance when repayment starts",
        "Principal, plus the interest before repayment if it is capitalized (Grad PLUS interest "
        "always is: its in-school period is a deferment)",
    ),
    (
        "private_balance",
        "Private balance when repayment starts",
        "Principal, plus its interest before repayment under full deferment",
    ),
    (
        "payments",
        "Payments of the plan loan",
        "Fixed: 12 × term; tiered: 12 × the tier's term; RAP: count on the RAP sheet",
    ),
    (
        "plan_payment",
        "First monthly payment, plan loan",
        "PMT(rate / 12, payments, −balance); RAP: first payment on the RAP sheet",
    ),
    (
        "private_payment",
        "Monthly payment, private loan",
        "PMT(private APR / 12, 12 × private term, −balance)",
    ),
    ("payment", "Monthly payment", "Plan loan + private loan, first month of repayment"),
    (
        "total_interest",
        "Total interest",
        "Interest paid over the loans' lives, including interest before repayment",
    ),
    (
        "matched",
        "Principal matched (RAP)",
        "Sum on the RAP sheet; 0 for an option without a block there",
    ),
    (
        "forgiven",
        "Amount forgiven (RAP)",
        "Balance left after 360 payments on the RAP sheet; 0 without a block there",
    ),
    ("relief", "Loan relief", "Matched + forgiven × (1 − tax rate)"),
    ("total_paid", "Total paid on loans", "Borrowed + total interest − matched − forgiven"),
    ("years_to_pay_off", "Years to pay off", "Longest of the two loans' payments / 12"),
    (
        "loan_cost",
        "Loan cost, today's $",
        "The yearly schedule's fees + interest − relief, each in today's dollars, the interest "
        "less inflation's erosion of the debt",
    ),
    (
        "plan_words",
        "Repayment plan (federal or simple loan)",
        "Repayment plan on Programs; a fixed plan on federal loans from 2026-07-01 pays more "
        "than the tiered plan requires",
    ),
    ("private_apr", "Private loan APR", "Private loan APR on Programs"),
    ("private_fee", "Private loan fee", "Private loan fee on Programs"),
    ("private_term", "Private loan term (years)", "Private loan term on Programs"),
)
LOANS_FIRST_ROW = LOANS_HEADER_ROW + 1
LOANS_ROW = positions(LOANS_ROWS, LOANS_FIRST_ROW)
DISB_TITLE_ROW = LOANS_FIRST_ROW + len(LOANS_ROWS) + 1
DISB_NAME_ROW = DISB_TITLE_ROW + 1
DISB_HEADER_ROW = DISB_NAME_ROW + 1
DISB_FIRST_ROW = DISB_HEADER_ROW + 1
DISB_LAST_ROW = DISB_FIRST_ROW + MAX_DISBURSEMENTS - 1
#: Columns of each option's disbursement block: (key, header).
DISB_BLOCK = (
    ("cum_cost", "Cost so far"),
    ("need", "Need of the year"),
    ("year", "Calendar year"),
    ("before", "Before Grad PLUS closed"),
    ("after_count", "Earlier disbursements after it closed"),
    ("legacy", "Legacy borrower"),
    ("old", "Earlier rules apply"),
    ("limit", "Annual limit"),
    ("room", "Room under the aggregate and lifetime limits"),
    ("unsub_rate", "Direct Unsubsidized rate"),
    ("unsub_fee", "Direct Unsubsidized fee"),
    ("plus_rate", "Grad PLUS rate"),
    ("plus_fee", "Grad PLUS fee"),
    ("wanted", "Need grossed up"),
    ("unsub", "Direct Unsubsidized"),
    ("rest", "Need left"),
    ("plus", "Grad PLUS"),
    ("private", "Private"),
    ("plan", "Plan loan disbursed"),
    ("plan_interest", "Its yearly interest"),
    ("fee", "Fees"),
    ("accrual", "Monthly interest so far"),
    ("held", "Years to the first payment"),
)
#: Each option's block of the disbursements and of the yearly schedule, from column C.
DISB_BLOCKS = Blocks(DISB_BLOCK, OPTION_COL)
SCHEDULE_TITLE_ROW = DISB_LAST_ROW + 2
SCHEDULE_NAME_ROW = SCHEDULE_TITLE_ROW + 1
SCHEDULE_HEADER_ROW = SCHEDULE_NAME_ROW + 1
SCHEDULE_FIRST_ROW = SCHEDULE_HEADER_ROW + 1
SCHEDULE_LAST_ROW = SCHEDULE_FIRST_ROW + MAX_YEARS - 1
SCHEDULE_BLOCK = (
    ("payments_made", "Plan loan payments made by year end (fixed, tiered)"),
    ("private_made", "Private payments made by year end"),
    ("fee", "Fees in the year"),
    ("interest", "Interest in the year"),
    ("relief", "RAP relief in the year"),
    ("price", "Prices over today's ((1 + inflation)^(year − 1))"),
    ("debt", "Owed at year end (all loans)"),
    ("real_fee", "Fees, today's $"),
    ("real_interest", "Interest, today's $, less the debt's erosion"),
    ("real_relief", "RAP relief, today's $"),
)
SCHEDULE_BLOCKS = Blocks(SCHEDULE_BLOCK, OPTION_COL)

# RAP sheet: 360 months per option on RAP, a block of columns each.
RAP_NAME_ROW = 4
RAP_SHEET_HEADER_ROW = 5
RAP_MONTH_ROW = 6
RAP_LAST_ROW = RAP_MONTH_ROW + RAP_MONTHS - 1
RAP_BLOCK = (
    ("year", "Year (from the first day of study)"),
    ("agi", "AGI"),
    ("due", "RAP payment due"),
    ("start", "Balance before"),
    ("interest", "Interest"),
    ("last", "Last payment"),
    ("pay", "Payment"),
    ("interest_paid", "Interest paid"),
    ("principal", "Principal paid"),
    ("matched", "Principal matched"),
    ("end", "Balance after"),
)
#: Each RAP option's block, from column B.
RAP_BLOCKS = Blocks(RAP_BLOCK, 2)

# Sources sheet: a header row, then one row per figure the inputs use.
SOURCES_HEADER_ROW = 4
SOURCES_FIRST_ROW = SOURCES_HEADER_ROW + 1

# Summary sheet: one row per option, the columns of the comparison table.
SUMMARY_HEADER_ROW = 6
SUMMARY_FIRST_ROW = SUMMARY_HEADER_ROW + 1
SUMMARY_COL = positions(((c.key,) for c in COMPARE_COLUMNS), 1)


def sheet_prefix(sheet: str) -> str:
    """``Programs!`` or ``'Cash flows'!`` (quoted when the name has a space)."""
    return f"'{sheet}'!" if " " in sheet else f"{sheet}!"


def cell(sheet: str | None, column: int, row: int, *, absolute: bool = True) -> str:
    """A reference such as ``Programs!$C$8``; ``sheet=None`` for one on the same sheet."""
    letter = get_column_letter(column)
    text = f"${letter}${row}" if absolute else f"{letter}{row}"
    return (sheet_prefix(sheet) if sheet else "") + text


def area(
    sheet: str | None, column: int, first: int, last: int, last_column: int | None = None
) -> str:
    """An absolute range such as ``'Cash flows'!$F$9:$F$88``."""
    start = cell(None, column, first)
    end = cell(None, last_column or column, last)
    return (sheet_prefix(sheet) if sheet else "") + f"{start}:{end}"


def rap_options_of(plans: Iterable[float]) -> tuple[int, ...]:
    """The options whose repayment plan is RAP: those that get a block on the RAP sheet.

    >>> rap_options_of([0, 2, 1, 2])
    (1, 3)
    """
    return tuple(int(i) for i in np.flatnonzero(np.asarray(list(plans)) == Plan.RAP))


@dataclass(frozen=True)
class Layout:
    """Positions in a workbook comparing ``n`` options, ``rap_options`` of them on RAP.

    ``rap_options`` are the options (in increasing order) that have a block
    on the RAP sheet; the others' formulas never refer to that sheet.
    """

    n: int
    rap_options: tuple[int, ...] = ()
    #: A template: its options' results show only once their required inputs are filled in.
    template: bool = False

    def __post_init__(self) -> None:
        options = tuple(int(i) for i in self.rap_options)
        if list(options) != sorted(set(options)) or any(not 0 <= i < self.n for i in options):
            raise ValueError(
                f"rap_options {self.rap_options!r}: increasing, each in 0..{self.n - 1}"
            )
        object.__setattr__(self, "rap_options", options)

    @classmethod
    def of(cls, programs: Programs) -> Layout:
        """The layout of the workbook of ``programs``: RAP blocks from their plans."""
        return cls(len(programs), rap_options_of(programs.columns["repayment_plan"]))

    @property
    def sheets(self) -> tuple[str, ...]:
        """The formula sheets written, in order (RAP only when some option is on RAP)."""
        return SHEETS if self.rap_options else tuple(s for s in SHEETS if s != RAP)

    def rap_block(self, i: int) -> int | None:
        """Index of option ``i``'s block on the RAP sheet, or None if it has none."""
        return self.rap_options.index(i) if i in self.rap_options else None

    # --- inputs ---------------------------------------------------------------------
    def program(self, field: str, i: int) -> str:
        """The input cell of program field ``field`` of option ``i``, as a formula reads it.

        A TRUE/FALSE input is read as ``OR(cell=TRUE,cell="TRUE")``: a dropdown's
        choice may be stored as the text "TRUE" (Google Sheets does), which IF and
        arithmetic would refuse.

        In a template, an input that follows the kind is read as its value used
        (:meth:`used`): the input, or its kind's default when it is left empty.

        >>> Layout(1).program("grad_plus_legacy", 0)
        'OR(Programs!$C$32=TRUE,Programs!$C$32="TRUE")'
        >>> Layout(1, template=True).program("placement_prob", 0)
        'Programs!$C$60'
        """
        if self.template and field in USED_ROW:
            return self.used(field, i)
        ref = cell(PROGRAMS, OPTION_COL + i, PROGRAM_ROW[field])
        if fields.PROGRAM[field].unit == "bool":
            return f'OR({ref}=TRUE,{ref}="TRUE")'
        return ref

    @staticmethod
    def used(field: str, i: int) -> str:
        """The cell of option ``i``'s value used of ``field`` (an input that follows the kind,
        or "kind"), below the uncertain inputs on a template's Programs sheet."""
        return cell(PROGRAMS, OPTION_COL + i, USED_ROW[field])

    @staticmethod
    @functools.cache  # read by every formula of a template's option
    def filled(i: int) -> str:
        """The cell of option ``i``'s "filled in" flag (templates only).

        >>> Layout(1, template=True).filled(0)
        'Programs!$C$49'
        """
        return cell(PROGRAMS, OPTION_COL + i, PROGRAMS_FILLED_ROW)

    def when_filled(self, i: int, formula: str) -> str:
        """``formula`` for option ``i``: in a template, empty text until the option is filled in.

        >>> Layout(1, template=True).when_filled(0, "=Programs!$C$5")
        '=IF(Programs!$C$49,Programs!$C$5,"")'
        >>> Layout(1).when_filled(0, "=Programs!$C$5")
        '=Programs!$C$5'
        """
        if not self.template or not formula.startswith("="):
            return formula
        return f'=IF({self.filled(i)},{formula[1:]},"")'

    def shares(self, i: int) -> str:
        """Option ``i``'s role shares on Programs: a column of one cell per role, in order
        (in a template, the shares used: :meth:`used`).

        >>> Layout(1).shares(0), Layout(1, template=True).shares(0)
        ('Programs!$C$42:$C$46', 'Programs!$C$62:$C$66')
        """
        rows = USED_ROW if self.template else PROGRAM_ROW
        first, last = (rows[name] for name in (fields.SHARE_FIELDS[0], fields.SHARE_FIELDS[-1]))
        return area(PROGRAMS, OPTION_COL + i, first, last)

    @staticmethod
    def placed_salary(i: int) -> str:
        """The salary of option ``i``'s placed graduate, weighted over its roles (Roles sheet)."""
        return cell(ROLES, OPTION_COL + i, OUTCOME_ROW["placed_salary"])

    def risk_input(self, field: str, i: int) -> str:
        """The cell of uncertainty input ``field`` of option ``i`` (on Programs, below the check;
        in a template, the completion probability used: :meth:`used`).

        >>> Layout(1).risk_input("completion_prob", 0)
        'Programs!$C$51'
        """
        if self.template and field in USED_ROW:
            return self.used(field, i)
        ref = cell(PROGRAMS, OPTION_COL + i, RISK_ROW[field])
        if RISK[field].unit == "bool":
            return f'OR({ref}=TRUE,{ref}="TRUE")'
        return ref

    @staticmethod
    def option_col(i: int) -> int:
        """Column of option ``i`` on Programs and on the Loans key figures."""
        return OPTION_COL + i

    # --- cash flows -----------------------------------------------------------------
    @staticmethod
    def cf_col(i: int, key: str) -> int:
        """Column of ``key`` in option ``i``'s block on Cash flows."""
        return CF_BLOCKS.col(i, key)

    @staticmethod
    def cf_row(year: int) -> int:
        """Row of year ``year`` (1-based) on Cash flows."""
        return CF_FIRST_ROW + year - 1

    def cf_range(self, i: int, key: str, *, local: bool = False) -> str:
        """All year rows of ``key`` for option ``i``, absolute (``local``: no sheet name)."""
        return area(None if local else CASH_FLOWS, self.cf_col(i, key), CF_FIRST_ROW, CF_LAST_ROW)

    @staticmethod
    def irr_col(i: int, key: str) -> int:
        """Column of ``key`` of option ``i``'s IRR search (the block's first columns)."""
        return IRR_BLOCKS.col(i, key)

    @staticmethod
    def cf_shared_range(key: str) -> str:
        return area(CASH_FLOWS, CF_SHARED_COL[key], CF_FIRST_ROW, CF_LAST_ROW)

    def job_start(self, i: int) -> str:
        return cell(CASH_FLOWS, self.cf_col(i, "study"), CF_JOB_START_ROW)

    def first_job_year(self, i: int) -> str:
        return cell(CASH_FLOWS, self.cf_col(i, "study"), CF_FIRST_JOB_YEAR_ROW)

    def sign_changes(self, i: int) -> str:
        return cell(CASH_FLOWS, self.cf_col(i, "study"), CF_SIGN_CHANGES_ROW)

    @property
    def cf_last_col(self) -> int:
        return CF_BLOCKS.last_col(self.n)

    # --- loans ----------------------------------------------------------------------
    @staticmethod
    def loan(key: str, i: int, *, local: bool = False) -> str:
        """A key figure of option ``i``'s loan on Loans (``local``: without the sheet name)."""
        return cell(None if local else LOANS, OPTION_COL + i, LOANS_ROW[key])

    @staticmethod
    def schedule_col(i: int, key: str) -> int:
        return SCHEDULE_BLOCKS.col(i, key)

    @staticmethod
    def disb_col(i: int, key: str) -> int:
        return DISB_BLOCKS.col(i, key)

    def rap_col(self, i: int, key: str) -> int:
        """Column of ``key`` in option ``i``'s block on the RAP sheet (it must have one)."""
        block = self.rap_block(i)
        if block is None:
            raise ValueError(f"option {i} has no block on the RAP sheet (not on RAP)")
        return self.rap_block_col(block, key)

    @staticmethod
    def rap_block_col(block: int, key: str) -> int:
        """Column of ``key`` in the ``block``-th block of the RAP sheet."""
        return RAP_BLOCKS.col(block, key)

    @staticmethod
    def schedule_row(year: int) -> int:
        return SCHEDULE_FIRST_ROW + year - 1

    # --- summary --------------------------------------------------------------------
    @staticmethod
    def summary_row(i: int) -> int:
        return SUMMARY_FIRST_ROW + i

    @property
    def summary_last_row(self) -> int:
        return SUMMARY_FIRST_ROW + self.n - 1

    def summary_range(self, key: str, *, local: bool = False) -> str:
        return area(
            None if local else SUMMARY, SUMMARY_COL[key], SUMMARY_FIRST_ROW, self.summary_last_row
        )


def placeholder(i: int) -> Program:
    """The option standing in for empty column ``i``: every default, the required inputs made up.

    Its values are never written: they let the model evaluate a table of the
    template's size (the written figures of a template are left empty).
    """
    return Program(f"Option {i + 1}", years=1, tuition_per_year=0, salary_after=0)
