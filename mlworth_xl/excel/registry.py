"""How an Excel function is registered: :func:`udf`, :func:`num` and the argument docs shared.

Every ``MLWORTH_*`` function of :mod:`mlworth_xl.excel.functions` and
:mod:`mlworth_xl.excel.risk` is a body decorated with :func:`udf`, which reads
its arguments through :func:`mlworth_xl.excel.cells.excel_function` and then
applies xlwings' own decorators, so xlwings finds the function by its marks
wherever it is imported.  The docs of the arguments both modules take
(:data:`OPTION_ARGS`, :data:`SCENARIO`) are written here once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import xlwings as xw

from mlworth_xl.excel.cells import Arg, excel_function
from mlworth_xl.model import data, fields

F = fields.ALL


def udf(
    nan: str | None = None, doc: str | None = None, **args: Arg
) -> Callable[[Callable[..., Any]], Any]:
    """Register an Excel function: read its arguments, then apply xlwings' decorators.

    ``doc`` replaces the body's docstring where the description quotes figures of the data
    (written from the data, never by hand).  Records ``__mlworth_udf__`` (its docs), which
    xlwings' decorators leave no trace of on Linux, for the meta-test.
    """

    def register(body: Callable[..., Any]) -> Any:
        fn = excel_function(body, args, nan=nan)
        fn.__doc__ = " ".join((doc or body.__doc__ or "").split())  # one line for the wizard
        fn.__mlworth_udf__ = {"doc": fn.__doc__, "args": {k: a.doc for k, a in args.items()}}
        for name, spec in args.items():
            fn = xw.arg(name, doc=spec.doc, **spec.options)(fn)
        return xw.func(category="mlworth-xl")(fn)

    return register


def default(name: str) -> Any:
    """The default of input ``name`` as the data gives it (the default person's or option's).

    >>> default("horizon_years")
    40
    """
    return data.field_default(F[name])


def shown(name: str) -> str:
    """The default of input ``name`` as a help text says it: ``$67,920``, ``25%``, ``40``.

    >>> shown("tax_rate"), shown("horizon_years")
    ('25%', '40')
    """
    field, value = F[name], default(name)
    if field.unit == "usd":
        return f"${value:,.0f}"
    if field.unit in ("rate", "fraction"):
        return f"{value:.4g}" if value == 0 else f"{value * 100:.4g}%"
    return f"{value:g}"


def num(field: fields.Field, doc: str, **kw: Any) -> Arg:
    """A numeric argument checked against ``field``.

    >>> num(F["years"], "Length in years.").kind
    'number'
    """
    return Arg(doc, field=field, **kw)


SCENARIO = Arg(
    "Optional range: input names (field names or labels) in the first column, "
    "values in the next, for every other input; left out: the embedded "
    "defaults (of its kind, where they follow it).",
    kind="table",
)
#: The arguments of a whole option, as MLWORTH_NPV and the Monte Carlo functions take it.
OPTION_ARGS = dict(
    years=num(F["years"], "Length of study in years."),
    tuition_per_year=num(F["tuition_per_year"], "Tuition per year, in dollars."),
    salary_after=num(F["salary_after"], "Yearly salary in the new role."),
    salary=num(
        F["salary"], f"Current yearly salary. Empty: the scenario's, else {shown('salary')}."
    ),
    scenario=SCENARIO,
)
