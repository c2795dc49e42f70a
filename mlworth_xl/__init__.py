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

from mlworth_xl.api import COLUMNS, compare
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import Person, Program, Programs

try:
    __version__ = version("mlworth-xl")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["COLUMNS", "InputError", "Person", "Program", "Programs", "__version__", "compare"]
