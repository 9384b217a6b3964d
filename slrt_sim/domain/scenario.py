"""Scenarios: one YAML file holds every parameter of a run, validated at the border.

A scenario is loaded with :func:`load_scenario` (a path) or :func:`scenario_from_dict`
(a mapping), optionally with ``overrides`` in the ``key.path=value`` form of the CLI's
``--set``. Validation is done once, by the pydantic models below (unknown keys are
refused, so a typo fails loudly); after that the rest of the code trusts the object.

Every validation problem is reported as :class:`ScenarioError`, whose message is one
line naming the file, the field path and what was expected, in the current language
(see :mod:`slrt_sim.i18n`). The CLI prints that line and exits with code 2.

Units, decided once for the whole kit:

* the simulation clock counts **calendar days** from ``calendar.start_date`` 00:00;
* service and visit times are **working minutes** (a 30-minute registration started
  five minutes before closing ends 25 minutes after the next opening);
* rates are per **year** (need incidence) or per **day** (validation walk-ins);
* cycles and delays between steps are **calendar days**.
"""
from __future__ import annotations

import copy
import datetime as dt
import math
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from slrt_sim.domain.scenario_errors import ScenarioError, from_validation, path_str  # noqa: F401 - ScenarioError: importers find it here
from slrt_sim.domain.safe_yaml import MAX_FILE_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES, safe_load  # noqa: F401
from slrt_sim.i18n import t

NEED_TYPES = ("information", "documents", "health", "food", "school", "housing", "income", "care")
"""Kinds of need a household can have; ``information`` is closed by the front office on the spot."""

PROGRAM_CODES = ("DUKCAPIL", "PKH", "BPNT", "PBI_JK", "KIP", "RUTILAHU", "KUBE", "ATENSI", "LOCAL")
"""Programmes a case can be referred to (see :mod:`slrt_sim.domain.programs`)."""


# Upper bounds: a scenario beyond them is a typo, and would run for hours or exhaust memory.
MAX_HORIZON_DAYS = 3653           # ten years
MAX_STAFF_DISTRICT = 10_000       # staff of one kind in a district office ("unlimited" in tests)
MAX_STAFF_PER_OFFICE = 10_000     # staff of one kind per village or Puskesos
MAX_VILLAGES = 2000               # villages per kecamatan, kecamatan per district
MAX_OVERRIDE_CHARS = 10_000       # the value of one --set


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False, allow_inf_nan=False)


# --------------------------------------------------------------------------- distributions
class Exponential(_Strict):
    dist: Literal["exponential"]
    mean: float = Field(gt=0)


class Lognormal(_Strict):
    dist: Literal["lognormal"]
    mean: float = Field(gt=0)
    sd: float = Field(gt=0)


class Triangular(_Strict):
    dist: Literal["triangular"]
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Triangular":
        if not (self.low <= self.mode <= self.high) or self.low == self.high:
            raise ValueError("triangular_order")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0


class Fixed(_Strict):
    dist: Literal["fixed"]
    value: float = Field(ge=0)

    @property
    def mean(self) -> float:
        return self.value


Distribution = Annotated[Union[Exponential, Lognormal, Triangular, Fixed], Field(discriminator="dist")]


