"""The codes of the two coded inputs, once: ``financing`` and ``repayment_plan``.

A coded input is a whole number that stands for a word; files and Excel
may give either.  The names (lower case) are the words, in code order:

>>> FINANCING_NAMES, PLAN_NAMES
(('simple', 'federal'), ('fixed', 'tiered', 'rap'))
>>> PLAN_NAMES[Plan.RAP], int(Financing.FEDERAL)
('rap', 1)
"""

from __future__ import annotations

from enum import IntEnum


class Financing(IntEnum):
    """How an option is financed (the ``financing`` input)."""

    #: One loan at ``loan_apr`` and ``loan_fee`` on the first day of study (a what-if).
    SIMPLE = 0
    #: The law in force: Direct Unsubsidized within the limits, then a private loan.
    FEDERAL = 1


class Plan(IntEnum):
    """How the federal loans (or the simple loan) are repaid (the ``repayment_plan`` input)."""

    #: Level payments over ``loan_term_years``.
    FIXED = 0
    #: The standard plan for loans from 2026-07-01: 10 to 25 years by the balance.
    TIERED = 1
    #: The Repayment Assistance Plan: payments by income.
    RAP = 2


def names(codes: type[IntEnum]) -> tuple[str, ...]:
    """The words of ``codes`` in the order of their numbers, which run 0, 1, 2 …"""
    members = sorted(codes, key=int)
    assert [int(m) for m in members] == list(range(len(members)))
    return tuple(m.name.lower() for m in members)


#: Words of the ``financing`` codes: ``FINANCING_NAMES[code]``.
FINANCING_NAMES = names(Financing)
#: Words of the ``repayment_plan`` codes: ``PLAN_NAMES[code]``.
PLAN_NAMES = names(Plan)
