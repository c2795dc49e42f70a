"""Cold start of the Excel functions in Pyodide (xlwings Lite's Python) against CPython.

Prints, for Pyodide under Node.js, the time from nothing to the first result of
``MLWORTH_PAYBACK()``, in steps: booting the runtime, loading numpy and pandas,
installing xlwings and mlworth-xl with micropip, importing xlwings with its
Office.js layer (which imports numpy and pandas), importing ``mlworth_xl.udfs``
and the first call; each figure is the best of a few fresh Node.js processes.
Then the time CPython takes to import ``mlworth_xl.udfs`` in a fresh process,
classic and with the Office.js layer (``XLWINGS_ON_SERVER=true``).  Needs
``python tests/pyodide/provision.py`` first.  Excel in a browser adds its own
download of Pyodide and the wheels, not measured here.

    python benchmarks/bench_pyodide.py
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "pyodide"
ROUNDS = 3
STEPS = ("boot", "load_packages", "install", "import_xlwings", "import_udfs", "first_call")
IMPORT = (
    "import time; t = time.perf_counter(); import mlworth_xl.udfs; print(time.perf_counter() - t)"
)


def load_provision():
    spec = importlib.util.spec_from_file_location("provision", HERE / "provision.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pyodide_rounds(manifest: dict, wheel: Path, work: Path) -> list[dict]:
    request = {
        "runtime": manifest["runtime"],
        "packages": manifest["packages"],
        "wheels": [*manifest["wheels"], str(wheel)],
        "runner": str(HERE / "runner.py"),
        "calls": [],
    }
    path = work / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    rounds = []
    for _ in range(ROUNDS):
        out = subprocess.run(
            ["node", str(HERE / "run.mjs"), str(path)], capture_output=True, text=True, check=True
        )
        rounds.append(json.loads(out.stdout))
    return rounds


def cpython_import(env: dict[str, str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return min(
        float(
            subprocess.run(
                [sys.executable, "-c", IMPORT], capture_output=True, text=True, check=True, env=env
            ).stdout
        )
        for _ in range(ROUNDS)
    )


def main() -> None:
    provision = load_provision()
    manifest = provision.provisioned()
    if manifest is None:
        sys.exit(
            f"Pyodide is not provisioned in {provision.cache_dir()}: "
            "run python tests/pyodide/provision.py"
        )
    with tempfile.TemporaryDirectory() as tmp:
        wheel = provision.build_wheel(Path(tmp) / "wheel")
        rounds = pyodide_rounds(manifest, wheel, Path(tmp))
    first = rounds[0]["first"].get("float")
    print(
        f"Pyodide {rounds[0]['platform']['python']} under Node.js {node_version()}, "
        f"best of {ROUNDS} fresh processes; MLWORTH_PAYBACK() = {first}"
    )
    best = {s: min(r["timings"][s] for r in rounds) for s in STEPS}
    for step in STEPS:
        print(f"  {step:<15} {best[step]:7.3f} s")
    total = min(sum(r["timings"][s] for s in STEPS) for r in rounds)
    print(f"  {'total':<15} {total:7.3f} s  (boot to first MLWORTH_PAYBACK() result)")
    print(
        f"CPython {sys.version.split()[0]}: import mlworth_xl.udfs in a fresh process, "
        f"best of {ROUNDS}"
    )
    officejs = {
        "XLWINGS_ON_SERVER": "true",  # xlwings.pro asks for a license key (runner.py)
        "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial"),
    }
    print(f"  {'classic':<15} {cpython_import({}):7.3f} s")
    print(f"  {'Office.js':<15} {cpython_import(officejs):7.3f} s")


def node_version() -> str:
    return subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


if __name__ == "__main__":
    main()
