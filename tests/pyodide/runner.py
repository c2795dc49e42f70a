"""Run a batch of MLWORTH_* calls and encode the results: the same code in Pyodide and CPython.

``tests/pyodide/run.mjs`` runs this file's source in Pyodide, the test runs it with CPython
(``python tests/pyodide/runner.py < calls.json``), and the two JSON answers must agree;
``python tests/pyodide/runner.py --meta`` prints what xlwings' Office.js layer registers.

Before xlwings is imported, ``XLWINGS_ON_SERVER=true`` makes ``xlwings.func`` and
``xlwings.arg`` those of its Office.js layer (``xlwings.server``), which record each function
in ``__xlfunc__`` for registration; :mod:`mlworth_xl.excel.cells` then also takes the Office.js
runtime, the one Pyodide always has.  That layer is xlwings.pro, which asks for a license
key on import (``XLWINGS_LICENSE_KEY``; ``noncommercial`` unless one is set).  A call is one of:

- ``{"fn": name, "args": [...], "kwargs": {...}, "via": "python"}``: the function called
  with what xlwings hands it (``[[x]]`` for a cell, rows of cells for a range);
- the same with ``"via": "classic"``: that call under classic xlwings' rules, where an
  error is text that starts with its code;
- ``{"fn": name, "args": [...], "via": "officejs"}``: through
  ``xlwings.server.custom_functions_call``, as xlwings Lite calls a function, with the
  arguments as Office.js sends them (every one a matrix, ``None`` for an omitted one).

A result is encoded without loss: a float as its ``repr`` (so NaN and infinities
survive JSON), an int, bool, text or None tagged with its type, a list as a list, an
exception raised as its type and message.

>>> encode([[1.5, "#N/A"], [True, None]])
[[{'float': '1.5'}, {'str': '#N/A'}], [{'bool': True}, None]]
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def encode(x: Any) -> Any:
    """A result as JSON that keeps every float's exact value and every value's type."""
    if x is None:
        return None
    if isinstance(x, bool):
        return {"bool": x}
    if isinstance(x, int):
        return {"int": x}
    if isinstance(x, float):
        return {"float": repr(x)}
    if isinstance(x, str):
        return {"str": x}
    if isinstance(x, list | tuple):
        return [encode(v) for v in x]
    if isinstance(x, dict):  # an error value as xlwings' Office.js layer writes it
        return {"dict": {str(k): encode(v) for k, v in x.items()}}
    return {"type": f"{type(x).__module__}.{type(x).__qualname__}", "repr": repr(x)}


def office_js() -> None:
    """Import xlwings with its Office.js layer (it imports numpy and pandas too)."""
    os.environ["XLWINGS_ON_SERVER"] = "true"
    # xlwings.server lives in xlwings.pro (PolyForm Noncommercial 1.0.0), which asks for a
    # license key on import; "noncommercial" is xlwings' key for that license.
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings  # noqa: F401  (after the variable: it picks its decorators on import)
    import xlwings.server  # noqa: F401


def setup() -> Any:
    """Import the functions as the Office.js layer registers them; return the module."""
    office_js()
    from mlworth_xl import udfs

    return udfs


async def call(udfs: Any, case: dict) -> Any:
    from mlworth_xl.excel import cells

    via = case.get("via", "python")
    cells.RUNTIME = "classic" if via == "classic" else "officejs"
    try:
        if via == "officejs":
            import xlwings
            from xlwings.server import custom_functions_call

            # runtime: the Excel API requirement set; from 1.4 errors are written as error values
            data = {
                "func_name": case["fn"],
                "args": case["args"],
                "version": xlwings.__version__,
                "client": "Office.js",
                "runtime": "1.4",
            }
            return encode(await custom_functions_call(data, udfs))
        return encode(getattr(udfs, case["fn"])(*case["args"], **case.get("kwargs", {})))
    except Exception as exc:  # the error is the result: compared, not raised
        return {"raise": type(exc).__name__, "message": str(exc)}
    finally:
        cells.RUNTIME = "officejs"


async def run_batch(calls: list[dict]) -> list[Any]:
    udfs = setup()
    return [await call(udfs, case) for case in calls]


def meta() -> dict:
    """What xlwings' Office.js layer registers: ``xlwings.server.custom_functions_meta``."""
    udfs = setup()
    from xlwings.server import custom_functions_meta

    return custom_functions_meta(udfs)


def platform() -> dict:
    import numpy
    import pandas
    import xlwings

    return {
        "platform": sys.platform,
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "xlwings": xlwings.__version__,
        "intp": str(numpy.dtype(numpy.intp)),
        "int_": str(numpy.dtype(numpy.int_)),
    }


def main() -> None:
    import asyncio

    if sys.argv[1:] == ["--meta"]:
        json.dump(meta(), sys.stdout)
        return
    calls = json.load(sys.stdin)
    results = asyncio.run(run_batch(calls))
    json.dump({"platform": platform(), "meta": meta(), "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
