"""The Excel functions ``MLWORTH_*`` (xlwings), in layers that import downwards only.

- :mod:`~mlworth_xl.excel.cells`: what Excel sends and receives (cells,
  ranges, empty cells) and the Excel error values;
- :mod:`~mlworth_xl.excel.registry`: :func:`~mlworth_xl.excel.registry.udf`,
  which registers a function with xlwings, and the argument docs shared;
- :mod:`~mlworth_xl.excel.scenarios`: scenario ranges of names and values,
  the one check of a whole option before it is evaluated, and the odds;
- :mod:`~mlworth_xl.excel.functions` and :mod:`~mlworth_xl.excel.risk`: the
  functions themselves, the stable ones and the Monte Carlo ones.

:mod:`mlworth_xl.udfs` names every function for xlwings.  Nothing here
imports the command line or the workbook generator, and the model imports
nothing here.
"""
