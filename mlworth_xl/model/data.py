"""The embedded defaults: published figures with their sources, and the default comparison.

The figures live in ``mlworth_xl/data/defaults.toml`` (package data, not
code).  Each has a value, a unit, a label, a source and an as-of date, and a
kind: ``sourced``, ``derived`` or ``assumption`` (an illustrative assumption
with no source).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from mlworth_xl.model import fields
from mlworth_xl.model.errors import InputError

KINDS = ("sourced", "derived", "assumption")


@dataclass(frozen=True)
class Figure:
    """One embedded figure and where it comes from."""

    key: str
    value: Any
    unit: str
    label: str
    source: str
    as_of: str
    kind: str

    @property
    def citation(self) -> str:
        """Source and date in one line: ``Salary.com (as cited), 2022``."""
        if self.kind == "assumption":
            return f"Illustrative assumption ({self.as_of})"
        return f"{self.source}, {self.as_of}"


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("mlworth_xl").joinpath("data/defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def figures() -> dict[str, Figure]:
    """All embedded figures, by key.

    >>> figures()["salary.ml_engineer"].value
    120883
    >>> figures()["salary.ml_engineer"].citation
    'Salary.com (as cited), 2022'
    """
    return {
        key: Figure(
            key=key,
            value=f["value"],
            unit=f["unit"],
            label=f["label"],
            source=f["source"],
            as_of=str(f["as_of"]),
            kind=f["kind"],
        )
        for key, f in _raw()["figures"].items()
    }


def figure(key: str) -> Figure:
    """The figure called ``key``; an :class:`InputError` listing close keys if unknown."""
    try:
        return figures()[key]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(key, figures(), n=3, cutoff=0.5)
        hint = (
            f"; did you mean {', '.join(close)}?"
            if close
            else ("; see `mlworth-xl sources` for the list")
        )
        raise InputError.single("figure", f"no embedded figure called {key!r}{hint}") from None


def resolve(value: Any) -> Any:
    """A literal stays as it is; a figure key becomes the figure's value."""
    if isinstance(value, str) and value in figures():
        return figures()[value].value
    return value


def field_default(field: fields.Field) -> Any:
    """The default of an input field, with figure keys resolved."""
    return resolve(field.default)


#: The inputs whose default follows the option's kind: the program fields marked ``by_kind``
#: and the completion probability of the odds (:mod:`mlworth_xl.model.uncertainty`).
KIND_INPUTS: tuple[str, ...] = (*fields.KIND_FIELDS, "completion_prob")


@cache
def _kind_keys() -> dict[str, dict[str, Any]]:
    table = _raw()["kinds"]
    out: dict[str, dict[str, Any]] = {}
    for kind in fields.KINDS:
        entry = table[kind]
        out[kind] = {
            name: entry.get(name, 0.0 if name in fields.SHARE_FIELDS else None)
            for name in KIND_INPUTS
        }
    return out


@cache
def _kind_values() -> dict[str, dict[str, float]]:
    return {
        kind: {name: float(resolve(v)) for name, v in entry.items()}
        for kind, entry in _kind_keys().items()
    }


def kind_keys(kind: str) -> dict[str, Any]:
    """The defaults of ``kind`` as written in the data: a figure key, or 0 for a share not
    listed (an unknown kind: those of "other").

    >>> kind_keys("bootcamp")["placement_prob"]
    'assumption.bootcamp_placement_prob'
    """
    return dict(_kind_keys().get(kind, _kind_keys()["other"]))


def kind_defaults(kind: str) -> dict[str, float]:
    """The defaults of the inputs that follow the kind (:data:`KIND_INPUTS`), for ``kind``.

    An unknown kind takes those of "other" (the least favourable of the kinds' figures).

    >>> d = kind_defaults("bootcamp")
    >>> d["placement_prob"], d["months_to_job"], d["share_ml_engineer"], d["completion_prob"]
    (0.6, 6.0, 0.0, 0.8)
    >>> kind_defaults("masters")["share_data_scientist"]
    0.25
    """
    return dict(_kind_values().get(kind, _kind_values()["other"]))


def kind_default(kind: str, name: str) -> float:
    """The default of input ``name`` (one of :data:`KIND_INPUTS`) for an option of ``kind``."""
    return _kind_values().get(kind, _kind_values()["other"])[name]


