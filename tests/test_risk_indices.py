"""The simulation indexes only with np.intp arrays, numpy's own index type on every platform.

Under Pyodide (wasm32, where xlwings Lite runs) np.intp is 32-bit, and np.bincount,
ndarray.take and fancy indexing refuse int64 indices ("Cannot cast array data from
dtype('int64') to dtype('int32') according to the rule 'safe'").  On a 64-bit host np.intp
is int64 itself, so the dtype checks below can only fail on a 32-bit one; the source check
fails on any host as soon as risk.py names int64 again.
"""

from __future__ import annotations

import ast
import importlib
import inspect

import numpy as np
import pytest

from mlworth_xl.model.risk import Uncertainty

risk = importlib.import_module("mlworth_xl.model.risk")

PROGRAM = {"years": 2, "tuition_per_year": 30_000, "salary_after": 100_000}


@pytest.mark.parametrize("job_search", ["geometric", "fixed"])
def test_the_drawn_indices_and_the_row_table_are_intp(job_search):
    values, _ = risk._one_option(PROGRAM, None)
    option = risk._Option(values, Uncertainty(job_search=job_search))
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(3).spawn(5)]
    _, step, month, _, _ = option.draw(streams, 1_000)
    assert step.dtype == np.intp and month.dtype == np.intp  # the parts of the bincount key
    option.run(streams, 1_000)
    assert option.row_of.dtype == np.intp


def test_risk_names_no_int64():
    tree = ast.parse(inspect.getsource(risk))
    named = [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr == "int64")
        or (isinstance(node, ast.Constant) and node.value in ("int64", "i8", "<i8"))
    ]
    assert not named, f"risk.py names int64 on lines {named}"
