"""The Python API of the Monte Carlo layer: how likely each option is to pay back.

One row per option, like :func:`mlworth_xl.api.compare`.  ``mlworth-xl
risk`` shows these columns; the definitions of the draws are in
:mod:`mlworth_xl.model.risk`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlworth_xl.api import Column, resolve_inputs
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.risk import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    RiskResult,
    Uncertainty,
    iter_simulations,
)

#: Payback horizons shown by default, besides the person's target (Georgetown CEW
#: reports degree returns at 10 to 40 years; 5 adds the short view).
DEFAULT_WITHIN = (5.0, 10.0, 20.0)
QUANTILES = (10, 50, 90)


def within_key(years: float) -> str:
    return f"within_{years:g}"


def risk_columns(within: Iterable[float] = DEFAULT_WITHIN) -> tuple[Column, ...]:
    """The columns of the risk table, with a "P(≤ n years)" column for each ``within``."""
    cols = [
        Column("option", "Option", "text", "The option's name."),
        Column("target_years", "Target (years)", "years", "The person's target payback."),
        Column(
            "target_probability",
            "P(pays back within target)",
            "share",
            "Share of draws that pay back within the target.",
        ),
    ]
    cols += [
        Column(
            within_key(n),
            f"P(within {n:g} years)",
            "share",
            f"Share of draws that pay back within {n:g} years.",
        )
        for n in within
    ]
    cols += [
        Column(
            "never_share",
            "Never pays back",
            "share",
            "Share of draws that do not pay back within the horizon.",
        )
    ]
    cols += [
        Column(
            f"payback_p{q}",
            f"Payback p{q} (years)",
            "years",
            f"{q}th percentile of the payback; never: beyond the horizon.",
        )
        for q in QUANTILES
    ]
    cols += [
        Column(f"npv_p{q}", f"NPV p{q}", "usd", f"{q}th percentile of the NPV.") for q in QUANTILES
    ]
    cols += [
        Column("mean_npv", "Mean NPV", "usd", "Average NPV over the draws."),
        Column("draws", "Draws", "count", "Draws per option."),
        Column("seed", "Seed", "count", "The seed: the same seed gives the same table."),
    ]
    return tuple(cols)


def risk_row(result: RiskResult, within: Iterable[float] = DEFAULT_WITHIN) -> dict[str, Any]:
    """The numbers of one option's draws, keyed like :func:`risk_columns`."""
    row: dict[str, Any] = {
        "target_years": result.target_years,
        "target_probability": result.payback_probability(),
    }
    row.update({within_key(n): result.payback_probability(n) for n in within})
    row["never_share"] = result.never_share
    row.update(
        zip(
            (f"payback_p{q}" for q in QUANTILES),
            result.payback_percentiles(QUANTILES).tolist(),
            strict=True,
        )
    )
    row.update(
        zip(
            (f"npv_p{q}" for q in QUANTILES),
            result.npv_percentiles(QUANTILES).tolist(),
            strict=True,
        )
    )
    row.update(mean_npv=result.mean_npv, draws=result.draws, seed=result.seed)
    return row


def risk(
    programs: Any = None,
    person: Any = None,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
    within: Sequence[float] = DEFAULT_WITHIN,
    uncertainty: Uncertainty | Sequence[Uncertainty] | None = None,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """How likely each option is to pay back, and the spread of payback and NPV.

    Parameters
    ----------
    programs, person
        As :func:`mlworth_xl.compare` takes them (None: the embedded defaults).
    draws, seed : int
        Draws per option and the seed; every option uses the same seed.
    within : sequence of float
        Paybacks (years from the first day of study) to give a probability for.
    uncertainty : Uncertainty or one per option, optional
        Default: the defaults of each option's kind.
    progress : callable, optional
        Called with the number of draws done after each chunk.

    Returns
    -------
    pandas.DataFrame
        One row per option with the headers of :func:`risk_columns`.

    Examples
    --------
    >>> table = risk(draws=2000, seed=7)
    >>> table.columns[:3].tolist()
    ['Option', 'Target (years)', 'P(pays back within target)']
    >>> bool((table["Never pays back"] <= 1).all()), int(table["Seed"][0])
    (True, 7)
    """
    years = list(dict.fromkeys(float(n) for n in within))
    if any(not np.isfinite(n) or n <= 0 for n in years):
        raise InputError.single("within", f"{within!r}: every payback must be above 0 years")
    table, who = resolve_inputs(programs, person)
    if uncertainty is None:  # a workbook's own uncertainty inputs, when read from one
        uncertainty = getattr(table, "uncertainties", None)
    results = iter_simulations(
        table,
        who,
        uncertainty,
        draws=draws,
        seed=seed,
        roles=getattr(table, "roles", None),
        progress=progress,
    )  # one option's draws in memory at a time
    rows = [
        {"option": name, **risk_row(r, years)} for name, r in zip(table.names, results, strict=True)
    ]
    return pd.DataFrame({c.header: [r[c.key] for r in rows] for c in risk_columns(years)})
