"""Student loans: gross-up for the origination fee, deferment, capitalization, amortization.

A loan of ``principal`` is disbursed on the first day of study.  For
``deferment_months`` (study plus grace) no payments are due and simple
interest accrues on the principal: principal × apr × months / 12.  When
repayment starts that interest is either capitalized (added to the balance,
``capitalize=True``, the conservative default: it costs the most) or, with
``capitalize=False``, it is taken to have been paid as it accrued, so the
balance at repayment is the principal.  The balance is then repaid in
12 × term level monthly payments at apr / 12.

Total interest is everything paid minus the principal.  Amounts are
positive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from mlworth_xl.model.timeline import Array


def gross_principal(net_need: ArrayLike, fee: ArrayLike) -> Array:
    """Amount to borrow so that, after the origination fee, ``net_need`` is received.

    >>> round(float(gross_principal(20500 * (1 - 0.01057), 0.01057)), 6)
    20500.0
    """
    return np.asarray(net_need, dtype=float) / (1.0 - np.asarray(fee, dtype=float))


def deferment_interest(principal: ArrayLike, apr: ArrayLike, months: ArrayLike) -> Array:
    """Simple interest accrued over the deferment: principal × apr × months / 12.

    >>> float(deferment_interest(10000, 0.06, 30))
    1500.0
    """
    return (
        np.asarray(principal, dtype=float)
        * np.asarray(apr, dtype=float)
        * (np.asarray(months, dtype=float) / 12.0)
    )


def repayment_balance(
    principal: ArrayLike, apr: ArrayLike, months: ArrayLike, capitalize: ArrayLike = True
) -> Array:
    """Balance when repayment starts: principal, plus deferment interest if capitalized."""
    cap = np.asarray(capitalize, dtype=float)
    return np.asarray(principal, dtype=float) + cap * deferment_interest(principal, apr, months)


def level_payment(balance: ArrayLike, apr: ArrayLike, term_years: ArrayLike) -> Array:
    """Level monthly payment that repays ``balance`` in 12 × term months at apr / 12.

    The same as Excel's ``-PMT(apr/12, 12*term, balance)``; a zero rate
    repays balance / months.

    >>> round(float(level_payment(200000, 0.075, 15)), 2)
    1854.02
    """
    b = np.asarray(balance, dtype=float)
    i = np.asarray(apr, dtype=float) / 12.0
    n = 12.0 * np.asarray(term_years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        annuity = np.where(i > 0, -np.expm1(-n * np.log1p(i)) / np.where(i > 0, i, 1.0), n)
    return b / annuity


def balance_after(balance: ArrayLike, apr: ArrayLike, payment: ArrayLike, k: ArrayLike) -> Array:
    """Balance left after ``k`` level payments (Excel: ``-FV(apr/12, k, -payment, balance)``)."""
    b = np.asarray(balance, dtype=float)
    i = np.asarray(apr, dtype=float) / 12.0
    k = np.asarray(k, dtype=float)
    grown = np.expm1(k * np.log1p(i))  # (1+i)^k - 1 without cancellation for small rates
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        paid = np.where(i > 0, payment * grown / np.where(i > 0, i, 1.0), payment * k)
    return b * (1.0 + grown) - paid


def loan_payment(
    principal: ArrayLike,
    apr: ArrayLike,
    term_years: ArrayLike = 10,
    deferment_months: ArrayLike = 0,
    capitalize: ArrayLike = True,
) -> Array:
    """Monthly payment of a loan after deferment (Excel: ``MLWORTH_LOAN_PAYMENT``).

    Parameters
    ----------
    principal : array_like
        Amount borrowed.
    apr : array_like
        Yearly interest rate as a decimal (0.0794).
    term_years : array_like
        Repayment term; 12 × term level monthly payments.
    deferment_months : array_like
        Months of study and grace before the first payment; simple interest
        accrues on the principal meanwhile.
    capitalize : array_like of bool
        Whether that interest is added to the balance when repayment starts.

    Returns
    -------
    ndarray
        The monthly payment.

    Notes
    -----
    With balance :math:`B = P (1 + c \\cdot a\\,d/12)` and :math:`i = a/12`,
    :math:`n = 12 t`: :math:`\\text{payment} = B i / (1 - (1+i)^{-n})`.

    Examples
    --------
    A $41,000 Direct Unsubsidized loan at 7.94%, two years of school and six
    months of grace, interest capitalized, ten years to repay:

    >>> round(float(loan_payment(41000, 0.0794, 10, 30)), 2)
    594.63
    """
    balance = repayment_balance(principal, apr, deferment_months, capitalize)
    return level_payment(balance, apr, term_years)


def total_interest(
    principal: ArrayLike,
    apr: ArrayLike,
    term_years: ArrayLike = 10,
    deferment_months: ArrayLike = 0,
    capitalize: ArrayLike = True,
) -> Array:
    """Interest paid over the loan's life: everything paid minus the principal.

    Arguments as :func:`loan_payment` (Excel: ``MLWORTH_LOAN_INTEREST``).
    With ``capitalize=False`` the deferment interest is paid as it accrues,
    so it is counted once and earns no interest itself.

    Examples
    --------
    With no deferment this is payment × months − principal, 1,854.02 × 180 − 200,000:

    >>> round(float(total_interest(200000, 0.075, 15)), 2)
    133724.45
    """
    d = deferment_interest(principal, apr, deferment_months)
    balance = repayment_balance(principal, apr, deferment_months, capitalize)
    payment = level_payment(balance, apr, term_years)
    return 12.0 * np.asarray(term_years, dtype=float) * payment - balance + d


def interest_by_year(
    principal: ArrayLike,
    apr: ArrayLike,
    term_years: ArrayLike,
    deferment_months: ArrayLike,
    capitalize: ArrayLike,
    year: ArrayLike,
) -> Array:
    """Interest that accrues in each year ``year`` (1-based, from the first disbursement).

    Deferment interest accrues month by month; after that, the interest part
    of the payments made in the year.  Summed over all years this is
    :func:`total_interest`.
    """
    y = np.asarray(year, dtype=float)
    months = np.asarray(deferment_months, dtype=float)
    p = np.asarray(principal, dtype=float)
    monthly = p * np.asarray(apr, dtype=float) / 12.0
    deferred_in_year = np.maximum(0.0, np.minimum(12.0 * y, months) - 12.0 * (y - 1.0))
    balance = repayment_balance(p, apr, months, capitalize)
    payment = level_payment(balance, apr, term_years)
    n = 12.0 * np.asarray(term_years, dtype=float)
    k_end = np.clip(12.0 * y - months, 0.0, n)
    k_start = np.clip(12.0 * (y - 1.0) - months, 0.0, n)
    paid_interest = (
        (k_end - k_start) * payment
        + balance_after(balance, apr, payment, k_end)
        - balance_after(balance, apr, payment, k_start)
    )
    return monthly * deferred_in_year + paid_interest


@dataclass(frozen=True)
class Schedule:
    """A loan's month-by-month schedule (one scenario).

    Month 1 is the first month after disbursement.  During deferment the
    payment is the interest paid as it accrues (zero when capitalized).
    """

    month: Array
    payment: Array
    interest: Array
    principal: Array
    balance: Array
    deferment_months: int

    def as_dict(self) -> dict[str, Array]:
        return {
            "month": self.month,
            "payment": self.payment,
            "interest": self.interest,
            "principal": self.principal,
            "balance": self.balance,
        }


def schedule(
    principal: float,
    apr: float,
    term_years: int = 10,
    deferment_months: int = 0,
    capitalize: bool = True,
) -> Schedule:
    """Month-by-month schedule of one loan.

    Principal repaid over the schedule sums to the balance at repayment start.

    Examples
    --------
    >>> s = schedule(12000, 0.06, 1)
    >>> round(float(s.principal.sum()), 6), round(float(s.balance[-1]), 6)
    (12000.0, 0.0)
    """
    months = int(deferment_months)
    n = int(round(12 * term_years))
    interest_d = principal * apr / 12.0
    balance0 = float(repayment_balance(principal, apr, months, capitalize))
    payment = float(level_payment(balance0, apr, term_years))
    k = np.arange(1, n + 1, dtype=float)
    bal = balance_after(balance0, apr, payment, k)
    prev = np.concatenate(([balance0], bal[:-1]))
    principal_part = prev - bal
    interest_part = payment - principal_part
    defer_pay = np.zeros(months) if capitalize else np.full(months, interest_d)
    accrued = principal + interest_d * np.arange(1, months + 1) * float(capitalize)
    return Schedule(
        month=np.arange(1, months + n + 1, dtype=float),
        payment=np.concatenate((defer_pay, np.full(n, payment))),
        interest=np.concatenate((np.full(months, interest_d), interest_part)),
        principal=np.concatenate((np.zeros(months), principal_part)),
        balance=np.concatenate((accrued, np.where(np.abs(bal) < 1e-9 * balance0, 0.0, bal))),
        deferment_months=months,
    )