# --------------------------------------------------------------------------- calendar
class Calendar(_Strict):
    """When offices are open. ``continuous`` means open all day, every day (M/M/c cases)."""

    kind: Literal["working", "continuous"] = "working"
    start_date: dt.date = dt.date(2025, 1, 6)
    open_hour: float = Field(8.0, ge=0, lt=24)
    close_hour: float = Field(16.0, gt=0, le=24)
    workdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    holidays: list[dt.date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _hours(self) -> "Calendar":
        if self.close_hour <= self.open_hour:
            raise ValueError("close_after_open")
        if not self.workdays:
            raise ValueError("no_workdays")
        return self

    @property
    def hours_per_day(self) -> float:
        return 24.0 if self.kind == "continuous" else self.close_hour - self.open_hour


# --------------------------------------------------------------------------- region
class Village(_Strict):
    """A desa/kelurahan: the unit of outreach (its fasilitators) and of population."""

    name: str = Field(min_length=1)
    code: str | None = Field(None, pattern=r"^\d{10}$")
    households: int = Field(ge=1, le=200_000)
    poverty_rate: float = Field(ge=0, le=1)
    urban: bool = True
    puskesos: bool = False
    fasilitators: int | None = Field(
        None, ge=0, le=MAX_STAFF_PER_OFFICE,
        description="override of staffing.fasilitators_per_village for this village only; "
                    "leave it out to follow the district value (which --set and sweeps change)")
    travel_minutes: float = Field(15.0, ge=0, description="mean one-way travel between homes")


class Kecamatan(_Strict):
    name: str = Field(min_length=1)
    code: str = Field(pattern=r"^\d{6}$")
    villages: list[Village] = Field(min_length=1, max_length=MAX_VILLAGES)


class Region(_Strict):
    kabupaten: str = Field(min_length=1)
    kind: Literal["kota", "kabupaten"]
    province: str = Field(min_length=1)
    bps_code: str = Field(pattern=r"^\d{4}$", description="BPS code of the kabupaten/kota")
    kecamatan: list[Kecamatan] = Field(min_length=1, max_length=MAX_VILLAGES)

    @model_validator(mode="after")
    def _codes(self) -> "Region":
        for k in self.kecamatan:
            if not k.code.startswith(self.bps_code):
                raise ValueError(f"kecamatan_code_prefix:{k.name} ({k.code})")
        return self

    def villages(self) -> list[tuple[Kecamatan, Village]]:
        return [(k, v) for k in self.kecamatan for v in k.villages]

    @property
    def n_households(self) -> int:
        return sum(v.households for _, v in self.villages())


# --------------------------------------------------------------------------- staffing
class Staffing(_Strict):
    """Staff of the district. ``fasilitators_per_village`` is the district value; a village's
    own ``fasilitators`` overrides it for that village only (documented in scenarios/README.md).
    ``puskesos_fo: 0`` means the Puskesos register nobody: their residents walk in to the
    district front office."""

    fasilitators_per_village: int = Field(1, ge=0, le=MAX_STAFF_PER_OFFICE)
    fasilitator_hours_per_day: float = Field(6.0, gt=0, le=12)
    district_fo: int = Field(2, ge=0, le=MAX_STAFF_DISTRICT)
    district_bo: int = Field(2, ge=0, le=MAX_STAFF_DISTRICT)
    managers: int = Field(1, ge=0, le=MAX_STAFF_DISTRICT)
    puskesos_fo: int = Field(1, ge=0, le=MAX_STAFF_PER_OFFICE)
    puskesos_bo: int = Field(1, ge=0, le=MAX_STAFF_PER_OFFICE)
    supervisors: int = Field(3, ge=0, le=MAX_STAFF_DISTRICT)


# --------------------------------------------------------------------------- population / database
ROLE_PLAY_ONLY = ("database.sktm_share", "database.stale_years_mean", "database.invalid_nik_share")
"""Settings that only the role plays read (the cards' households); the simulation does not, so
they are marked ``role_play_only`` in the schema and a what-if on them changes no KPI."""
IGNORED_MAX_DECILE = ("ATENSI", "DUKCAPIL")
"""Programmes whose ``max_decile`` is not read: they serve every decile (DOMAIN.md)."""
NO_EFFECT: dict[str, str] = {
    **{f"programs.{code}.max_decile": "not read: the programme serves every decile (DOMAIN.md)"
       for code in IGNORED_MAX_DECILE},
    "programs.DUKCAPIL.quota_per_cycle": "the civil registry is not rationed (100,000 a day); a third of it "
                                         "still never binds",
    "programs.PBI_JK.quota_per_cycle": "does not bind here: three times or a third of it moves no KPI",
    "programs.RUTILAHU.delivery_failure": "one house repair a year in the training kelurahan, delivered 90 days "
                                          "after the yearly intake: too few deliveries for a failure share to show",
    "dtks.entries_per_operator_day": "the yearly DTKS quota binds before the operators' entries do "
                                     "(scenarios/README.md, 'What sets the pace'); cutting the operators to 0 does move it",
    "followup.max_rounds": "a case reaches a second complaint round so rarely (a failed delivery, then a failed "
                           "retry) that one round or six change no KPI in the training kelurahan or Kota Probolinggo",
}
"""Settings that move no KPI in the training kelurahan nor in Kota Probolinggo, and why; every other
setting moves one (tests/test_settings_effect.py; the list is in scenarios/README.md)."""


class Database(_Strict):
    """The state of the unified database (DTKS) at the start of a run.

    The model lists households with noise and staleness so that the start of every
    run has realistic exclusion and inclusion errors.
    """

    coverage_poor: float = Field(0.65, ge=0, le=1, description="share of truly poorest-40% households listed")
    leakage_nonpoor: float = Field(0.10, ge=0, le=1, description="share of better-off households listed")
    sktm_share: float = Field(0.25, ge=0, le=1, description="role play only: share of the better-off listed "
                              "through a false SKTM (the role-play cards' false_sktm households)",
                              json_schema_extra={"role_play_only": True})
    decile_noise_sd: float = Field(1.2, ge=0, description="sd of the recorded decile around the true one")
    stale_years_mean: float = Field(3.0, ge=0, description="role play only: mean age of a record (the year "
                                    "the role-play cards show)", json_schema_extra={"role_play_only": True})
    invalid_nik_share: float = Field(0.03, ge=0, le=1, description="role play only: records with an invalid or "
                                     "mistyped NIK (the role-play cards' dtks_nik_invalid plant)",
                                     json_schema_extra={"role_play_only": True})
    max_decile: int = Field(4, ge=1, le=10, description="poorest deciles the DTKS aims to list")


class Population(_Strict):
    household_size_poor: float = Field(4.71, ge=1, le=12)
    household_size_nonpoor: float = Field(3.6, ge=1, le=12)
    missing_documents_poor: float = Field(0.15, ge=0, le=1)
    missing_documents_nonpoor: float = Field(0.04, ge=0, le=1)


# --------------------------------------------------------------------------- needs and routes
class Needs(_Strict):
    incidence_poor: float = Field(0.5, ge=0, description="needs per year per poor household")
    incidence_nonpoor: float = Field(0.06, ge=0, description="needs per year per better-off household")
    mix: dict[str, float] = Field(
        default_factory=lambda: {
            "information": 0.12, "documents": 0.10, "health": 0.22, "food": 0.16,
            "school": 0.12, "housing": 0.08, "income": 0.14, "care": 0.06,
        }
    )
    patience_days: float = Field(240.0, gt=0, description="a case waiting longer than this for quota is lost")

    @field_validator("mix")
    @classmethod
    def _mix(cls, v: dict[str, float]) -> dict[str, float]:
        for k, p in v.items():
            if k not in NEED_TYPES:
                raise ValueError(f"unknown_need:{k}")
            if p < 0:
                raise ValueError("negative_share")
        if sum(v.values()) <= 0:
            raise ValueError("empty_mix")
        return v


class WalkIn(_Strict):
    enabled: bool = True
    propensity: float = Field(0.3, ge=0, le=1, description="share of households who walk in with a need")
    puskesos_propensity: float = Field(0.5, ge=0, le=1, description="the same where the village has a Puskesos")
    delay_days: Distribution = Field(default_factory=lambda: Exponential(dist="exponential", mean=14.0))
    fast_track: bool = True
    rate_per_day: float | None = Field(
        None, gt=0,
        description="validation only: Poisson walk-ins at this rate per day, replacing needs from the population",
    )


class Outreach(_Strict):
    enabled: bool = True
    strategy: Literal["random", "poorest_first", "sweep"] = "poorest_first"
    detect_probability: float = Field(0.85, ge=0, le=1)
    update_database: bool = True


class Service(_Strict):
    """Service times in working minutes, one distribution per stage."""

    fo_registration: Distribution = Field(default_factory=lambda: Lognormal(dist="lognormal", mean=20, sd=8))
    bo_check: Distribution = Field(default_factory=lambda: Lognormal(dist="lognormal", mean=25, sd=10))
    bo_assessment: Distribution = Field(default_factory=lambda: Lognormal(dist="lognormal", mean=40, sd=15))
    manager_decision: Distribution = Field(default_factory=lambda: Triangular(dist="triangular", low=3, mode=5, high=15))
    home_visit: Distribution = Field(default_factory=lambda: Lognormal(dist="lognormal", mean=40, sd=15))
    verval_visit: Distribution = Field(default_factory=lambda: Lognormal(dist="lognormal", mean=60, sd=20))
    followup_visit: Distribution = Field(default_factory=lambda: Lognormal(dist="lognormal", mean=30, sd=10))
    paper_entry: Distribution = Field(default_factory=lambda: Lognormal(dist="lognormal", mean=15, sd=5))


class DataEntry(_Strict):
    mode: Literal["tablet", "paper"] = "tablet"
    paper_batch_days: float = Field(7.0, gt=0, description="paper forms reach the district once per this many days")
    paper_error_rate: float = Field(0.08, ge=0, le=1, description="share of paper forms sent back to be corrected")


class Dtks(_Strict):
    """DTKS updating (see :mod:`slrt_sim.model.dtks`). No published figure gives the pace of
    updating in the seed districts: every default below is an assumption, its range in the
    description and in scenarios/README.md."""

    determination_cycle_months: int = Field(3, ge=1, le=12, description="DOMAIN.md: monthly at best, often quarterly")
    cutoff_days: float = Field(14.0, ge=0, description="entries later than this before a determination wait for the next")
    verval_accuracy_sd: float = Field(0.7, ge=0, description="sd of the decile measured by a verval visit (0.5-1)")
    visit_accuracy_sd: float = Field(
        1.5, ge=0, description="sd of the persistent error of an unlisted household's recorded indicators, "
                               "in deciles: every visit sees it until a verval corrects it (1-2.5)")
    visit_fresh_sd: float = Field(
        0.5, ge=0, description="sd of the fresh error of one outreach visit on top of the persistent one (0.3-1)")
    deliberation_days: float | None = Field(
        None, gt=0, description="days between a village's deliberations, musdes/muskel (30-180); "
                                "default (null): once per determination cycle, to feed it")
    deliberation_acceptance: float = Field(
        0.8, ge=0, le=1, description="share of items a village deliberation accepts (0.6-0.95)")
    removal_resistance: float = Field(
        0.5, ge=0, le=1, description="assumption: share of the removals the deliberation would accept that the "
                                     "community still blocks, reluctant to strike a family off the aid list (0.3-0.8)")
    supervisor_checks_per_day: float = Field(
        10.0, ge=0, description="outreach notes a supervisor checks per working day (5-30)")
    operators: int = Field(1, ge=0, description="DTKS data-entry operators at the Dinas Sosial (1-3)")
    entries_per_operator_day: float = Field(
        30.0, ge=0, description="items an operator enters per working day (15-60)")
    approval_rate: float = Field(
        0.9, ge=0, le=1, description="share of entered items the district head approves (0.7-1)")
    quota_per_year: int = Field(
        400, ge=0, description="changes (additions and removals) approved per year at most, spread evenly over "
                               "the determinations; set per district, ~1.5% of its households (0.5-3%)")

    @property
    def cycle_days(self) -> float:
        """Days between two determinations."""
        return self.determination_cycle_months * 365.25 / 12.0

    @property
    def deliberation_period(self) -> float:
        """Days between a village's deliberations: ``deliberation_days``, or by default one
        deliberation per determination cycle (villages deliberate to feed each determination,
        so a faster determination cycle also means more frequent musdes/muskel)."""
        return self.deliberation_days if self.deliberation_days is not None else self.cycle_days

    @property
    def quota_per_cycle(self) -> int:
        """Additions one determination approves at most."""
        return int(round(self.quota_per_year * self.determination_cycle_months / 12.0))


class Program(_Strict):
    enabled: bool = True
    quota_per_cycle: int = Field(ge=0)
    cycle_days: float = Field(gt=0)
    delivery_days: float = Field(14.0, ge=0)
    delivery_failure: float = Field(0.05, ge=0, le=1)
    max_decile: int = Field(4, ge=1, le=10, description="poorest deciles eligible; not read for "
                            "ATENSI and DUKCAPIL, which serve every decile (IGNORED_MAX_DECILE)")
    first_intake_day: float | None = Field(
        None, ge=0, description="day of the first intake; default: half a cycle after the start")

    def intake_times(self, horizon: float) -> list[float]:
        """Calendar days of the intakes within the horizon."""
        first = self.cycle_days / 2.0 if self.first_intake_day is None else self.first_intake_day
        if self.cycle_days <= 1:
            first = self.cycle_days if self.first_intake_day is None else self.first_intake_day
        out, k = [], 0
        while first + k * self.cycle_days < horizon:
            out.append(first + k * self.cycle_days)
            k += 1
        return out


def _default_programs() -> dict[str, Program]:
    # Quotas are per district per intake cycle; cycles from DOMAIN.md (PKH quarterly,
    # BPNT monthly, DTKS-linked health insurance monthly, KIP per semester, house
    # repair and business groups yearly, ATENSI and Dukcapil continuous).
    return {
        "DUKCAPIL": Program(quota_per_cycle=100_000, cycle_days=1, delivery_days=10, delivery_failure=0.03, max_decile=10),
        "PKH": Program(quota_per_cycle=150, cycle_days=91, delivery_days=30, delivery_failure=0.05, max_decile=3),
        "BPNT": Program(quota_per_cycle=250, cycle_days=30, delivery_days=14, delivery_failure=0.05, max_decile=3),
        "PBI_JK": Program(quota_per_cycle=400, cycle_days=30, delivery_days=14, delivery_failure=0.03, max_decile=4),
        "KIP": Program(quota_per_cycle=300, cycle_days=182, delivery_days=30, delivery_failure=0.04, max_decile=4),
        "RUTILAHU": Program(quota_per_cycle=40, cycle_days=365, delivery_days=90, delivery_failure=0.05, max_decile=4),
        "KUBE": Program(quota_per_cycle=60, cycle_days=365, delivery_days=60, delivery_failure=0.08, max_decile=4),
        "ATENSI": Program(quota_per_cycle=30, cycle_days=7, delivery_days=7, delivery_failure=0.05, max_decile=10),
        "LOCAL": Program(quota_per_cycle=80, cycle_days=30, delivery_days=14, delivery_failure=0.05, max_decile=5),
    }


class FollowUp(_Strict):
    enabled: bool = True
    delay_days: float = Field(14.0, ge=0, description="days after delivery before the fasilitator checks")
    lost_probability: float = Field(0.03, ge=0, le=1, description="household cannot be reached at a step")
    max_rounds: int = Field(2, ge=0, description="complaint rounds before a case is closed as lost")
    # complaint handling norms seen in public-service standards (DOMAIN.md): 2-5 working
    # days for simple cases, 14 days for others, 60 days where investigation is needed
    complaint_simple_share: float = Field(0.5, ge=0, le=1)
    complaint_simple_days: Distribution = Field(
        default_factory=lambda: Triangular(dist="triangular", low=2, mode=3, high=7))
    complaint_investigation_share: float = Field(0.15, ge=0, le=1)
    complaint_normal_days: Distribution = Field(default_factory=lambda: Triangular(dist="triangular", low=7, mode=12, high=20))
    complaint_investigation_days: Distribution = Field(
        default_factory=lambda: Triangular(dist="triangular", low=30, mode=55, high=75))

    @model_validator(mode="after")
    def _shares(self) -> "FollowUp":
        if self.complaint_simple_share + self.complaint_investigation_share > 1:
            raise ValueError("complaint_shares")
        return self


# --------------------------------------------------------------------------- scenario
class Scenario(_Strict):
    """Everything a run needs. Field names are the YAML keys."""

    name: str = Field(min_length=1)
    description: str = ""
    seed: int = Field(42, ge=0, le=2**63 - 1)
    horizon_days: float = Field(365.0, gt=0, le=MAX_HORIZON_DAYS)
    warmup_days: float = Field(0.0, ge=0, le=MAX_HORIZON_DAYS)
    mode: Literal["integrated", "fragmented"] = "integrated"
    fo_closes_all: bool = Field(False, description="validation only: the front office closes every case")
    calendar: Calendar = Field(default_factory=Calendar)
    region: Region
    staffing: Staffing = Field(default_factory=Staffing)
    database: Database = Field(default_factory=Database)
    population: Population = Field(default_factory=Population)
    needs: Needs = Field(default_factory=Needs)
    walkin: WalkIn = Field(default_factory=WalkIn)
    outreach: Outreach = Field(default_factory=Outreach)
    service: Service = Field(default_factory=Service)
    data_entry: DataEntry = Field(default_factory=DataEntry)
    dtks: Dtks = Field(default_factory=Dtks)
    programs: dict[str, Program] = Field(default_factory=_default_programs)
    followup: FollowUp = Field(default_factory=FollowUp)

    @field_validator("programs")
    @classmethod
    def _programs(cls, v: dict[str, Program]) -> dict[str, Program]:
        unknown = [k for k in v if k not in PROGRAM_CODES]
        if unknown:
            raise ValueError(f"unknown_program:{unknown[0]}")
        merged = _default_programs()
        merged.update(v)
        return merged

    @model_validator(mode="after")
    def _warmup(self) -> "Scenario":
        if self.warmup_days >= self.horizon_days:
            raise ValueError("warmup_before_horizon")
        return self

    # convenience -------------------------------------------------------------
    def fasilitators_in(self, village: Village) -> int:
        """The village's fasilitators: its own override, else the district value."""
        return self.staffing.fasilitators_per_village if village.fasilitators is None else village.fasilitators

    def with_overrides(self, overrides: list[str] | dict[str, Any], source: str = "<scenario>") -> "Scenario":
        """A validated copy with ``key.path=value`` overrides applied."""
        raw = self.model_dump(mode="json")
        return scenario_from_dict(apply_overrides(raw, overrides, source), source)


# --------------------------------------------------------------------------- loading
def scenario_from_dict(data: Any, source: str = "<scenario>") -> Scenario:
    """Validate a mapping (as read from YAML) into a :class:`Scenario`."""
    if data is None:
        raise ScenarioError(source, "", t("err.scenario.empty"))
    if not isinstance(data, dict):
        raise ScenarioError(source, "", t("err.scenario.not_mapping"))
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise from_validation(exc, source) from None


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file, turning every reading problem into :class:`ScenarioError`."""
    p = Path(path)
    source = str(path)
    if not p.exists():
        raise ScenarioError(source, "", t("err.scenario.missing_file"))
    if p.is_dir():
        raise ScenarioError(source, "", t("err.scenario.is_dir"))
    try:
        if not p.is_file():  # a device (/dev/zero), a pipe, a socket: never read
            raise ScenarioError(source, "", t("err.scenario.not_regular"))
        if p.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError(source, "", t("err.scenario.too_big", size=p.stat().st_size, max=MAX_FILE_BYTES))
        with p.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # the file may grow between stat and read
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError(source, "", t("err.scenario.too_big", size=len(raw), max=MAX_FILE_BYTES))
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(source, "", t("err.scenario.not_utf8")) from None
    except OSError as exc:
        raise ScenarioError(source, "", t("err.scenario.unreadable", reason=exc.strerror or str(exc))) from None
    try:
        return safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(source, t("err.scenario.line", line=line), t("err.scenario.yaml", problem=problem)) from None


def load_scenario(path: str | Path, overrides: list[str] | dict[str, Any] | None = None) -> Scenario:
    """Load and validate a scenario file, with optional ``key.path=value`` overrides."""
    source = str(path)
    data = read_yaml(path)
    if overrides:
        if not isinstance(data, dict):
            scenario_from_dict(data, source)  # raises the right message
        data = apply_overrides(data, overrides, source)
        try:
            return scenario_from_dict(data, source)
        except ScenarioError as exc:
            # name the override when the field came from --set, not from the file
            for item in (overrides if not isinstance(overrides, dict) else [f"{k}=" for k in overrides]):
                key = item.partition("=")[0].strip().replace("[", ".").replace("]", "")
                if exc.field and exc.field.replace("[", ".").replace("]", "") == key:
                    raise ScenarioError(f"{source} (--set {item})", exc.field, exc.expected) from None
            raise
    return scenario_from_dict(data, source)


def parse_override(item: str, source: str = "--set") -> tuple[list[str | int], Any]:
    """Split ``a.b[0].c=value`` (or ``a.b.0.c=value``) into a path and a YAML-parsed value."""
    if "=" not in item:
        raise ScenarioError(source, item, t("err.scenario.override_form"))
    key, _, raw = item.partition("=")
    key = key.strip()
    if not key:
        raise ScenarioError(source, item, t("err.scenario.override_form"))
    parts: list[str | int] = []
    for token in key.replace("[", ".").replace("]", "").split("."):
        if token == "":
            raise ScenarioError(source, key, t("err.scenario.override_form"))
        parts.append(int(token) if token.isdigit() else token)
    if len(raw) > MAX_OVERRIDE_CHARS:
        raise ScenarioError(source, key, t("err.scenario.override_long", n=MAX_OVERRIDE_CHARS))
    try:
        value = safe_load(raw) if raw.strip() else ""
    except yaml.composer.ComposerError as exc:
        raise ScenarioError(source, key, str(exc.problem)) from None
    except yaml.YAMLError:
        value = raw
    return parts, value


def apply_overrides(data: dict[str, Any], overrides: list[str] | dict[str, Any], source: str = "--set") -> dict[str, Any]:
    """Return a deep copy of ``data`` with overrides applied (validated later by the schema)."""
    out = copy.deepcopy(data)
    items = overrides.items() if isinstance(overrides, dict) else (None for _ in ())
    pairs: list[tuple[list[str | int], Any]] = []
    if isinstance(overrides, dict):
        for k, v in items:  # type: ignore[union-attr]
            path, _ = parse_override(f"{k}=x", "--set")
            pairs.append((path, v))
    else:
        pairs = [parse_override(o, f"{source} (--set)" if source != "--set" else "--set") for o in overrides]
    where = f"{source} (--set)" if source != "--set" else "--set"
    for path, value in pairs:
        node: Any = out
        label = path_str(tuple(path))
        for i, part in enumerate(path[:-1]):
            if isinstance(node, list):
                if not isinstance(part, int) or part >= len(node):
                    raise ScenarioError(where, label, t("err.scenario.override_index"))
                node = node[part]
            elif isinstance(node, dict):
                if part not in node or node[part] is None:
                    node[part] = {}
                node = node[part]
            else:
                raise ScenarioError(where, label, t("err.scenario.override_path"))
        last = path[-1]
        if isinstance(node, list):
            if not isinstance(last, int) or last >= len(node):
                raise ScenarioError(where, label, t("err.scenario.override_index"))
            node[last] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            raise ScenarioError(where, label, t("err.scenario.override_path"))
    return out


def expected_need_rate(s: Scenario) -> float:
    """A rough number of needs per year in the region, used to size buffers and bars."""
    total = 0.0
    for _, v in s.region.villages():
        poor = v.households * v.poverty_rate
        total += poor * s.needs.incidence_poor + (v.households - poor) * s.needs.incidence_nonpoor
    return total if math.isfinite(total) else 0.0
