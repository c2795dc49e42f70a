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
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas is imported where a table is made: the Excel functions rarely need it
    import pandas as pd

from mlworth_xl.columns import (  # the comparison's columns, named here too (api.COLUMNS, …)
    COLUMNS,
    COMPARE_COLUMNS,
    EXPECTED_HEADERS,
    HEADERS,
    ODDS_COLUMNS,
    REPAYMENT,
)
from mlworth_xl.columns import (
    IRR_ABOVE as IRR_ABOVE,
)
from mlworth_xl.columns import (
    Column as Column,
)
from mlworth_xl.model import federal
from mlworth_xl.model.codes import Financing, Plan
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.evaluate import Outcome
from mlworth_xl.model.odds import odds_programs, verdict
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.model.uncertainty import Uncertainty


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
