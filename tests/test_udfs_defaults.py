"""Every MLWORTH_* function's defaults are the data's, and its help text says them as they are.

The product rule: a default that flatters the answer is a bug.  An argument
left out takes the default person's or option's value from the data
(``mlworth_xl.model.data.field_default`` of its field), never a more
flattering 0, and the help text that quotes a default quotes that value.
The few arguments whose default is not an input's default of the data are
listed in :data:`OWN_DEFAULTS`, each with the reason.
"""

from __future__ import annotations

import inspect
import re

import pytest

from mlworth_xl import udfs
from mlworth_xl.model import data, fields, quick, records
from mlworth_xl.model.roles import salary_after

#: Arguments whose default is not the data's default of their field: (function, argument) →
#: (the default, why).
OWN_DEFAULTS = {
    ("MLWORTH_COST", "years"): (
        data.figure("duration.masters_full_time").value,
        "years has no default in the model (it is required); the function takes the data's "
        "full-time master's",
    ),
    ("MLWORTH_PAYBACK", "discount_rate"): (
        0,
        "the payback is undiscounted, as the model's payback (compare's 'Payback if completed'); "
        "a discount rate asks for the discounted payback",
    ),
    **{
        (name, "deferment_months"): (0, "a loan repaid from its first month; no input's default")
        for name in ("MLWORTH_LOAN_PAYMENT", "MLWORTH_LOAN_INTEREST", "MLWORTH_LOAN_SCHEDULE")
    },
    **{
        (name, "capitalize"): (
            True,
            "the loan functions price any loan, a private one (which capitalizes) included; "
            "TRUE gives more interest than the federal loans' FALSE, never less",
        )
        for name in ("MLWORTH_LOAN_PAYMENT", "MLWORTH_LOAN_INTEREST", "MLWORTH_LOAN_SCHEDULE")
    },
    **{
        (name, arg): (value, "how many draws and which seed: no input of the model")
        for name in ("MLWORTH_PAYBACK_PROB", "MLWORTH_PAYBACK_PERCENTILE", "MLWORTH_NPV_PERCENTILE")
        for arg, value in (("draws", 100_000), ("seed", 2026))
    },
}


def functions() -> list[str]:
    return sorted(n for n in dir(udfs) if n.startswith("MLWORTH_"))


def defaulted(name: str) -> list[tuple[str, object, object]]:
    """(argument, signature default, its Arg) of every numeric argument with a default."""
    fn = getattr(udfs, name)
    specs = fn.__mlworth_udf__["args"]
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.default is p.empty or p.default is None or isinstance(p.default, str):
            continue
        out.append((p.name, p.default, specs[p.name]))
    return out


def quoted(doc: str) -> float | None:
    """The default a help text quotes, "(default 25%" or "Default 0:", as a number."""
    found = re.search(r"\b[Dd]efault (\$?[\d,]+(?:\.\d+)?%?)", doc)
    if found is None:
        return None
    text = found.group(1).replace("$", "").replace(",", "")
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def data_default(name: str, arg: str) -> object:
    field = _field(name, arg)
    return None if field.default is None else data.field_default(field)


def _field(name: str, arg: str) -> fields.Field:
    """The input an argument is read as (the wrapper renames fields after their argument)."""
    from mlworth_xl.excel import functions as f
    from mlworth_xl.excel import risk as r

    known = {
        "tax_rate": "tax_rate",
        "growth_before": "salary_growth",
        "growth_after": "salary_growth_after",
        "salary_growth": "salary_growth",
        "discount_rate": "discount_rate",
        "horizon_years": "horizon_years",
        "work_fraction": "work_fraction",
        "months_to_job": "months_to_job",
        "fees_per_year": "fees_per_year",
        "living_per_month": "living_per_month",
        "relocation": "relocation",
        "aid_per_year": "aid_per_year",
        "tuition_growth": "tuition_growth",
        "term_years": "loan_term_years",
        "capitalize": "capitalize_interest",
        "dependents": "dependents",
        "years": "years",
    }
    if arg in known:
        return fields.ALL[known[arg]]
    return {"deferment_months": f.DEFERMENT, "draws": r.DRAWS, "seed": r.SEED}[arg]


CASES = [(name, arg) for name in functions() for arg, _, _ in defaulted(name)]


