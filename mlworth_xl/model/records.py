"""Typed records: a :class:`Program` (an option), a :class:`Person`, and a table of programs.

Records validate on creation against :mod:`mlworth_xl.model.fields` and
raise :class:`~mlworth_xl.model.errors.InputError` naming every bad field.
A :class:`Programs` table holds many options column by column, so a file of
100,000 rows is checked and evaluated without building 100,000 objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mlworth_xl.model import data, fields
from mlworth_xl.model.errors import InputError, Problem
from mlworth_xl.model.evaluate import Outcome, evaluate, inputs_with_defaults, validate
from mlworth_xl.model.roles import Roles, role_names, share_problems

PROGRAM_NUMERIC = tuple(f.name for f in fields.PROGRAM_FIELDS if f.unit != "text")
PERSON_NUMERIC = tuple(f.name for f in fields.PERSON_FIELDS)


#: The value of an input that follows the option's kind while it is not given
#: (:func:`mlworth_xl.model.data.fill_by_kind` fills it in).
BY_KIND: Any = None


def _d(name: str) -> Any:
    return field(default=data.field_default(fields.ALL[name]))


def _blank(value: Any) -> bool:
    """None or text of spaces only: an input left empty."""
    return value is None or (isinstance(value, str) and not value.strip())


def _check_record(
    values: Mapping[str, Any], names: Iterable[str], source: str | None, row: int | None
) -> list[Problem]:
    problems = []
    for name in names:
        spec = fields.ALL[name]
        x = values[name]
        if spec.unit == "bool" and not isinstance(x, bool | np.bool_):
            problems.append(Problem(name, f"{x!r} is not TRUE or FALSE", row, source))
            continue
        if isinstance(x, bool) and spec.unit != "bool":
            problems.append(
                Problem(name, f"{x!r} is not a number; allowed: {spec.allowed()}", row, source)
            )
            continue
        if not isinstance(x, int | float | np.number | bool):
            problems.append(
                Problem(name, f"{x!r} is not a number; allowed: {spec.allowed()}", row, source)
            )
            continue
        problems.extend(Problem(name, msg, row, source) for _, msg in fields.check(spec, [x]))
    return problems


@dataclass(frozen=True)
class Program:
    """One option: a degree, a bootcamp, a certificate, self-study.

    Only ``name``, ``years``, ``tuition_per_year`` and ``salary_after`` are
    required; the rest take the defaults documented in
    :data:`mlworth_xl.model.fields.PROGRAM_FIELDS`, those that follow the kind
    (placement, months to a job, role shares; None is not given) the defaults of
    the option's kind (:func:`mlworth_xl.model.data.kind_defaults`).

    >>> p = Program("Bootcamp", years=0.25, tuition_per_year=0, program_price=13500,
    ...             salary_after=72600, kind="bootcamp")
    >>> p.loan_apr, p.placement_prob, p.months_to_job
    (0.0794, 0.6, 6.0)
    """

    name: str
    years: float
    tuition_per_year: float
    salary_after: float
    kind: str = "other"
    tuition_growth: float = _d("tuition_growth")
    program_price: float = _d("program_price")
    fees_per_year: float = _d("fees_per_year")
    books_per_year: float = _d("books_per_year")
    living_per_month: float = _d("living_per_month")
    caregiving_per_month: float = _d("caregiving_per_month")
    travel_per_year: float = _d("travel_per_year")
    relocation: float = _d("relocation")
    aid_per_year: float = _d("aid_per_year")
    employer_assistance_per_year: float = _d("employer_assistance_per_year")
    work_fraction: float = _d("work_fraction")
    loan_share: float = _d("loan_share")
    loan_apr: float = _d("loan_apr")
    loan_fee: float = _d("loan_fee")
    loan_term_years: int = _d("loan_term_years")
    grace_months: int = _d("grace_months")
    capitalize_interest: bool = _d("capitalize_interest")
    financing: int = _d("financing")
    start_year: int = _d("start_year")
    start_month: int = _d("start_month")
    enrolment_intensity: float = _d("enrolment_intensity")
    prior_grad_borrowing: float = _d("prior_grad_borrowing")
    prior_undergrad_borrowing: float = _d("prior_undergrad_borrowing")
    grad_plus_legacy: bool = _d("grad_plus_legacy")
    private_apr: float = _d("private_apr")
    private_fee: float = _d("private_fee")
    private_term_years: int = _d("private_term_years")
    private_deferment: bool = _d("private_deferment")
    repayment_plan: int = _d("repayment_plan")
    salary_growth_after: float = _d("salary_growth_after")
    placement_prob: float = BY_KIND
    months_to_job: float = BY_KIND
    share_ml_engineer: float = BY_KIND
    share_data_scientist: float = BY_KIND
    share_data_engineer: float = BY_KIND
    share_software_engineer: float = BY_KIND
    share_doctoral_student: float = BY_KIND

    def __post_init__(self) -> None:
        kind = self.kind if self.kind in fields.KINDS else "other"
        given = {name: getattr(self, name) for name in fields.KIND_FIELDS}
        for name, value in data.fill_by_kind(kind, given).items():
            object.__setattr__(self, name, value)
        problems = []
        if not isinstance(self.name, str) or not self.name.strip():
            problems.append(Problem("name", "must be non-empty text"))
        if self.kind not in fields.KINDS:
            problems.append(
                Problem(
                    "kind",
                    f"{self.kind!r} is not allowed; allowed: " + fields.PROGRAM["kind"].allowed(),
                )
            )
        problems += _check_record(asdict(self), PROGRAM_NUMERIC, None, None)
        if not problems:
            problems += share_problems(asdict(self))
        if problems:
            raise InputError(problems)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Program:
        """A program from a mapping; figure keys (``"salary.ml_engineer"``) are resolved, and
        an input that follows the kind left empty (None, blank text) takes the kind's default."""
        unknown = sorted(set(values) - set(fields.PROGRAM))
        if unknown:
            raise InputError(
                role_names(unknown)
                + [
                    Problem(k, "is not a program field; fields are: " + ", ".join(fields.PROGRAM))
                    for k in unknown
                    if not k.startswith("share_")
                ]
            )
        missing = [f.name for f in fields.PROGRAM_FIELDS if f.required and f.name not in values]
        if missing:
            raise InputError([Problem(k, "is required") for k in missing])
        given: dict[str, Any] = {
            k: BY_KIND if k in fields.KIND_FIELDS and _blank(v) else _code(k, data.resolve(v))
            for k, v in values.items()
        }
        return cls(**given)


