"""The records and the field table describe the same inputs.

:class:`~mlworth_xl.model.records.Program` and :class:`~mlworth_xl.model.records.Person`
are written out by hand (typed attributes for editors and readers), while
:data:`~mlworth_xl.model.fields.PROGRAM_FIELDS` and ``PERSON_FIELDS`` are the
one description every reader and check uses.  A field added to one and not the
other, or a default copied from the wrong entry, is caught here.
"""

from __future__ import annotations

import dataclasses
import tomllib
from importlib import resources

import pytest

from mlworth_xl.model import fields
from mlworth_xl.model.records import Person, Program

#: The embedded figures, read straight from the data file (not through the model's loader).
FIGURES = tomllib.loads(
    resources.files("mlworth_xl").joinpath("data/defaults.toml").read_text("utf-8")
)["figures"]


def expected_default(spec: fields.Field) -> object:
    """The default the table promises: a number as written, or the figure its key names."""
    if spec.required:
        return dataclasses.MISSING
    if isinstance(spec.default, str) and spec.unit != "text":
        return FIGURES[spec.default]["value"]
    return spec.default


def record_defaults(record: type) -> dict[str, object]:
    return {f.name: f.default for f in dataclasses.fields(record)}


@pytest.mark.parametrize(
    ("record", "table"), [(Program, fields.PROGRAM_FIELDS), (Person, fields.PERSON_FIELDS)]
)
def test_the_record_has_every_field_of_the_table_and_no_other(record, table):
    assert sorted(record_defaults(record)) == sorted(spec.name for spec in table)


@pytest.mark.parametrize(
    ("record", "table"), [(Program, fields.PROGRAM_FIELDS), (Person, fields.PERSON_FIELDS)]
)
def test_every_default_of_the_record_is_the_table_s(record, table):
    got = record_defaults(record)
    for spec in table:
        want = None if spec.by_kind else expected_default(spec)  # None: the kind's
        assert (got.get(spec.name), type(got.get(spec.name))) == (want, type(want)), spec.name


def test_an_option_of_kind_other_takes_the_table_s_defaults_of_the_inputs_that_follow_the_kind():
    option = Program("x", years=1, tuition_per_year=0, salary_after=1)
    assert option.kind == "other"
    for name in fields.KIND_FIELDS:
        want = expected_default(fields.PROGRAM[name])
        assert getattr(option, name) == want, name
