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


def __getattr__(name: str) -> Any:
    # Loaded when first asked for: the Python API needs pandas and the records numpy, while the
    # Excel functions mostly need neither and the command must answer Ctrl+C from its first
    # instant (mlworth_xl.launch), so importing the package loads none of them.
    if name in ("COLUMNS", "compare"):
        from mlworth_xl import api

        return getattr(api, name)
    if name == "InputError":
        from mlworth_xl.model.errors import InputError

        return InputError
    if name in ("Person", "Program", "Programs"):
        from mlworth_xl.model import records

        return getattr(records, name)
    raise AttributeError(f"module 'mlworth_xl' has no attribute {name!r}")


try:
    __version__ = version("mlworth-xl")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["COLUMNS", "InputError", "Person", "Program", "Programs", "__version__", "compare"]