def _code(name: str, value: Any) -> Any:
    """A coded input given as its word (``"rap"``) becomes its number; anything else stays."""
    spec = fields.ALL[name]
    if spec.is_code and isinstance(value, str) and value.strip().lower() in spec.choices:
        return spec.choices.index(value.strip().lower())
    return value


@dataclass(frozen=True)
class Person:
    """The person deciding: current job, taxes, how they value time and money.

    >>> Person().salary
    67920
    """

    salary: float = _d("salary")
    salary_growth: float = _d("salary_growth")
    tax_rate: float = _d("tax_rate")
    discount_rate: float = _d("discount_rate")
    horizon_years: int = _d("horizon_years")
    target_payback_years: float = _d("target_payback_years")
    savings: float = _d("savings")
    inflation: float = _d("inflation")
    dependents: int = _d("dependents")

    def __post_init__(self) -> None:
        problems = _check_record(asdict(self), PERSON_NUMERIC, None, None)
        if problems:
            raise InputError(problems)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], source: str | None = None) -> Person:
        """A person from a mapping; unknown keys are refused, figure keys resolved."""
        unknown = sorted(set(values) - set(fields.PERSON))
        if unknown:
            raise InputError(
                [
                    Problem(
                        k,
                        "is not a person field; fields are: " + ", ".join(fields.PERSON),
                        source=source,
                    )
                    for k in unknown
                ]
            )
        resolved = {k: data.resolve(v) for k, v in values.items()}
        problems = _check_record({**asdict(cls()), **resolved}, resolved, source, None)
        if problems:
            raise InputError(problems)
        return cls(**resolved)

    @classmethod
    def default(cls, preset: str | None = None) -> Person:
        """The default person of the embedded data (``preset``: see :data:`data.PRESETS`)."""
        return cls.from_mapping(data.default_person_entry(preset))


@dataclass
class Programs:
    """A table of options, column by column.

    ``columns`` holds a float array per numeric program field; ``names`` and
    ``kinds`` the text fields; ``rows`` the row number of each option in its
    source file (for messages).
    """

    names: list[str]
    kinds: list[str]
    columns: dict[str, np.ndarray]
    rows: list[int] | None = None
    source: str | None = None
    #: Each option's uncertainty inputs, where its file gave them (None: each kind's defaults).
    uncertainties: list[Any] | None = None

    def __len__(self) -> int:
        return len(self.names)

    @classmethod
    def from_records(cls, programs: Sequence[Program]) -> Programs:
        if not programs:
            raise InputError.single("programs", "at least one option is needed")
        return cls(
            names=[p.name for p in programs],
            kinds=[p.kind for p in programs],
            columns={
                k: np.array([float(getattr(p, k)) for p in programs]) for k in PROGRAM_NUMERIC
            },
        )

    @classmethod
    def default(cls, preset: str | None = None) -> Programs:
        """The embedded default comparison (``preset``: see :data:`data.PRESETS`)."""
        return cls.from_records(
            [Program.from_mapping(e) for e in data.default_program_entries(preset)]
        )

    def records(self) -> list[Program]:
        """The options as :class:`Program` records."""
        out = []
        for i, (name, kind) in enumerate(zip(self.names, self.kinds, strict=True)):
            values: dict[str, Any] = {k: float(v[i]) for k, v in self.columns.items()}
            for k in values:
                if fields.PROGRAM[k].unit == "bool":
                    values[k] = bool(values[k])
                elif fields.PROGRAM[k].integer:
                    values[k] = int(values[k])
            out.append(Program(name=name, kind=kind, **values))
        return out

    def inputs(self, person: Person) -> dict[str, np.ndarray]:
        """Model inputs: the program columns and the person's values broadcast."""
        return inputs_with_defaults({**self.columns, **asdict(person)})

    def validate(self, person: Person) -> None:
        """Raise an :class:`InputError` with every problem of the table, by row."""
        values = self.inputs(person)
        problems = validate(values, source=self.source)
        if self.rows is not None:
            problems = [
                Problem(p.field, p.message, self.rows[p.row], p.source) if p.row is not None else p
                for p in problems
            ]
        else:
            problems = [
                Problem(p.field, p.message, None, self.names[p.row]) if p.row is not None else p
                for p in problems
            ]
        if problems:
            raise InputError(problems)

    def evaluate(self, person: Person, roles: Roles | None = None) -> Outcome:
        """Evaluate every option for ``person`` (``roles``: the role table, default embedded)."""
        self.validate(person)
        return evaluate(self.inputs(person), check=False, roles=roles)
