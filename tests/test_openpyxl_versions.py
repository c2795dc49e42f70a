"""The oldest and the newest openpyxl that pyproject.toml allows write the committed workbook.

Each version is installed from PyPI (``pip install --target``, once, into
``.cache/openpyxl/<version>``; the installed et_xmlfile serves both), put
first on the path of a fresh Python, and writes the default workbook as the
README says, by the speed path and by openpyxl's public API
(``MLWORTH_XL_PLAIN_OPENPYXL=1``).

What is compared, and why not everything byte for byte:

- ``docProps/app.xml`` names the openpyxl that wrote the file (3.1.2 writes
  "Microsoft Excel", 3.1.4 "Microsoft Excel Compatible / Openpyxl" and its
  version): its Application and AppVersion are left out, the rest compared.
- The four files written here are otherwise the same, byte for byte: every
  sheet, style, chart, validation and name, whichever openpyxl and path.
- Against the committed workbook every other member is the same too, except
  that a number the model computes in process (the Odds sheet's "when the
  file was written" figures) may differ in its last digit or two: numpy's
  floating point sums are not the same on every processor.  Such numbers must
  agree to 12 significant digits; ``tests/test_workbook.py`` holds the
  committed file to exact bytes on the machine that writes it.

PyPI must be reachable the first time; where it is not, the test skips,
unless ``MLWORTH_REQUIRE_PYPI=1`` (set by CI's ``.ci/run``): there it fails.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from mlworth_xl.workbook import fast_path

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbooks" / "ml-masters-comparison.xlsx"
#: The oldest openpyxl allowed (the low end of fast_path.TESTED and of pyproject.toml's pin)
#: and the newest below its upper end (3.1.5, 2024-06; no 3.1.x since as of 2026-12).
VERSIONS = ("3.1.2", "3.1.5")
#: Where the installed versions are kept between runs.
CACHE = ROOT / ".cache" / "openpyxl"
_APP = re.compile(rb"<Application>[^<]*</Application><AppVersion>[^<]*</AppVersion>")
_VALUE = re.compile(rb"(<v>[^<]*</v>)")


def test_versions_are_the_ends_of_the_pinned_range():
    pin = next(
        d
        for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
        if d.startswith("openpyxl")
    )
    assert pin == "openpyxl>=3.1.2,<3.2"
    low, high = fast_path.TESTED
    assert fast_path._release(VERSIONS[0]) == low
    assert all(fast_path.in_tested_range(v) for v in VERSIONS)
    assert fast_path._release(VERSIONS[-1]) < high


def installed(version: str) -> Path:
    """A folder holding openpyxl ``version`` alone, installed once."""
    target = CACHE / version
    if (target / "openpyxl" / "__init__.py").is_file():
        return target
    partial = CACHE / f"{version}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            "--no-compile",
            "--target",
            str(partial),
            f"openpyxl=={version}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        message = f"pip could not install openpyxl {version}: {done.stderr.strip()[-500:]}"
        if os.environ.get("MLWORTH_REQUIRE_PYPI") == "1":
            pytest.fail(message)
        pytest.skip(message)
    try:
        partial.rename(target)
    except OSError:  # another worker put it there first
        shutil.rmtree(partial, ignore_errors=True)
    return target


def written(version: str, folder: Path, plain: bool) -> Path:
    """The default workbook written by openpyxl ``version``, as the README writes it."""
    dest = folder / f"{version}-{'plain' if plain else 'fast'}.xlsx"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(installed(version)), str(ROOT)]))
    env.pop(fast_path.PLAIN_ENV, None)
    if plain:
        env[fast_path.PLAIN_ENV] = "1"
    # the version and path really taken, then the command
    check = (
        "import openpyxl; from mlworth_xl.workbook import fast_path; "
        "print(openpyxl.__version__, fast_path.why_plain())"
    )
    seen = subprocess.run(
        [sys.executable, "-c", check],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
    ).stdout.strip()
    assert seen == f"{version} {'MLWORTH_XL_PLAIN_OPENPYXL is set' if plain else None}"
    subprocess.run(
        [sys.executable, "-m", "mlworth_xl", "workbook", "-o", str(dest)],
        env=env,
        capture_output=True,
        check=True,
        cwd=folder,
        timeout=120,
    )
    return dest


def members(path: Path) -> dict[str, bytes]:
    """The file's members, ``docProps/app.xml`` without the writer's name and version."""
    with zipfile.ZipFile(path) as z:
        found = {name: z.read(name) for name in z.namelist()}
    found["docProps/app.xml"] = _APP.sub(b"<Application/>", found["docProps/app.xml"])
    return found


def same_but_last_digits(ours: bytes, committed: bytes) -> bool:
    """Whether two sheets are the same but for numbers that agree to 12 significant digits.

    >>> same_but_last_digits(b"<c><v>487635.699523849</v></c>",
    ...                      b"<c><v>487635.6995238489</v></c>")
    True
    >>> same_but_last_digits(b"<c><v>1.5</v></c>", b"<c><v>1.6</v></c>")
    False
    """
    a, b = _VALUE.split(ours), _VALUE.split(committed)
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if not (x.startswith(b"<v>") and y.startswith(b"<v>")):
            return False
        try:
            if not math.isclose(float(x[3:-4]), float(y[3:-4]), rel_tol=1e-12):
                return False
        except ValueError:
            return False
    return True


def test_oldest_and_newest_openpyxl_write_the_committed_workbook(tmp_path):
    CACHE.mkdir(parents=True, exist_ok=True)
    files = {
        (v, plain): members(written(v, tmp_path, plain))
        for v in VERSIONS
        for plain in (False, True)
    }
    first = files[VERSIONS[0], False]
    for key, found in files.items():
        assert found == first, f"openpyxl {key[0]} ({'plain' if key[1] else 'fast'}) differs"
    committed = members(COMMITTED)
    assert committed.keys() == first.keys()
    differ = [
        name
        for name in first
        if first[name] != committed[name] and not same_but_last_digits(first[name], committed[name])
    ]
    assert differ == [], (
        "workbooks/ml-masters-comparison.xlsx is out of date; regenerate it "
        "with: mlworth-xl workbook -o workbooks/ml-masters-comparison.xlsx "
        "--force"
    )
