"""Results as Python objects over the crate's JSON.

Every object here wraps the plain dict that the command line's
``--format json`` prints. Known fields are typed attributes; a field the
library adds later (a new statistic, a new section) is reachable at once as
an attribute or by ``obj["key"]``, with no change to this package.
``to_dict()`` gives the JSON back, as plain dicts and lists.
"""

from __future__ import annotations

import copy
import math
from typing import (
    Any,
    Callable,
    ClassVar,
    Dict,
    FrozenSet,
    Iterator,
    List,
    Mapping,
    Optional,
    Type,
)

__all__ = [
    "Availability",
    "Comparison",
    "DeploymentResult",
    "Downtime",
    "Estimate",
    "LongestOutage",
    "Outages",
    "PairedDiff",
    "Placement",
    "PlanResult",
    "Record",
    "Result",
    "SlaResult",
    "Warning",
    "ZoneSummary",
]


class Record:
    """A read-only view of one JSON object, with attribute access.

    ``rec.key`` and ``rec["key"]`` give the field (objects as records, lists
    of objects as lists of records, other values as they are in the JSON:
    ``None`` for ``null``); ``"key" in rec``, ``iter(rec)`` and ``len(rec)``
    work as on the dict; ``to_dict()`` returns a deep copy of it.
    """

    __slots__ = ("_data",)
    # Record subclasses of known nested fields: name -> class.
    _nested: ClassVar[Dict[str, Type["Record"]]] = {}
    # Typed fields the JSON leaves out when they do not apply: None then.
    _optional: ClassVar[FrozenSet[str]] = frozenset()

    def __init__(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise TypeError(f"{type(self).__name__} wraps a dict, got {type(data).__name__}")
        object.__setattr__(self, "_data", data)

    def _wrap(self, key: str, value: Any) -> Any:
        cls = self._nested.get(key, Record)
        if isinstance(value, Mapping):
            return cls(value)
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            return [cls(v) for v in value]
        if isinstance(value, list):
            return list(value)
        return value

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        data = object.__getattribute__(self, "_data")
        try:
            value = data[key]
        except KeyError:
            if key in self._optional:
                return None
            raise AttributeError(
                f"{type(self).__name__} has no field {key!r}; it has: {', '.join(data)}"
            ) from None
        return self._wrap(key, value)

    def __getitem__(self, key: str) -> Any:
        return self._wrap(key, self._data[key])

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return bool(self._data == other._data)
        return NotImplemented

    def __hash__(self) -> int:
        return id(self)

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | {k for k in self._data if k.isidentifier()})

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={_short(v)}" for k, v in self._data.items())
        return f"{type(self).__name__}({inner})"

    def to_dict(self) -> Dict[str, Any]:
        """The JSON object, as a deep copy of plain dicts and lists."""
        return copy.deepcopy(dict(self._data))


def _short(v: Any) -> str:
    if isinstance(v, Mapping):
        return "{...}"
    if isinstance(v, list):
        return f"[{len(v)} items]" if len(v) > 3 else repr(v)
    return repr(v)


class Estimate(Record):
    """An estimated quantity: ``mean``, ``ci95`` and ``relative_error``."""

    mean: float
    ci95: List[float]
    relative_error: float


class Availability(Record):
    """Per-trial availability (fraction of the horizon up).

    ``percentiles`` maps ``"p0.1"``, ``"p1"``, ..., ``"p99.9"`` to the X-th
    percentile of per-trial availability (low is a bad year).
    """

    mean: float
    ci95: List[float]
    std: float
    percentiles: Dict[str, float]


class Downtime(Record):
    """Per-trial downtime in minutes (percentile pX: high is a bad year)."""

    mean: float
    std: float
    percentiles: Dict[str, float]


class Outages(Record):
    """Outages per trial: ``mean`` count and ``p_none``, the fraction of trials with none."""

    mean: float
    p_none: float


class LongestOutage(Record):
    """Each trial's longest outage in minutes: ``mean`` and ``p99``."""

    mean: float
    p99: Optional[float]


class SlaResult(Record):
    """P(a trial's availability >= ``target``), with its Wilson 95% interval."""

    target: float
    p_meets: float
    p_meets_ci95: List[float]


class DeploymentResult(Record):
    """One deployment's figures, as in the JSON's ``deployments`` list."""

    _nested: ClassVar[Dict[str, Type[Record]]] = {}
    _optional: ClassVar[FrozenSet[str]] = frozenset({"importance"})
    name: str
    estimator: str
    availability: Availability
    downtime_minutes: Downtime
    outages: Outages
    longest_outage_minutes: LongestOutage
    sla: List[SlaResult]
    unavailability: Estimate
    importance: Optional[Record]
    """The importance-sampling estimate (``None`` for plain Monte Carlo deployments)."""

    def sla_for(self, target: float) -> SlaResult:
        """The SLA figures for ``target`` (one of the study's SLA targets)."""
        for s in self.sla:
            if s.target == target:
                return s
        have = ", ".join(repr(s.target) for s in self.sla)
        raise KeyError(f"{self.name}: no SLA target {target!r}; the study's targets are: {have}")


DeploymentResult._nested = {
    "availability": Availability,
    "downtime_minutes": Downtime,
    "outages": Outages,
    "longest_outage_minutes": LongestOutage,
    "sla": SlaResult,
    "unavailability": Estimate,
}


class PairedDiff(Record):
    """A deployment against the baseline on the same sampled outages."""

    name: str
    downtime_minutes_diff: Record
    p_less_downtime: float
    p_more_downtime: float
    variance_reduction: Optional[float]


