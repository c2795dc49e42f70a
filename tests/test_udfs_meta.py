"""Every public MLWORTH_* function is registered, documented and stays usable in xlwings Lite.

On Linux xlwings' decorators are no-ops that leave no trace, so the module is
also re-imported with recording stand-ins for ``xlwings.func`` and
``xlwings.arg`` to see that each function really goes through them.
"""

from __future__ import annotations

import ast
import graphlib
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest
import xlwings

from mlworth_xl import udfs
from mlworth_xl.model import data, fields

ROOT = Path(__file__).resolve().parents[1]
#: Excel's limit for a function's and an argument's description in the function wizard.
WIZARD_LIMIT = 255


def public_functions() -> list[str]:
    return sorted(n for n in dir(udfs) if n.startswith("MLWORTH_"))


def reexported_modules() -> list:
    """Modules where the functions udfs names are written (mlworth_xl.excel.functions, …)."""
    names = {getattr(udfs, n).__module__ for n in public_functions()} - {udfs.__name__}
    return [sys.modules[n] for n in sorted(names)]


def test_all_lists_every_public_function():
    assert sorted(udfs.__all__) == public_functions()
    assert len(public_functions()) >= 13


def test_udfs_names_the_decorated_functions_themselves():
    # xlwings finds a function by the marks of its decorators on the module's attributes
    for name in public_functions():
        fn = getattr(udfs, name)
        assert fn.__module__.startswith("mlworth_xl.excel.") and fn.__name__ == name
        assert getattr(sys.modules[fn.__module__], name) is fn
    assert {m.__name__ for m in reexported_modules()} == {
        "mlworth_xl.excel.functions",
        "mlworth_xl.excel.risk",
    }


@pytest.mark.parametrize("name", public_functions())
def test_function_has_docstring_and_a_doc_for_each_argument(name):
    fn = getattr(udfs, name)
    meta = getattr(fn, "__mlworth_udf__", None)
    assert meta is not None, f"{name} is not registered through mlworth_xl.excel.registry.udf"
    assert fn.__doc__ and meta["doc"] == fn.__doc__
    assert len(fn.__doc__) <= WIZARD_LIMIT and "\n" not in fn.__doc__
    params = list(inspect.signature(fn).parameters)
    assert list(meta["args"]) == params
    for arg, doc in meta["args"].items():
        assert doc.strip(), f"{name}({arg}) has no doc"
        assert len(doc) <= WIZARD_LIMIT, f"{name}({arg}) doc is {len(doc)} characters"


def test_every_function_goes_through_xlwings_func_and_arg(monkeypatch):
    funcs: dict[str, dict] = {}
    args: dict[str, dict[str, dict]] = {}

    def func(f=None, **kw):
        def mark(g):
            funcs[g.__name__] = kw
            return g

        return mark(f) if f is not None else mark

    def arg(name, convert=None, **kw):
        def mark(g):
            args.setdefault(g.__name__, {})[name] = kw
            return g

        return mark

    monkeypatch.setattr(xlwings, "func", func)
    monkeypatch.setattr(xlwings, "arg", arg)
    try:
        for module in reexported_modules():  # the functions are decorated where written
            importlib.reload(module)
        fresh = importlib.reload(udfs)  # then udfs names the functions decorated just now
        for name in public_functions():
            assert name in funcs, f"{name} lacks @xlwings.func"
            params = inspect.signature(getattr(fresh, name)).parameters
            assert set(args[name]) == set(params), f"{name} lacks @xlwings.arg for some argument"
            for options in args[name].values():
                assert options["doc"] and options["ndim"] == 2 and options["err_to_str"]
    finally:
        monkeypatch.undo()
        for module in reexported_modules():
            importlib.reload(module)
        importlib.reload(udfs)


CONTRACT = {
    "MLWORTH_COST": "(tuition_per_year, years=2, fees_per_year=0, living_per_month=0, "
    "relocation=0, aid_per_year=0, tuition_growth=0)",
    # A trailing optional argument keeps every existing call's meaning (the issue allows `plan`).
    "MLWORTH_LOAN_PAYMENT": "(principal, apr, term_years=10, deferment_months=0, "
    "capitalize=True, plan=None)",
    "MLWORTH_LOAN_INTEREST": "(principal, apr, term_years=10, deferment_months=0, "
    "capitalize=True, plan=None)",
    # Left out, tax and growth are the data's defaults, never a more flattering 0 (the signature
    # shows them; tests/test_udfs_defaults.py holds them to the data); the payback is undiscounted.
    "MLWORTH_PAYBACK": "(total_cost=None, salary_before=None, salary_after=None, "
    f"tax_rate={data.field_default(fields.ALL['tax_rate'])!r}, "
    f"growth_before={data.field_default(fields.ALL['salary_growth'])!r}, "
    f"growth_after={data.field_default(fields.ALL['salary_growth_after'])!r}, "
    f"discount_rate=0, horizon_years={data.field_default(fields.ALL['horizon_years'])!r})",
}


