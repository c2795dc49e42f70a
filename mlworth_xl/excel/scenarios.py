"""Inputs given as a table of names and values: the scenario ranges of the Excel functions.

A scenario range holds input names (field names or labels) in its first
column and values in the next ones, one column per option.  :func:`scenario`
reads the model's inputs from it, :func:`split_scenario` takes out the
option's kind and the uncertainty inputs of the Monte Carlo functions, and
:func:`checked_inputs` is the one place that checks the inputs of a whole
option before the model evaluates it (``#NUM!`` with the model's message).
:func:`scenario_odds` gives the odds of each option as ``MLWORTH_EVALUATE``
and ``MLWORTH_ODDS`` show them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np

from mlworth_xl.excel.cells import CellError, cell_number, error_code, numbers, text
from mlworth_xl.model import data, fields
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.evaluate import Outcome, evaluate, inputs_with_defaults, validate
from mlworth_xl.model.odds import odds, verdict
from mlworth_xl.model.uncertainty import RISK_FIELDS, Uncertainty
from mlworth_xl.parse import header_key, parse_bool, parse_code, parse_number

F = fields.ALL


def key(name: str) -> str:
    """A name as the file readers match headers: ``"Loan APR"`` → ``"loan_apr"``."""
    return header_key(name)


@functools.cache
def _aliases() -> dict[str, str]:
    return {
        key(t): f.name
        for f in (*fields.PROGRAM_FIELDS, *fields.PERSON_FIELDS)
        for t in (f.name, f.label)
    }


def field_named(name: Any) -> fields.Field | None:
    """The input called ``name`` (its field name or label, in any case), if any."""
    return fields.ALL.get(_aliases().get(key(str(name or "")), ""))


def _value(x: Any, field: fields.Field) -> float | None:
    """A value cell of a scenario table; text is read as the file readers read it."""
    if isinstance(x, str) and x.strip() in data.figures():
        x = data.resolve(x.strip())
    v = cell_number(x, field)
    if (
        isinstance(v, CellError)
        and isinstance(x, str)
        and error_code(x) is None
        and field.unit != "bool"
    ):
        try:
            return parse_code(x, field) if field.is_code else parse_number(x, field)
        except ValueError as exc:
            raise CellError("#VALUE!", str(exc)) from None
    if isinstance(v, CellError):
        raise v
    if field.unit == "bool" and v not in (None, 0.0, 1.0):
        raise CellError("#NUM!", fields.describe(field, v))
    return v


def scenario(
    rows: list[list[Any]] | None,
    name: str = "scenario",
    allowed: Mapping[str, fields.Field] = fields.ALL,
    columns: int | None = None,
    kind: str | None = None,
) -> tuple[dict[str, np.ndarray], list[Any]]:
    """Inputs from a range of rows ``name | value [| value …]``: one array per input.

    Names are field names or labels (``Loan APR``, ``loan_apr``); values are
    numbers, TRUE/FALSE, text as the file readers read it (``7.94%``) or a
    figure key.  A first row with no number among its values is a header.
    Empty values take the default; text fields (name, kind) are skipped.
    The inputs that follow the kind (placement, months to a job, role shares),
    left empty or out, take the defaults of each value column's kind: its
    ``kind`` row, else ``kind``, else "other" (the least favourable).
    Also returns the header's value cells (None each without a header).

    >>> scenario([["Tuition per year", 52000.0], ["loan_apr", "7.94%"]])[0]["loan_apr"]
    array([0.0794])
    >>> scenario([["Kind", "bootcamp"], ["years", 0.25]])[0]["placement_prob"]
    array([0.6])
    """
    if not rows:
        return {}, [None]
    width, first = len(rows[0]), rows[0]
    if width < 2 or (columns is not None and width != columns + 1):
        raise CellError(
            "#VALUE!",
            f"{name}: takes two columns: input names, then values"
            + ("" if columns == 1 else " (more value columns for more options)"),
        )
    header: list[Any] = [None] * (width - 1)
    skip = field_named(first[0]) is None and not any(
        isinstance(v, int | float) and not isinstance(v, bool) for v in first[1:]
    )
    if skip:
        header = list(first[1:])
    out: dict[str, np.ndarray] = {}
    kinds = [kind or "other"] * (width - 1)
    #: Each input that follows the kind: its values, None where the cell is empty.
    by_kind: dict[str, list[float | None]] = {}
    for r, row in enumerate(rows[1:] if skip else rows, start=2 if skip else 1):
        where = f"{name}, row {r}"
        if row[0] is None or not str(row[0]).strip():
            if any(x is not None and str(x).strip() for x in row[1:]):
                raise CellError(
                    "#VALUE!",
                    f"{where}: a value without an input name; allowed: "
                    "the input's name in the first column (e.g. tuition_per_year)",
                )
            continue
        field = field_named(row[0])
        named = str(row[0]).strip().lower().replace(" ", "_")
        if field is None and named.startswith("share_"):
            raise CellError(
                "#VALUE!",
                f"{where}: {named[6:][:40]!r} is not a role; roles are: "
                + ", ".join(fields.ROLE_LABELS),
            )
        if field is None or field.name not in allowed:
            raise CellError(
                "#VALUE!",
                f"{where}: {str(row[0])[:40]!r} is not an input; inputs are: {', '.join(allowed)}",
            )
        if field.name in out or field.name in by_kind:
            raise CellError("#VALUE!", f"{where}: {field.name} is given twice")
        if field.unit == "text":
            for j, x in enumerate(row[1:] if field.name == "kind" else ()):
                if x is None or not str(x).strip():
                    continue
                if str(x).strip().lower() not in fields.KINDS:
                    raise CellError(
                        "#VALUE!",
                        f"{where}: kind: {str(x)[:40]!r} is not allowed; "
                        f"allowed: {field.allowed()}",
                    )
                kinds[j] = str(x).strip().lower()
            continue
        vals = []
        for x in row[1:]:
            try:
                v = _value(x, field)
            except CellError as exc:
                raise CellError(exc.code, f"{where}: {field.name}: {exc.message}") from None
            if v is None and field.required:
                raise CellError(
                    "#VALUE!", f"{where}: {field.name}: is empty; allowed: {field.allowed()}"
                )
            if field.by_kind:
                vals.append(v)
                continue
            vals.append(float(data.field_default(field)) if v is None else v)
        if field.by_kind:
            by_kind[field.name] = vals
        else:
            out[field.name] = np.array(vals)
    if "placement_prob" in allowed:  # an option's inputs: those left to the kind
        filled = [
            {
                **{k: v[j] for k, v in by_kind.items() if v[j] is not None},
                **data.fill_by_kind(k, {n: v[j] for n, v in by_kind.items()}),
            }
            for j, k in enumerate(kinds)
        ]
        for k in fields.KIND_FIELDS:
            out[k] = np.array([f[k] for f in filled])
    return out, header


# --- The kind and the uncertainty of the Monte Carlo functions ---------------------------------

#: Inputs of a scenario range that are not the model's: the kind and the uncertainty.
EXTRA = {f.name: f for f in (F["kind"], *RISK_FIELDS)}
_EXTRA_KEYS = {header_key(t): f.name for f in EXTRA.values() for t in (f.name, f.label)}


def split_scenario(rows: list[list[Any]] | None) -> tuple[list[list[Any]] | None, dict[str, Any]]:
    """The model's rows of a scenario range, and the kind and uncertainty inputs it gives.

    The kind stays among the model's rows too: the inputs that follow it take its defaults
    (:func:`scenario`).

    >>> model, extra = split_scenario([["Kind", "bootcamp"], ["Tuition per year", 13500.0],
    ...                                ["completion_prob", "80%"]])
    >>> model, extra
    ([['Kind', 'bootcamp'], ['Tuition per year', 13500.0]], {'kind': 'bootcamp', ...})
    >>> extra["completion_prob"]
    0.8
    """
    if not rows:
        return rows, {}
    model, extra = [], {}
    for r, row in enumerate(rows, start=1):
        name = _EXTRA_KEYS.get(header_key(str(row[0] or ""))) if len(row) == 2 else None
        if name is None or name == "kind":
            model.append(row)
        if name is None:
            continue
        if name in extra:
            raise CellError("#VALUE!", f"scenario, row {r}: {name} is given twice")
        elif row[1] is not None and not (isinstance(row[1], str) and not row[1].strip()):
            extra[name] = _extra_value(row[1], EXTRA[name], f"scenario, row {r}: {name}")
    return model, extra


def _extra_value(x: Any, field: fields.Field, where: str) -> Any:
    """A value of the kind or an uncertainty input, read as the file readers read it."""
    if field.unit == "text":
        word = text(x, where, required=True)
        word = word.lower() if word.lower() in field.choices else word  # any case, as files
        if word not in field.choices:
            raise CellError(
                "#VALUE!", f"{where}: {word!r} is not allowed; allowed: {field.allowed()}"
            )
        return word
    if isinstance(x, str) and error_code(x) is None:
        try:
            x = parse_bool(x) if field.unit == "bool" else parse_number(x, field)
        except ValueError as exc:
            raise CellError("#VALUE!", f"{where}: {exc}") from None
    value, _, _ = numbers(x, where, field, None)
    return bool(value) if field.unit == "bool" else value


# --- A whole option: checked, then evaluated ---------------------------------------------------


def checked_inputs(values: Mapping[str, Any], where: str = "") -> dict[str, np.ndarray]:
    """All inputs of the options ``values`` gives, defaults filled in, once they pass the checks.

    A value out of range is ``#NUM!`` with the model's message (rows numbered
    from 1 when the values are arrays), after ``where``.

    >>> checked_inputs({"years": 2.0, "tuition_per_year": 9e4, "salary_after": 1e5})["years"]
    array(2.)
    >>> try:
    ...     checked_inputs({"years": 2.0, "tuition_per_year": -1.0, "salary_after": 1e5})
    ... except CellError as exc:
    ...     print(exc)
    #NUM! tuition_per_year: -1 is out of range; allowed: a number from 0 to 500,000
    """
    arrays = inputs_with_defaults(values)
    problems = validate(arrays, first_row=1)
    if problems:
        raise CellError("#NUM!", where + InputError(problems).summary())
    return arrays


def evaluate_option(scenario_rows: list[list[Any]] | None, **given: Any) -> Outcome:
    """Evaluate options: a scenario table (one value column), overridden by ``given``."""
    values, _ = scenario(scenario_rows, columns=1)
    merged: dict[str, Any] = {k: v[0] for k, v in values.items()}
    merged.update({k: v for k, v in given.items() if v is not None})
    return evaluate(checked_inputs(merged), check=False)


def program_and_person(
    row: Mapping[str, Any], kind: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An option's inputs split into the program's (with ``kind`` if given) and the person's.

    >>> program_and_person({"years": 2.0, "salary": 6e4}, "masters")
    ({'kind': 'masters', 'years': 2.0}, {'salary': 60000.0})
    """
    program = {} if kind is None else {"kind": kind}
    program.update({k: v for k, v in row.items() if k in fields.PROGRAM})
    return program, {k: v for k, v in row.items() if k in fields.PERSON}