class Comparison(Record):
    """The paired comparison: ``baseline`` and one :class:`PairedDiff` per other deployment."""

    _nested: ClassVar[Dict[str, Type[Record]]] = {}
    baseline: str
    against: List[PairedDiff]


Comparison._nested = {"against": PairedDiff}


class ZoneSummary(Record):
    """A zone's simulated mean availability."""

    id: str
    mean_availability: float


class Warning(Record):  # noqa: A001 - the JSON's name
    """A weakness of a deployment found before running (a quorum one zone takes down)."""

    deployment: str
    kind: str
    message: str


class Result(Record):
    """A study's result: the CLI's ``zonesim run --format json``, as objects.

    >>> import zonesim
    >>> r = zonesim.default_study().run(trials=2000)
    >>> r.deployment("paris-both-zones").availability.mean > 0.999
    True
    """

    _nested: ClassVar[Dict[str, Type[Record]]] = {}
    trials: int
    seed: int
    horizon_hours: float
    start: str
    deployments: List[DeploymentResult]
    zones: List[ZoneSummary]
    comparison: Comparison
    warnings: List[Warning]

    def deployment(self, name: str) -> DeploymentResult:
        """The result of the deployment called ``name``.

        Raises ``KeyError`` naming the deployments there are.
        """
        for d in self._data["deployments"]:
            if d["name"] == name:
                return DeploymentResult(d)
        names = ", ".join(d["name"] for d in self._data["deployments"])
        raise KeyError(f"no deployment {name!r}; the study has: {names}")

    @property
    def names(self) -> List[str]:
        """The deployments' names, in study order."""
        return [d["name"] for d in self._data["deployments"]]

    def rows(self) -> List[Dict[str, Any]]:
        """One flat dict per deployment (see :meth:`to_pandas` for the columns)."""
        return [_flatten(d) for d in self._data["deployments"]]

    def to_pandas(self) -> Any:
        """One row per deployment, indexed by name, as a ``pandas.DataFrame``.

        Columns are the JSON's fields flattened with ``_``:
        ``availability_mean``, ``availability_ci95_low``/``_high``,
        ``availability_p99`` (percentiles without their map's name),
        ``downtime_minutes_p99.9``, ``outages_p_none``,
        ``sla_0.9999_p_meets``, ``unavailability_mean``, ... (a field the
        library adds becomes a column by the same rule). Needs pandas
        (``pip install 'zonesim[pandas]'``).
        """
        pd = _optional("pandas", "to_pandas")
        return pd.DataFrame(self.rows()).set_index("name")

    def to_polars(self) -> Any:
        """As :meth:`to_pandas`, as a ``polars.DataFrame`` (``name`` a column). Needs polars."""
        pl = _optional("polars", "to_polars")
        return pl.DataFrame(self.rows())


class Placement(Record):
    """One placement the planner judged."""

    replicas: List[str]
    cost: float
    availability_mean: float
    availability_p5: float
    p_meets: float
    p_meets_ci95: List[float]
    qualifies: bool


class PlanResult(Record):
    """The planner's answer: the CLI's ``zonesim plan --format json``, as objects."""

    _nested: ClassVar[Dict[str, Type[Record]]] = {}
    best: Optional[Placement]
    closest: Optional[Placement]
    frontier: List[Placement]
    target: Record
    trials: int
    seed: int

    def to_pandas(self) -> Any:
        """The frontier, one row per placement (replicas joined with ``+``). Needs pandas."""
        pd = _optional("pandas", "to_pandas")
        rows = []
        for p in self._data.get("frontier", []):
            row = _flatten(p)
            row["replicas"] = "+".join(p["replicas"])
            rows.append(row)
        return pd.DataFrame(rows)


PlanResult._nested = {"best": Placement, "closest": Placement, "frontier": Placement}
Result._nested = {
    "deployments": DeploymentResult,
    "zones": ZoneSummary,
    "comparison": Comparison,
    "warnings": Warning,
}


def _flatten(d: Mapping[str, Any], prefix: str = "") -> Dict[str, Any]:
    """A JSON object as one flat row: nested objects joined with ``_``,
    ``[low, high]`` intervals as ``_low``/``_high``, percentile maps by their
    keys, the SLA list by target."""
    row: Dict[str, Any] = {}
    for key, value in d.items():
        name = f"{prefix}{key}"
        if key == "percentiles" and isinstance(value, Mapping):
            for p, v in value.items():
                row[f"{prefix}{p}"] = _num(v)
        elif key == "sla" and isinstance(value, list):
            for s in value:
                t = s.get("target")
                for k, v in s.items():
                    if k == "target":
                        continue
                    if isinstance(v, list) and len(v) == 2:
                        row[f"{name}_{t}_{k}_low"] = _num(v[0])
                        row[f"{name}_{t}_{k}_high"] = _num(v[1])
                    else:
                        row[f"{name}_{t}_{k}"] = _num(v)
        elif isinstance(value, Mapping):
            row.update(_flatten(value, f"{name}_"))
        elif value is None and key == "importance":
            continue
        elif isinstance(value, list) and len(value) == 2 and all(_is_num(v) for v in value):
            row[f"{name}_low"] = _num(value[0])
            row[f"{name}_high"] = _num(value[1])
        else:
            row[name] = _num(value)
    return row


def _is_num(v: Any) -> bool:
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))


def _num(v: Any) -> Any:
    # JSON null in a numeric field (an undefined statistic) is NaN in a frame.
    return math.nan if v is None else v


def _optional(module: str, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"{what}() needs {module}; install it with `pip install {module}` "
            f"(or `pip install 'zonesim[{module}]'`)"
        ) from None


ProgressFn = Callable[[int, int], None]
"""A progress callback: ``f(trials_done, trials_total)``."""