def test_the_functions_have_defaults_to_check():
    assert ("MLWORTH_PAYBACK", "tax_rate") in CASES
    assert ("MLWORTH_INCOME_GIVEN_UP", "months_to_job") in CASES
    assert set(OWN_DEFAULTS) <= set(CASES)  # no stale exception


@pytest.mark.parametrize(("name", "arg"), CASES)
def test_each_default_is_the_data_s_and_the_help_text_quotes_it(name, arg):
    fn = getattr(udfs, name)
    default = inspect.signature(fn).parameters[arg].default
    if (name, arg) in OWN_DEFAULTS:
        wanted, why = OWN_DEFAULTS[name, arg]
        assert why and default == wanted
    else:
        wanted = data_default(name, arg)
        assert wanted is not None, f"{name}({arg}): no data default; list it in OWN_DEFAULTS"
        assert default == wanted, f"{name}({arg}) defaults to {default}, the data's is {wanted}"
    doc = fn.__mlworth_udf__["args"][arg]
    said = quoted(doc)
    if said is not None:
        assert said == pytest.approx(float(wanted)), f"{name}({arg}) says {said}: {doc}"
    elif not isinstance(wanted, bool):  # TRUE (default) is said in words
        assert arg in ("draws", "seed"), f"{name}({arg}) does not say its default: {doc}"


def test_an_argument_left_empty_is_the_default_too():
    # the wrapper fills an empty cell with the signature's default: the data's
    person = records.Person.default()
    assert udfs.MLWORTH_INCOME_GIVEN_UP(60000, 2) == udfs.MLWORTH_INCOME_GIVEN_UP(
        60000, 2, [[None]], [[None]], [[None]], [[None]]
    )
    assert udfs.MLWORTH_PAYBACK(180000, 60000, 100000) == udfs.MLWORTH_PAYBACK(
        180000, 60000, 100000, person.tax_rate, person.salary_growth, 0, 0, person.horizon_years
    )


def test_the_salary_the_help_texts_quote_is_the_default_person_s():
    salary = f"${data.field_default(fields.ALL['salary']):,.0f}"
    quoting = [
        (name, arg, doc)
        for name in functions()
        for arg, doc in getattr(udfs, name).__mlworth_udf__["args"].items()
        if arg in ("salary", "salary_before")
        and inspect.signature(getattr(udfs, name)).parameters[arg].default is None  # optional
    ]
    assert len(quoting) >= 8
    for name, arg, doc in quoting:
        assert salary in doc, f"{name}({arg}): {doc}"


def test_the_target_the_help_texts_quote_is_the_data_s():
    target = f"else {data.field_default(fields.ALL['target_payback_years']):g}."
    for name in ("MLWORTH_BREAK_EVEN_SALARY", "MLWORTH_ODDS", "MLWORTH_PAYBACK_PROB"):
        args = getattr(udfs, name).__mlworth_udf__["args"]
        doc = args.get("target_payback_years") or args["within_years"]
        assert doc.endswith(target), f"{name}: {doc}"


def test_no_help_text_quotes_a_figure_that_is_not_the_data_s():
    # the stale figures the help texts once quoted, and none of the old preset's
    stale = ("58,260", "120,883", "defaults 40 years, 3%")
    for name in functions():
        fn = getattr(udfs, name)
        for text in (fn.__doc__, *fn.__mlworth_udf__["args"].values()):
            assert not any(s in text for s in stale), f"{name}: {text}"


def test_payback_s_default_scenario_is_the_default_option_if_completed():
    # the first default option for the default person, as the model evaluates it
    programs, person = records.Programs.default(), records.Person.default()
    first = {k: v[:1] for k, v in programs.columns.items()}
    placed = float(salary_after(first)[0])
    p = float(first["placement_prob"][0])
    ds = quick.default_scenario()
    assert ds["total_cost"] == float(programs.evaluate(person).total_cost[0])
    assert ds["salary_before"] == person.salary
    # a graduate as expected: placed with the chance p, else the current salary, so the raise
    # is the model's p × (placed − current)
    assert ds["salary_after"] == pytest.approx(person.salary + p * (placed - person.salary))
    assert p < 1  # the placement chance counts: no certain job
