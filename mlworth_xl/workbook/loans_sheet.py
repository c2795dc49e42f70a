"""The Loans sheet: each option's loans, their disbursements, and a yearly schedule.

The formulas implement :mod:`mlworth_xl.model.financing`.  Simple financing
is one loan on the first day of study, grossed up for its fee.  Federal
financing splits each study year's need (a disbursement each year, rows
below the key figures) into Direct Unsubsidized loans within the annual,
aggregate and lifetime limits (the Inputs sheet holds the rules and the
award-year rates), Grad PLUS under the earlier rules, and a private loan
at its own APR, fee and term.  Simple interest accrues until repayment starts (study +
grace); the plan loan (the one loan, or the federal loans at their
principal-weighted rate) is repaid under the plan: fixed or tiered with
``PMT`` and ``FV``, RAP month by month on the RAP sheet (only options on
RAP when the workbook is generated have a block there; the others' formulas
hold the fixed and tiered branch alone); the private loan
in level payments over its term.  The interest of year ``y`` is the
deferment interest of its months plus the interest part of its payments,
with ``k = MAX(0, MIN(n, 12y − months before repayment))`` payments made by
the end of the year and the balance after ``k`` payments ``−FV(i, k,
−payment, balance)``.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from mlworth_xl.model.codes import Financing, Plan
from mlworth_xl.workbook import fast_path, layout, styles
from mlworth_xl.workbook.layout import (
    DISB_BLOCK,
    DISB_FIRST_ROW,
    DISB_LAST_ROW,
    LOANS_ROW,
    LOANS_ROWS,
    MAX_DISBURSEMENTS,
    MAX_YEARS,
    MONTHS_PER_YEAR,
    RAP_LAST_ROW,
    RAP_MONTH_ROW,
    SCHEDULE_BLOCK,
    SCHEDULE_FIRST_ROW,
    Layout,
    area,
    cell,
)

M12 = MONTHS_PER_YEAR
_MONEY = {
    "cost_of_attendance",
    "need",
    "simple_borrowed",
    "federal",
    "private",
    "borrowed",
    "fee",
    "deferment_interest",
    "private_deferment_interest",
    "balance",
    "private_balance",
    "total_interest",
    "matched",
    "forgiven",
    "relief",
    "total_paid",
    "loan_cost",
}
_FORMAT = {
    **{k: styles.USD for k in _MONEY},
    "name": "General",
    "study_months": styles.WHOLE,
    "deferment_months": styles.WHOLE,
    "rate": "0.000%",
    "payments": styles.WHOLE,
    "plan_payment": styles.USD_CENTS,
    "private_payment": styles.USD_CENTS,
    "payment": styles.USD_CENTS,
    "plan_words": "General",
    "private_apr": "0.00%",
    "private_fee": "0.00%",
    "private_term": styles.WHOLE,
    "years_to_pay_off": "0.00",
}
_DISB_FORMAT = {
    "year": styles.WHOLE,
    "before": "General",
    "after_count": styles.WHOLE,
    "legacy": "General",
    "old": "General",
    "unsub_rate": "0.00%",
    "unsub_fee": "0.000%",
    "plus_rate": "0.00%",
    "plus_fee": "0.000%",
    "accrual": styles.USD_CENTS,
    "held": "0.00",
}
_HOW_WIDTH = 60


def _key_figures(lay: Layout, i: int) -> dict[str, str]:
    def p(field: str) -> str:
        return lay.program(field, i)

    def k(key: str) -> str:
        return cell(None, lay.option_col(i), LOANS_ROW[key], absolute=False)

    def d(key: str) -> str:
        return area(None, lay.disb_col(i, key), DISB_FIRST_ROW, DISB_LAST_ROW)

    def rap(key: str) -> str:
        return area(layout.RAP, lay.rap_col(i, key), RAP_MONTH_ROW, RAP_LAST_ROW)

    def sched(key: str) -> str:
        return area(
            None, lay.schedule_col(i, key), SCHEDULE_FIRST_ROW, SCHEDULE_FIRST_ROW + MAX_YEARS - 1
        )

    fin, plan, term = p("financing"), p("repayment_plan"), p("loan_term_years")
    on_simple, on_tiered = f"{fin}={Financing.SIMPLE:d}", f"{plan}={Plan.TIERED:d}"
    private_apr, private_term = p("private_apr"), p("private_term_years")
    tier = f"INDEX(TierYears,MATCH({k('balance')},TierFrom,1))"
    private_n = f"IF({k('private_balance')}>0,{M12}*{private_term},0)"
    on_rap = lay.rap_block(i) is not None
    payments = f"IF({k('balance')}>0,{M12}*IF({on_tiered},{tier},{term}),0)"
    plan_payment = f"IF({k('balance')}>0,PMT({k('rate')}/{M12},{k('payments')},-{k('balance')}),0)"
    plan_interest = f"IF({k('balance')}>0,{k('payments')}*{k('plan_payment')}-{k('balance')},0)"
    if on_rap:  # the RAP branch, live: the option may be switched back to fixed or tiered
        first_rap_payment = cell(layout.RAP, lay.rap_col(i, "pay"), RAP_MONTH_ROW)
        payments = f'IF({plan}=RapPlanCode,COUNTIF({rap("start")},">0"),{payments})'
        plan_payment = f"IF({plan}=RapPlanCode,{first_rap_payment},{plan_payment})"
        plan_interest = f"IF({plan}=RapPlanCode,SUM({rap('interest_paid')}),{plan_interest})"
        matched = f"=SUM({rap('matched')})"
        forgiven = f"={cell(layout.RAP, lay.rap_col(i, 'end'), RAP_LAST_ROW)}"
    else:  # no block on the RAP sheet: fixed or tiered only
        matched = forgiven = "=0"
    return {
        "name": f"={p('name')}",
        "cost_of_attendance": f"=SUM({lay.cf_range(i, 'direct')})",
        "need": f"=MAX(0,{k('cost_of_attendance')}-Savings)*{p('loan_share')}",
        "simple_borrowed": f"={k('need')}/(1-{p('loan_fee')})",
        "federal": f"=SUM({d('plan')})",
        "private": f"=SUM({d('private')})",
        "borrowed": f"={k('federal')}+{k('private')}",
        "fee": f"=IF({on_simple},{k('simple_borrowed')}-{k('need')},SUM({d('fee')}))",
        "study_months": f"=ROUND({p('years')}*{M12},0)",
        "deferment_months": f"={k('study_months')}+{p('grace_months')}",
        "rate": (
            f"=IF({on_simple},{p('loan_apr')},IF({k('federal')}>0,"
            f"SUM({d('plan_interest')})/{k('federal')},0))"
        ),
        "deferment_interest": f"=SUMPRODUCT({d('plan_interest')},{d('held')})",
        "private_deferment_interest": f"=SUMPRODUCT({d('private')},{d('held')})*{private_apr}",
        "balance": (
            f"={k('federal')}+IF({p('capitalize_interest')},"
            f"{k('deferment_interest')},IF({on_simple},0,"
            f"SUMPRODUCT({d('plus')},{d('plus_rate')},{d('held')})))"
        ),
        "private_balance": (
            f"={k('private')}+IF({p('private_deferment')},{k('private_deferment_interest')},0)"
        ),
        "payments": f"={payments}",
        "plan_payment": f"={plan_payment}",
        "private_payment": (
            f"=IF({k('private_balance')}>0,PMT({private_apr}/{M12},"
            f"{M12}*{private_term},-{k('private_balance')}),0)"
        ),
        "payment": f"={k('plan_payment')}+{k('private_payment')}",
        "total_interest": (
            f"={plan_interest}"
            f"+{k('deferment_interest')}+IF({k('private_balance')}>0,"
            f"{private_n}*{k('private_payment')}-{k('private_balance')},0)"
            f"+{k('private_deferment_interest')}"
        ),
        "matched": matched,
        "forgiven": forgiven,
        "relief": f"={k('matched')}+{k('forgiven')}*(1-TaxRate)",
        "total_paid": f"={k('borrowed')}+{k('total_interest')}-{k('matched')}-{k('forgiven')}",
        "years_to_pay_off": f"=MAX({k('payments')},{private_n})/{M12}",
        "loan_cost": (
            f"=SUM({sched('real_fee')})+SUM({sched('real_interest')})-SUM({sched('real_relief')})"
        ),
        "plan_words": (
            f'=IF({plan}=0,"fixed "&{term}&" years",IF({plan}=1,"tiered standard plan",'
            f'"RAP (payment by income)"))&IF(AND({plan}=0,{fin}=1,'
            f"({p('start_year')}+ROUNDUP({p('years')},0)-1)*{M12}+{p('start_month')}"
            f">=GradPlusClosedYear*{M12}+GradPlusClosedMonth),"
            f'" (pays more than the tiered plan requires)","")'
        ),
        "private_apr": f"={private_apr}",
        "private_fee": f"={p('private_fee')}",
        "private_term": f"={private_term}",
    }


def _disbursement(lay: Layout, i: int, row: int) -> dict[str, str]:
    def p(field: str) -> str:
        return lay.program(field, i)

    def c(key: str, at: int = row) -> str:
        return cell(None, lay.disb_col(i, key), at, absolute=False)

    def above(key: str) -> str:
        return f"SUM({cell(None, lay.disb_col(i, key), DISB_FIRST_ROW)}:{c(key, row - 1)})"

    first = row == DISB_FIRST_ROW
    kth = f"$A{row}"
    fin = p("financing")
    on_simple = f"{fin}={Financing.SIMPLE:d}"
    intensity = p("enrolment_intensity")
    eligible = f"{intensity}>=FedMinEnrolment"
    prorated = (
        f"IF({eligible},MIN(1,ROUND({intensity}/FedIntensityStep+RoundingGuard,0)"
        f"*FedIntensityStep)*FedAnnualLimit,0)"
    )
    direct = cell(layout.CASH_FLOWS, lay.cf_col(i, "direct"), lay.cf_row(row - DISB_FIRST_ROW + 1))
    prev_after = "0" if first else f"MAX(0,{c('cum_cost', row - 1)}-Savings)"
    unsub_before = "0" if first else above("unsub")
    federal_before = "0" if first else f"({above('unsub')}+{above('plus')})"

    def lookup(table: str, month: str) -> str:
        year = f"{c('year')}-IF({p('start_month')}<{month},1,0)"
        return f"=INDEX({table},IFERROR(MATCH({year},FedYears,1),1))"

    old_eligible = f"AND({c('old')},{eligible})"
    simple_loan = lay.loan("simple_borrowed", i, local=True)
    simple_fee = f"{simple_loan}-{lay.loan('need', i, local=True)}"
    return {
        "cum_cost": f"={direct}" if first else f"={c('cum_cost', row - 1)}+{direct}",
        "need": (
            f"={p('loan_share')}*(MAX(0,{c('cum_cost')}-Savings)-{prev_after})"
            f"*(1+Inflation)^({kth}-1)"
        ),
        "year": f"={p('start_year')}+{kth}-1",
        "before": (
            f"={c('year')}*{M12}+{p('start_month')}<GradPlusClosedYear*{M12}+GradPlusClosedMonth"
        ),
        "after_count": (
            "=0" if first else f"={c('after_count', row - 1)}+IF({c('before', row - 1)},0,1)"
        ),
        "legacy": (
            f"={p('grad_plus_legacy')}"
            if first
            else f"=OR({c('legacy', row - 1)},AND({c('before', row - 1)},"
            f"{c('unsub', row - 1)}+{c('plus', row - 1)}>0))"
        ),
        "old": f"=OR({c('before')},AND({c('legacy')},{c('after_count')}<LegacyYears))",
        "limit": f"=IF({c('before')},IF({eligible},FedAnnualLimit,0),{prorated})",
        "room": (
            f"=IF({c('old')},FedAggregateBefore2026-{p('prior_grad_borrowing')}"
            f"-{p('prior_undergrad_borrowing')}-{unsub_before},"
            f"MIN(FedAggregateLimit-{p('prior_grad_borrowing')}-{unsub_before},"
            f"FedLifetimeLimit-{p('prior_grad_borrowing')}-{p('prior_undergrad_borrowing')}"
            f"-{federal_before}))"
        ),
        "unsub_rate": lookup("UnsubRates", "AwardYearMonth"),
        "unsub_fee": lookup("UnsubFees", "FeeYearMonth"),
        "plus_rate": lookup("PlusRates", "AwardYearMonth"),
        "plus_fee": lookup("PlusFees", "FeeYearMonth"),
        "wanted": f"={c('need')}/(1-{c('unsub_fee')})",
        "unsub": f"=MAX(0,MIN({c('wanted')},{c('limit')},{c('room')}))",
        "rest": (
            f"=IF({c('unsub')}>={c('wanted')},0,{c('need')}-{c('unsub')}*(1-{c('unsub_fee')}))"
        ),
        "plus": f"=IF({old_eligible},{c('rest')}/(1-{c('plus_fee')}),0)",
        "private": (f"=IF({on_simple},0,IF({old_eligible},0,{c('rest')})/(1-{p('private_fee')}))"),
        "plan": f"=IF({on_simple},{simple_loan if first else 0},{c('unsub')}+{c('plus')})",
        "plan_interest": (
            f"=IF({on_simple},{simple_loan + '*' + p('loan_apr') if first else 0},"
            f"{c('unsub')}*{c('unsub_rate')}+{c('plus')}*{c('plus_rate')})"
        ),
        "fee": (
            f"=IF({on_simple},{simple_fee if first else 0},{c('unsub')}*{c('unsub_fee')}"
            f"+{c('plus')}*{c('plus_fee')}+{c('private')}*{p('private_fee')})"
        ),
        "accrual": (
            ("=" if first else f"={c('accrual', row - 1)}+")
            + f"({c('plan_interest')}+{c('private')}*{p('private_apr')})/{M12}"
        ),
        "held": (f"=({lay.loan('deferment_months', i, local=True)}-{M12}*({kth}-1))/{M12}"),
    }


def _schedule(lay: Layout, i: int, row: int) -> dict[str, str]:
    def s(key: str, at: int = row) -> str:
        return cell(None, lay.schedule_col(i, key), at, absolute=False)

    def key(name: str) -> str:
        return lay.loan(name, i, local=True)

    def rap(name: str) -> str:
        return area(layout.RAP, lay.rap_col(i, name), RAP_MONTH_ROW, RAP_LAST_ROW)

    y = f"$A{row}"
    months, plan = key("deferment_months"), lay.program("repayment_plan", i)
    apr, term = lay.program("private_apr", i), lay.program("private_term_years", i)
    first = row == SCHEDULE_FIRST_ROW

    def paid(k: str, pay: str, rate: str, balance: str) -> str:
        k_prev = "0" if first else f"N({s(k, row - 1)})"
        k = s(k)
        return (
            f"(({k}-{k_prev})*{pay}+(-FV({rate}/{M12},{k},-{pay},{balance}))"
            f"-(-FV({rate}/{M12},{k_prev},-{pay},{balance})))"
        )

    fees = area(None, lay.disb_col(i, "fee"), DISB_FIRST_ROW, DISB_LAST_ROW)
    accrual = area(None, lay.disb_col(i, "accrual"), DISB_FIRST_ROW, DISB_LAST_ROW)
    deferred = f"MAX(0,MIN({M12}*{y},{months})-{M12}*({y}-1))"
    plan_paid = paid("payments_made", key("plan_payment"), key("rate"), key("balance"))
    private_paid = paid("private_made", key("private_payment"), apr, key("private_balance"))
    common = {
        "private_made": (
            f"=MAX(0,MIN(IF({key('private_balance')}>0,{M12}*{term},0),{M12}*{y}-{months}))"
        ),
        "fee": f"=IF({y}<=ROWS({fees}),INDEX({fees},MIN({y},ROWS({fees}))),0)",
    }
    payments_made = f"MAX(0,MIN({key('payments')},{M12}*{y}-{months}))"

    def interest(plan_part: str) -> str:
        return f"=INDEX({accrual},MIN({y},ROWS({accrual})))*{deferred}+{plan_part}+{private_paid}"

    real = _real(lay, i, row)
    if lay.rap_block(i) is None:  # fixed or tiered only: no RAP relief
        return {
            **common,
            "payments_made": f"={payments_made}",
            "interest": interest(plan_paid),
            "relief": "=0",
            **real,
        }
    rap_year = rap("year")
    last_year = cell(layout.RAP, lay.rap_col(i, "year"), RAP_LAST_ROW)
    rap_paid = f"SUMIF({rap_year},{y},{rap('interest_paid')})"
    return {
        **common,
        "payments_made": f"=IF({plan}=RapPlanCode,0,{payments_made})",
        "interest": interest(f"IF({plan}=RapPlanCode,{rap_paid},{plan_paid})"),
        "relief": (
            f"=SUMIF({rap_year},{y},{rap('matched')})+IF({last_year}={y},"
            f"{key('forgiven')},0)*(1-TaxRate)"
        ),
        **real,
    }


def _real(lay: Layout, i: int, row: int) -> dict[str, str]:
    """The year's loan amounts in today's dollars, and what the loans owe at its end.

    As :func:`mlworth_xl.model.financing.deflate`: prices ``(1 + Inflation)^(y − 1)``;
    the debt carried into a year loses ``1/P(y−1) − 1/P(y)`` of its value in it.
    """

    def s(key: str, at: int = row) -> str:
        return cell(None, lay.schedule_col(i, key), at, absolute=False)

    def key(name: str) -> str:
        return lay.loan(name, i, local=True)

    def d(name: str) -> str:
        return area(None, lay.disb_col(i, name), DISB_FIRST_ROW, DISB_LAST_ROW)

    def p(field: str) -> str:
        return lay.program(field, i)

    y = f"$A{row}"
    index = area(None, 1, DISB_FIRST_ROW, DISB_LAST_ROW)
    months = key("deferment_months")
    # Months each disbursement has accrued by the year end (to the first payment at most)
    since = f"(MIN({M12}*{y},{months})-{M12}*({index}-1))"
    held = f"({since}>0)*{since}"
    cap = p("capitalize_interest")
    capitalized = (
        f"({cap}*{d('plan_interest')}+(1-{cap})"
        f"*({p('financing')}<>{Financing.SIMPLE:d})*{d('plus')}*{d('plus_rate')})"
    )
    before = (
        f"SUMPRODUCT({d('plan')}+{d('private')},--({index}<={y}))"
        f"+(SUMPRODUCT({capitalized},{held})"
        f"+{p('private_deferment')}*{p('private_apr')}*SUMPRODUCT({d('private')},{held}))"
        f"/{M12}"
    )
    k, k_priv = s("payments_made"), s("private_made")
    fixed_left = (
        f"IF({k}>={key('payments')},0,-FV({key('rate')}/{M12},{k},"
        f"-{key('plan_payment')},{key('balance')}))"
    )
    if lay.rap_block(i) is not None:
        # The balance before payment made + 1: the balance when repayment starts at the end
        # of a year in which none is made yet (months before repayment a multiple of 12).
        start = area(layout.RAP, lay.rap_col(i, "start"), RAP_MONTH_ROW, RAP_LAST_ROW)
        made = f"({M12}*{y}-{months})"
        plan_left = (
            f"IF({lay.program('repayment_plan', i)}=RapPlanCode,"
            f"IF({made}>={key('payments')},0,INDEX({start},{made}+1)),{fixed_left})"
        )
    else:
        plan_left = fixed_left
    private_n = f"IF({key('private_balance')}>0,{M12}*{p('private_term_years')},0)"
    private_left = (
        f"IF({k_priv}>={private_n},0,-FV({p('private_apr')}/{M12},{k_priv},"
        f"-{key('private_payment')},{key('private_balance')}))"
    )
    first = row == SCHEDULE_FIRST_ROW
    erosion = "" if first else (f"-{s('debt', row - 1)}*(1/{s('price', row - 1)}-1/{s('price')})")
    return {
        "price": f"=(1+Inflation)^({y}-1)",
        "debt": (f"=IF({M12}*{y}<{months},{before},MAX(0,{plan_left})+MAX(0,{private_left}))"),
        "real_fee": f"={s('fee')}/{s('price')}",
        "real_interest": f"={s('interest')}/{s('price')}{erosion}",
        "real_relief": f"={s('relief')}/{s('price')}",
    }


def write(wb: Workbook, n: int, lay: Layout) -> None:
    ws = wb[layout.LOANS]
    styles.title(
        ws,
        "Loans: what each option borrows, and what the loans cost",
        "Simple financing: one loan on the first day of study. Federal: a disbursement "
        "each study year under the rules on Inputs. Simple interest until repayment "
        "starts (study + grace); then the repayment plan.",
    )
    cells = styles.Cells(ws, fast=fast_path.enabled())
    cells.header(layout.LOANS_HEADER_ROW, 1, "Per option")
    cells.header(layout.LOANS_HEADER_ROW, 2, "How it is computed")
    for i in range(n):
        cells.header(layout.LOANS_HEADER_ROW, lay.option_col(i), f"Option {i + 1}")
    for key, label, how in LOANS_ROWS:
        target = ws.cell(row=LOANS_ROW[key], column=1, value=label)
        target.font = styles.BOLD
        target.alignment = styles.WRAP
        ws.cell(row=LOANS_ROW[key], column=2, value=how or None).alignment = styles.WRAP
        ws.row_dimensions[LOANS_ROW[key]].height = styles.lines_height((how, _HOW_WIDTH))
    for i in range(n):
        for key, formula in _key_figures(lay, i).items():
            formula = lay.when_filled(i, formula)  # a template's empty column: empty text
            target = cells.formula(LOANS_ROW[key], lay.option_col(i), formula, _FORMAT[key])
            if key == "name":
                target.alignment = styles.WRAP
                target.font = styles.BOLD

    _block(
        cells,
        n,
        lay,
        layout.DISB_TITLE_ROW,
        "Disbursements (one each study year, from the first day of study)",
        "Disbursement",
        DISB_BLOCK,
        lay.disb_col,
    )
    for k in range(1, MAX_DISBURSEMENTS + 1):
        row = DISB_FIRST_ROW + k - 1
        ws.cell(row=row, column=1, value=f"=N($A{row - 1})+1")  # the header counts as 0
        for i in range(n):
            for key, formula in _disbursement(lay, i, row).items():
                cells.formula(
                    row,
                    lay.disb_col(i, key),
                    lay.when_filled(i, formula),
                    _DISB_FORMAT.get(key, styles.USD),
                )

    _block(
        cells,
        n,
        lay,
        layout.SCHEDULE_TITLE_ROW,
        "Yearly schedule (years from the first day of study)",
        "Year",
        SCHEDULE_BLOCK,
        lay.schedule_col,
    )
    for year in range(1, MAX_YEARS + 1):
        row = lay.schedule_row(year)
        ws.cell(row=row, column=1, value=f"=N($A{row - 1})+1")  # the header counts as 0
        for i in range(n):
            for key, formula in _schedule(lay, i, row).items():
                cells.formula(
                    row,
                    lay.schedule_col(i, key),
                    lay.when_filled(i, formula),
                    styles.WHOLE if key.endswith("made") else styles.USD,
                )

    ws.row_dimensions[LOANS_ROW["name"]].height = 45
    styles.widths(ws, {"A": 34, "B": _HOW_WIDTH})
    last = max(
        lay.option_col(n - 1),
        lay.schedule_col(n - 1, SCHEDULE_BLOCK[-1][0]),
        lay.disb_col(n - 1, DISB_BLOCK[-1][0]),
    )
    for column in range(layout.OPTION_COL, last + 1):
        ws.column_dimensions[get_column_letter(column)].width = 15
    ws.freeze_panes = ws.cell(row=layout.LOANS_FIRST_ROW + 1, column=layout.OPTION_COL)
    styles.protect(ws)


def _block(cells, n, lay, title_row, title, first_header, block, col) -> None:  # type: ignore[no-untyped-def]
    """A title, each option's name over its block of columns, and the block's headers."""
    ws = cells.ws
    ws.cell(row=title_row, column=1, value=title).font = styles.SECTION_FONT
    cells.header(title_row + 2, 1, first_header)
    for i in range(n):
        first = col(i, block[0][0])
        name = ws.cell(
            row=title_row + 1,
            column=first,
            value=lay.when_filled(i, f"={lay.loan('name', i, local=True)}"),
        )
        name.font = styles.BOLD
        ws.merge_cells(
            start_row=title_row + 1,
            start_column=first,
            end_row=title_row + 1,
            end_column=first + len(block) - 1,
        )
        for key, text in block:
            cells.header(title_row + 2, col(i, key), text)
    ws.row_dimensions[title_row + 2].height = 60
