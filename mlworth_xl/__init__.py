"""mlworth-xl: is a master's in machine learning worth the money?

One financial model (:mod:`mlworth_xl.model`) with three faces: Excel
functions (:mod:`mlworth_xl.udfs`), a workbook generator
(:mod:`mlworth_xl.workbook`) and a command line (``mlworth-xl``).

>>> import mlworth_xl
>>> table = mlworth_xl.compare()
>>> len(table) >= 7
True
"""

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import Person, Program, Programs


def __getattr__(name: str) -> Any:
    # The Python API needs pandas; the Excel functions mostly do not, so importing the package
    # (as xlwings does to reach mlworth_xl.udfs) does not load it until it is asked for.
    if name in ("COLUMNS", "compare"):
        from mlworth_xl import api

        return getattr(api, name)
    raise AttributeError(f"module 'mlworth_xl' has no attribute {name!r}")

try:
    __version__ = version("mlworth-xl")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["COLUMNS", "InputError", "Person", "Program", "Programs", "__version__", "compare"]