# --- The odds ----------------------------------------------------------------------------------

#: What MLWORTH_ODDS reports, in order: (key, header, attribute of Odds or None for words).
ODDS_MEASURES = (
    ("payback_chance", "Chance of paying back within target", "payback_probability"),
    ("verdict", "Verdict", None),
    ("median_payback_years", "Median payback (years)", "median_payback_years"),
    ("expected_npv", "Expected NPV", "expected_npv"),
    ("npv_p10", "NPV P10", "npv_p10"),
    ("npv_p90", "NPV P90", "npv_p90"),
)


def odds_value(found: Any, attr: str | None) -> Any:
    """One measure of the odds ``found``: the verdict in words, a number, or ``#N/A``."""
    if attr is None:
        suffix = "" if found.exact else ", simulated"
        return f"{verdict(found.payback_probability)} ({found.payback_probability:.0%}{suffix})"
    x = float(getattr(found, attr))
    if np.isnan(x):
        return CellError(
            "#N/A", "half or more of the possible courses never pay back within the horizon"
        )
    return x


def scenario_odds(values: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The odds of each option (value column) of a scenario range, as MLWORTH_EVALUATE shows them.

    ``values``: the model's inputs, one array element per option; ``extra``: the kind and the
    uncertainty inputs the range gives (:func:`split_scenario`), the same for every option.
    """
    given = dict(extra)
    kind = given.pop("kind", "other")
    unc = Uncertainty.for_kind(kind, **given)
    n = max((np.size(v) for v in values.values()), default=1)
    out: dict[str, list[Any]] = {name: [] for name, _, _ in ODDS_MEASURES}
    for j in range(n):
        row = {k: float(np.atleast_1d(v)[j if np.size(v) > 1 else 0]) for k, v in values.items()}
        found = odds(*program_and_person(row, kind), unc)
        for name, _, attr in ODDS_MEASURES:
            x = odds_value(found, attr)
            out[name].append(np.nan if isinstance(x, CellError) else x)
    return out