@pytest.mark.parametrize("name", CONTRACT)
def test_the_four_contract_signatures_do_not_change(name):
    sig = inspect.signature(getattr(udfs, name))
    plain = sig.replace(
        parameters=[p.replace(annotation=p.empty) for p in sig.parameters.values()],
        return_annotation=sig.empty,
    )
    assert str(plain) == CONTRACT[name]


def test_readme_documents_every_function_and_the_command():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use in Excel", 1)[1].split("\n## ", 1)[0]
    for name in public_functions():
        assert name in section, f"{name} is not in README's Use in Excel"
    assert "mlworth-xl excel" in section
    assert "<!-- use-in-excel -->" not in text


#: What the model may never import: every face of the package, and the Excel and table libraries.
FACES = (
    "mlworth_xl.api",
    "mlworth_xl.risk_api",
    "mlworth_xl.cli",
    "mlworth_xl.workbook",
    "mlworth_xl.excel",
    "mlworth_xl.udfs",
    "mlworth_xl.inputs",
    "mlworth_xl.safe_xlsx",
    "mlworth_xl.atomic",
    "xlwings",
    "openpyxl",
    "pandas",
)
#: What the Excel functions may never import: the command line, the workbook generator, and
#: mlworth_xl.udfs, which names them.
NOT_FROM_EXCEL = ("mlworth_xl.cli", "mlworth_xl.workbook", "mlworth_xl.udfs")
#: What the workbook generator may never import: the Excel functions (the example workbook is
#: given them by its caller) and the command line.
NOT_FROM_WORKBOOK = ("mlworth_xl.excel", "mlworth_xl.udfs", "mlworth_xl.cli")
#: The layers of mlworth_xl.excel and what each may import of it: downwards only.
EXCEL_LAYERS = {
    "cells": set(),
    "registry": {"cells"},
    "scenarios": {"cells"},
    "functions": {"cells", "registry", "scenarios"},
    "risk": {"cells", "registry", "scenarios"},
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every module ``path`` imports, at any level and inside functions.

    Relative imports are resolved against the module's package, and ``from X import y`` also
    yields ``X.y`` (y may be a submodule); ``importlib.import_module("...")`` and
    ``__import__("...")`` with a literal name count too.
    """
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called in ("__import__", "import_module") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def test_the_model_imports_no_face_of_the_package():
    modules = sorted((ROOT / "mlworth_xl" / "model").rglob("*.py"))
    assert len(modules) >= 10  # the model is really there
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules
        for line, name in imported_modules(path)
        if any(name == face or name.startswith(face + ".") for face in FACES)
    ]
    assert not offences, "\n".join(offences)


def test_the_excel_functions_import_neither_the_command_line_nor_the_workbook():
    modules = sorted((ROOT / "mlworth_xl" / "excel").glob("*.py"))
    assert {p.stem for p in modules} == {"__init__", *EXCEL_LAYERS}
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules
        for line, name in imported_modules(path)
        if any(name == face or name.startswith(face + ".") for face in NOT_FROM_EXCEL)
    ]
    assert not offences, "\n".join(offences)


def test_the_workbook_generator_imports_neither_the_excel_functions_nor_the_command_line():
    modules = sorted((ROOT / "mlworth_xl" / "workbook").rglob("*.py"))
    assert {"writer", "reader", "functions_example"} <= {p.stem for p in modules}
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules
        for line, name in imported_modules(path)
        if any(name == face or name.startswith(face + ".") for face in NOT_FROM_WORKBOOK)
    ]
    assert not offences, "\n".join(offences)
    # nor through another module: importing every module of it loads none of them
    code = (
        "import importlib, pkgutil, sys, mlworth_xl.workbook as w\n"
        "for m in pkgutil.iter_modules(w.__path__):\n"
        "    importlib.import_module('mlworth_xl.workbook.' + m.name)\n"
        "print(' '.join(sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = out.stdout.split()
    assert "mlworth_xl.workbook.functions_example" in loaded
    assert not [
        m for m in loaded if any(m == f or m.startswith(f + ".") for f in NOT_FROM_WORKBOOK)
    ]


def test_the_layers_of_the_excel_functions_import_downwards_only():
    offences = []
    for layer, allowed in EXCEL_LAYERS.items():
        path = ROOT / "mlworth_xl" / "excel" / f"{layer}.py"
        for line, name in imported_modules(path):
            parts = name.split(".")
            if parts[:2] == ["mlworth_xl", "excel"] and len(parts) > 2 and parts[2] not in allowed:
                offences.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not offences, "\n".join(offences)
    assert imported_modules(ROOT / "mlworth_xl" / "excel" / "__init__.py") == []


def module_graph(root: Path) -> dict[str, set[str]]:
    """Each module of the package under ``root`` and the package's modules it imports, at any
    level and inside functions (:func:`imported_modules`).  Packages' ``__init__.py`` files are
    left out: they hand names on, and every import of a submodule runs them."""
    modules = {
        ".".join(p.relative_to(root).with_suffix("").parts): p
        for p in sorted((root / "mlworth_xl").rglob("*.py"))
        if p.name != "__init__.py"
    }
    return {
        name: {m for _, m in imported_modules(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def test_the_package_imports_in_one_direction_without_a_circle():
    graph = module_graph(ROOT)
    assert {"mlworth_xl.api", "mlworth_xl.workbook.reader", "mlworth_xl.model.odds"} <= set(graph)
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"modules that import each other in a circle: {' -> '.join(exc.args[1])}")
    assert len(order) == len(graph)


def test_the_circle_check_finds_a_circle(tmp_path, monkeypatch):
    package = tmp_path / "mlworth_xl"
    package.mkdir()
    (package / "a.py").write_text("def later():\n    from mlworth_xl import b\n")
    (package / "b.py").write_text("from mlworth_xl.a import later\n")
    (package / "c.py").write_text("import mlworth_xl.a\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    graph = module_graph(tmp_path)
    assert graph == {
        "mlworth_xl.a": {"mlworth_xl.b"},
        "mlworth_xl.b": {"mlworth_xl.a"},
        "mlworth_xl.c": {"mlworth_xl.a"},
    }
    with pytest.raises(graphlib.CycleError):
        list(graphlib.TopologicalSorter(graph).static_order())


def test_the_package_has_no_star_imports_and_leaves_sys_modules_alone():
    offences = []
    for path in sorted((ROOT / "mlworth_xl").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} imports *")
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else []
            if any(
                isinstance(t, ast.Subscript) and ast.unparse(t.value) == "sys.modules"
                for t in targets
            ):
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} changes sys.modules")
    assert not offences, "\n".join(offences)


def test_the_import_scan_sees_relative_nested_and_dynamic_imports(tmp_path, monkeypatch):
    model = tmp_path / "mlworth_xl" / "model"
    model.mkdir(parents=True)
    (model / "probe.py").write_text(
        "from .. import api\n"
        "from ..workbook.writer import write\n"
        "def later():\n"
        "    import pandas as pd\n"
        "    importlib.import_module('mlworth_xl.cli')\n"
        "from . import loans\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    names = {name for _, name in imported_modules(model / "probe.py")}
    assert names == {
        "mlworth_xl",
        "mlworth_xl.api",
        "mlworth_xl.workbook.writer",
        "mlworth_xl.workbook.writer.write",
        "mlworth_xl.model",
        "mlworth_xl.model.loans",
        "pandas",
        "mlworth_xl.cli",
    }


#: What importing the functions may load beyond what xlwings Lite itself brings (xlwings, and
#: numpy and pandas from Pyodide): only pure-Python packages, which Pyodide installs from PyPI.
PURE_PYTHON = {"mlworth_xl", "click", "openpyxl", "et_xmlfile", "defusedxml"}


def test_importing_the_functions_loads_nothing_that_needs_a_platform_wheel():
    code = (
        "import sys, xlwings, numpy, pandas\n"
        "before = {m.split('.')[0] for m in sys.modules}\n"
        "import mlworth_xl.udfs\n"
        "print(' '.join({m.split('.')[0] for m in sys.modules} - before))"
    )
    added = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    third_party = {m for m in added - set(sys.stdlib_module_names) if not m.startswith("_")}
    assert "mlworth_xl" in third_party
    assert third_party <= PURE_PYTHON, f"may need a platform wheel: {third_party - PURE_PYTHON}"


def test_the_package_and_the_model_load_without_pandas():
    # pandas is imported where a table is made, not by `import mlworth_xl` (xlwings, which
    # the Excel functions need, may import it on its own)
    import subprocess
    import sys

    code = (
        "import sys, mlworth_xl, mlworth_xl.model.evaluate, mlworth_xl.model.odds, "
        "mlworth_xl.excel.cells; print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    # and the table still comes as a DataFrame once asked for
    import mlworth_xl

    assert type(mlworth_xl.compare()).__module__.startswith("pandas")
