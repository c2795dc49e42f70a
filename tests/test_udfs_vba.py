"""Windows desktop Excel without Windows: the VBA wrappers xlwings' classic add-in writes.

On Windows, "Import Functions" in the xlwings add-in imports ``mlworth_xl.udfs``
with xlwings' classic decorators (``xlwings.udfs.xlfunc``) and writes one VBA
function per decorated function (``xlwings.udfs.generate_vba_wrapper``),
which calls Python through ``XLPy.CallUDF``.  That code generator is plain
Python; only its module's COM imports (pythoncom, pywintypes, win32com) need
Windows.  The test stubs those three in a fresh interpreter, makes
``xlwings.func`` the classic decorator as on Windows, and checks the VBA it
writes for every public function against the function's Python signature
and VBA's own rules (reserved words, 1,023-character lines, 60 arguments,
255-character argument descriptions for ``Application.MacroOptions``).
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys

import pytest

from mlworth_xl import udfs

#: Runs in a fresh interpreter: prints the VBA module and each function's registration.
SCRIPT = r"""
import io, json, sys, types
from types import SimpleNamespace
for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["pythoncom"].CoInitialize = lambda: None
sys.modules["win32com.client"].Dispatch = lambda *a: None
sys.modules["win32com"].client = sys.modules["win32com.client"]
import xlwings
from xlwings import udfs as classic
xlwings.func, xlwings.arg, xlwings.ret = classic.xlfunc, classic.xlarg, classic.xlret
import mlworth_xl.udfs as module
buf = io.StringIO()
classic.generate_vba_wrapper("mlworth_xl.udfs", module, buf, SimpleNamespace(Name="book.xlsm"))
meta = {n: {"doc": getattr(module, n).__xlfunc__["ret"]["doc"],
            "args": [(a["name"], a.get("doc")) for a in getattr(module, n).__xlfunc__["args"]]}
        for n in dir(module) if n.startswith("MLWORTH_")}
print(json.dumps({"vba": buf.getvalue(), "meta": meta}))
"""

#: VBA's reserved words (Office VBA language reference), lower case.
RESERVED = {
    w.lower()
    for w in (
        "And",
        "As",
        "Boolean",
        "ByRef",
        "Byte",
        "ByVal",
        "Call",
        "Case",
        "Const",
        "Currency",
        "Date",
        "Declare",
        "Dim",
        "Do",
        "Double",
        "Each",
        "Else",
        "ElseIf",
        "End",
        "Enum",
        "Erase",
        "Error",
        "Event",
        "Exit",
        "False",
        "For",
        "Function",
        "Get",
        "GoTo",
        "If",
        "Implements",
        "In",
        "Integer",
        "Is",
        "Let",
        "Like",
        "Long",
        "Loop",
        "Me",
        "Mod",
        "New",
        "Next",
        "Not",
        "Nothing",
        "Null",
        "On",
        "Option",
        "Optional",
        "Or",
        "ParamArray",
        "Preserve",
        "Private",
        "Property",
        "Public",
        "RaiseEvent",
        "ReDim",
        "Rem",
        "Resume",
        "Return",
        "Select",
        "Set",
        "Single",
        "Static",
        "Step",
        "Stop",
        "String",
        "Sub",
        "Then",
        "To",
        "True",
        "Type",
        "TypeOf",
        "Until",
        "Variant",
        "Wend",
        "While",
        "With",
        "Xor",
    )
}


@pytest.fixture(scope="module")
def generated() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout)


def public() -> list[str]:
    return sorted(n for n in dir(udfs) if n.startswith("MLWORTH_"))


def test_every_function_gets_one_wrapper(generated):
    names = re.findall(r"^Function (\w+)\(", generated["vba"], flags=re.M)
    assert names == public()
    assert generated["vba"].count("End Function") == len(public())


@pytest.mark.parametrize("name", public())
def test_the_wrapper_passes_every_argument_in_order(generated, name):
    block = re.search(
        rf"^Function {name}\((.*?)\)\n(.*?)^End Function", generated["vba"], flags=re.M | re.S
    )
    assert block, name
    params = inspect.signature(getattr(udfs, name)).parameters
    declared = [p.strip() for p in block.group(1).split(",")] if block.group(1) else []
    expected = [
        ("Optional " if p.default is not inspect.Parameter.empty else "") + n
        for n, p in params.items()
    ]
    assert declared == expected
    # both calls (Excel and other hosts) hand Python every argument, in the same order
    calls = re.findall(
        r'XLPy\.CallUDF\("mlworth_xl\.udfs", "(\w+)", Array\(([^)]*)\)', block.group(2)
    )
    assert [c[0] for c in calls] == [name, name]
    for _, args in calls:
        assert [a.strip() for a in args.split(",")] == list(params)
    assert len(params) <= 60  # VBA's limit on a procedure's arguments
    assert not {p.lower() for p in params} & RESERVED


def test_vba_lines_and_registration_texts_fit_excels_limits(generated):
    assert max(len(line) for line in generated["vba"].splitlines()) <= 1023
    for name, meta in generated["meta"].items():
        assert meta["doc"] and len(meta["doc"]) <= 255, name
        for arg, doc in meta["args"]:
            assert doc and len(doc) <= 255, (name, arg)