def fill_by_kind(kind: str, given: Mapping[str, Any]) -> dict[str, float]:
    """The program inputs that follow the kind (:data:`fields.KIND_FIELDS`) and that ``given``
    leaves out (absent or None), with the defaults of ``kind``.

    The role shares are one input: all left out, the kind's shares; any given, the others 0.

    >>> fill_by_kind("masters", {"placement_prob": 0.5, "share_ml_engineer": 1.0})
    {'months_to_job': 3.0, 'share_data_scientist': 0.0, 'share_data_engineer': 0.0,
     'share_software_engineer': 0.0, 'share_doctoral_student': 0.0}
    """
    defaults = _kind_values().get(kind, _kind_values()["other"])
    shares_given = any(given.get(n) is not None for n in fields.SHARE_FIELDS)
    return {
        name: 0.0 if shares_given and name in fields.SHARE_FIELDS else defaults[name]
        for name in fields.KIND_FIELDS
        if given.get(name) is None
    }


def _entry_figures(entry: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in entry.items() if isinstance(v, str) and v in figures()}


@cache
def _default_entries() -> tuple[tuple[dict[str, Any], ...], dict[str, Any]]:
    raw = _raw()
    return tuple(raw["program"]), dict(raw["person"])


#: The named sets of default figures: ``current`` (the newest published figures, the
#: default) and ``article`` (the figures the AI-education guide on ML master's cites).
PRESETS = ("current", "article")
_active = ["current"]


def preset_description(name: str) -> str:
    """What a preset of the data is, in a sentence."""
    return str(_preset(name).get("description", ""))


def _preset(name: str) -> dict[str, Any]:
    if name not in PRESETS:
        raise InputError.single(
            "data", f"{name!r} is not a preset of the data; allowed: " + ", ".join(PRESETS)
        )
    return dict(_raw().get("presets", {}).get(name, {}))


def use(name: str) -> None:
    """Make ``name`` the preset the default person and comparison come from.

    >>> use("article"); default_person_entry()["salary"]; use("current")
    'salary.us_average_2021'
    """
    _preset(name)
    _active[0] = name


def active() -> str:
    """The preset in use: ``"current"`` unless :func:`use` chose another."""
    return _active[0]


def default_program_entries(preset: str | None = None) -> list[dict[str, Any]]:
    """The default comparison as written in the data (figure keys unresolved)."""
    over = _preset(preset or active()).get("program", {})
    return [{**e, **over} for e in _default_entries()[0]]


def default_person_entry(preset: str | None = None) -> dict[str, Any]:
    """The default person as written in the data (figure keys unresolved)."""
    return {**_default_entries()[1], **_preset(preset or active()).get("person", {})}


def role_entries(preset: str | None = None) -> dict[str, dict[str, Any]]:
    """The role table as written in the data (figure keys unresolved), preset applied.

    >>> role_entries()["data_scientist"]["median"]
    'salary.data_scientists_median'
    """
    over = _preset(preset or active()).get("roles", {})
    return {
        key: {**entry, **({"median": over[key]} if key in over else {})}
        for key, entry in _raw()["roles"].items()
    }


def figures_used(entries: list[dict[str, Any]]) -> list[Figure]:
    """Every figure an entry refers to, directly, through its kind's defaults (an option's
    inputs that follow the kind and are not given) or through a field default, in order."""
    keys: dict[str, None] = {}
    for entry in entries:
        for key in _entry_figures(entry).values():
            keys[key] = None
        if "name" in entry:  # an option
            by_kind = kind_keys(str(entry.get("kind", "other")))
            for name in fields.KIND_FIELDS:
                if name not in entry and isinstance(by_kind[name], str):
                    keys[by_kind[name]] = None
    for f in (*fields.PROGRAM_FIELDS, *fields.PERSON_FIELDS):
        if isinstance(f.default, str) and f.default in figures() and not f.by_kind:
            keys[f.default] = None
    for role in role_entries().values():
        for name in ("median", "p10", "p90"):
            if isinstance(role[name], str) and role[name] in figures():
                keys[role[name]] = None
    return [figures()[k] for k in keys]
