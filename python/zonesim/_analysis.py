"""Where the numbers come from: fits of incident logs, sweeps, tornadoes and
parameter uncertainty, as objects over the command line's JSON.

``zonesim.fit`` is ``zonesim fit``; ``Study.sweep``, ``Study.tornado`` and
``Study.uncertain`` are ``zonesim sweep``, ``zonesim sweep --tornado`` and
``zonesim uncertain``. The results wrap the JSON those commands print with
``--format json`` (``to_dict()`` gives it back, equal for the same inputs),
and :meth:`FitResult.to_toml` gives the overrides ``zonesim fit`` prints by
default, byte for byte.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _zonesim
from ._result import Record, _optional

__all__ = [
    "DeploymentUncertainty",
    "FamilyFit",
    "FitResult",
    "PairUncertainty",
    "PointFigures",
    "QuantityFit",
    "SweepPoint",
    "SweepResult",
    "TornadoBar",
    "TornadoResult",
    "UncertaintyResult",
    "fit",
]


# ---------------------------------------------------------------------------
# Sweeps and tornadoes


class PointFigures(Record):
    """One deployment's figures at one point of a sweep (or one end of a
    tornado bar): ``name``, ``mean_availability``, ``ci95``,
    ``downtime_minutes``, ``unavailability``, ``p_sla`` (in the study's
    target order) and ``downtime_minutes_vs_first`` (the mean of the
    trial-by-trial differences from the first point: the parameter's effect
    on common random numbers)."""

    name: str
    mean_availability: float
    ci95: List[float]
    downtime_minutes: float
    unavailability: float
    p_sla: List[float]
    downtime_minutes_vs_first: float


class SweepPoint(Record):
    """One grid point: the axes' ``values`` and every deployment's figures."""

    values: List[float]
    deployments: List[PointFigures]
    _nested = {"deployments": PointFigures}


class SweepResult(Record):
    """A sweep (``zonesim sweep --format json``): ``axes`` (``path``,
    ``values``), ``sla_targets``, ``trials`` and ``seed`` of every point,
    ``horizon_hours`` and the ``points``, first axis outermost. Every point
    runs on the same random numbers, so differences between points are the
    parameters' effect, not noise."""

    axes: List[Record]
    sla_targets: List[float]
    trials: int
    horizon_hours: float
    seed: int
    points: List[SweepPoint]
    _nested = {"points": SweepPoint}

    def series(self, deployment: str, figure: str = "mean_availability") -> List[float]:
        """``figure`` (a field of :class:`PointFigures`) of ``deployment`` at
        every point, in point order."""
        out = []
        for p in self.points:
            match = [d for d in p.deployments if d.name == deployment]
            if not match:
                have = ", ".join(d.name for d in p.deployments)
                raise KeyError(f"no deployment {deployment!r} in this sweep; it has: {have}")
            out.append(float(match[0][figure]))
        return out

    def to_pandas(self) -> Any:
        """One row per point and deployment: a column per axis (its path),
        ``deployment``, and the figures (``p_sla`` as ``p_sla_TARGET``)."""
        pd = _optional("pandas", "SweepResult.to_pandas")
        rows = []
        paths = [str(a.path) for a in self.axes]
        for p in self.points:
            for d in p.deployments:
                row: Dict[str, Any] = dict(zip(paths, p.values))
                row["deployment"] = d.name
                for k, v in d.to_dict().items():
                    if k == "name":
                        continue
                    if k == "p_sla":
                        row.update({f"p_sla_{t}": x for t, x in zip(self.sla_targets, v)})
                    elif k == "ci95":
                        row["ci95_low"], row["ci95_high"] = v
                    else:
                        row[k] = v
                rows.append(row)
        return pd.DataFrame(rows)


class TornadoBar(Record):
    """One parameter of a tornado: ``param`` (``label``, ``path``, ``low``,
    ``high``) and every deployment's figures at the ``at_low`` and
    ``at_high`` ends."""

    param: Record
    at_low: List[PointFigures]
    at_high: List[PointFigures]
    _nested = {"at_low": PointFigures, "at_high": PointFigures}


class TornadoResult(Record):
    """A tornado (``zonesim sweep --tornado --format json``): the figures at
    the study's own parameters (``base``) and with each parameter alone at
    the ends of its range (``bars``, in the order given), all on the same
    random numbers."""

    sla_targets: List[float]
    trials: int
    base: List[PointFigures]
    bars: List[TornadoBar]
    _nested = {"base": PointFigures, "bars": TornadoBar}

    def ranked(self, deployment: str, figure: str = "downtime_minutes") -> List[TornadoBar]:
        """The bars by how far ``figure`` of ``deployment`` moves across the
        range, widest first (the order of the CLI's table and picture)."""
        names = [d.name for d in self.base]
        if deployment not in names:
            raise KeyError(f"no deployment {deployment!r} in this tornado; it has: {', '.join(names)}")
        i = names.index(deployment)

        def swing(b: TornadoBar) -> float:
            return abs(float(b.at_high[i][figure]) - float(b.at_low[i][figure]))

        return sorted(self.bars, key=swing, reverse=True)


# ---------------------------------------------------------------------------
# Parameter uncertainty


class DeploymentUncertainty(Record):
    """One deployment over the parameter sets: ``availability`` (a spread:
    ``mean`` is the pooled figure, with ``ci95``, ``std`` and
    ``percentiles`` over the sets), ``p_sla`` (a spread per target),
    ``p_mean_meets`` (the fraction of sets whose mean availability meets
    each target) and ``inner_half_width``."""

    name: str
    availability: Record
    p_sla: List[Record]
    p_mean_meets: List[float]
    inner_half_width: float


class PairUncertainty(Record):
    """Two deployments compared set by set (on the same trials within each
    set): ``p_first_better``, ``p_second_better`` and, per target,
    ``p_second_meets_first_not`` and ``p_first_meets_second_not``."""

    first: str
    second: str
    p_first_better: float
    p_second_better: float
    p_second_meets_first_not: List[float]
    p_first_meets_second_not: List[float]


class UncertaintyResult(Record):
    """Two-level Monte Carlo (``zonesim uncertain --format json``):
    ``draws`` parameter sets under the outer ``seed``, ``trials`` each;
    the ``params`` and each set's values (``parameter_sets``), every
    deployment and every pair."""

    draws: int
    trials: int
    seed: int
    sla_targets: List[float]
    params: List[Record]
    parameter_sets: List[List[float]]
    deployments: List[DeploymentUncertainty]
    pairs: List[PairUncertainty]
    _nested = {"deployments": DeploymentUncertainty, "pairs": PairUncertainty}

    def deployment(self, name: str) -> DeploymentUncertainty:
        """The deployment of this name (``KeyError`` naming the others)."""
        for d in self.deployments:
            if d.name == name:
                return d
        raise KeyError(f"no deployment {name!r}; this result has: {', '.join(d.name for d in self.deployments)}")

    def pair(self, a: str, b: str) -> PairUncertainty:
        """The pair of these two deployments, as stored (``first`` is the
        earlier in the study)."""
        for p in self.pairs:
            if {p.first, p.second} == {a, b} and a != b:
                return p
        raise KeyError(f"no pair of {a!r} and {b!r}")


# ---------------------------------------------------------------------------
# Fits


class FamilyFit(Record):
    """One family fitted by maximum likelihood: ``family``, ``params``
    (``name``, ``value``, ``se``, ``ci95``), ``log_likelihood``, ``aic``,
    ``ks`` (Kolmogorov-Smirnov distance to the Kaplan-Meier estimate),
    ``observed`` and ``censored``."""

    family: str
    params: List[Record]
    log_likelihood: float
    aic: float
    ks: float
    observed: int
    censored: int


class QuantityFit(Record):
    """The fits of one quantity: ``observed`` and ``censored`` durations,
    ``fits`` (the chosen family first, then by AIC), ``not_fitted`` (why the
    others could not be) and ``chosen``."""

    observed: int
    censored: int
    fits: List[FamilyFit]
    not_fitted: List[str]
    chosen: Optional[str]
    _nested = {"fits": FamilyFit}

    def best(self) -> Optional[FamilyFit]:
        """The chosen family's fit (``None`` when no family could be fitted)."""
        for f in self.fits:
            if f.family == self.chosen:
                return f
        return None


class FitResult(Record):
    """A fitted incident log (``zonesim fit --format json``): ``file``,
    ``subject`` (``"zone"`` or ``"region"``), ``window_hours``, the ``ids``
    fitted, and the ``time_to_failure`` and ``time_to_repair`` fits.
    :meth:`to_toml` gives the scenario overrides."""

    __slots__ = ("_native",)
    file: str
    subject: str
    window_hours: float
    ids: List[str]
    time_to_failure: QuantityFit
    time_to_repair: QuantityFit
    _nested = {"time_to_failure": QuantityFit, "time_to_repair": QuantityFit}

    def __init__(self, data: Mapping[str, Any], native: "_zonesim.NativeFit") -> None:
        super().__init__(data)
        object.__setattr__(self, "_native", native)

    def to_toml(self) -> str:
        """The ``[[zone]]`` (or ``[[common_cause]]``) overrides of the chosen
        families, under comments listing every fit: exactly what
        ``zonesim fit`` prints by default. Raises :class:`FitError` when a
        quantity has no fitted family."""
        return str(self._native.to_toml())


_FAMILY_KEYS = ("time_to_failure", "time_to_repair")
Rows = Iterable[Mapping[str, Any]]
PathLike = Union[str, "os.PathLike[str]"]


def fit(
    path_or_rows: Union[PathLike, Rows],
    *,
    window_hours: Optional[float] = None,
    window: Optional[str] = None,
    families: Union[str, Mapping[str, str], None] = None,
    no_outages: Iterable[str] = (),
) -> FitResult:
    """Fits outage distributions to an incident log: ``zonesim fit``.

    ``path_or_rows`` is a CSV file (a header naming ``zone`` or ``region``,
    ``start`` and ``end``; ``#`` lines are comments) or rows as mappings
    with those keys (``end`` ``None`` or ``""``: still open; numbers,
    strings or timezone-aware ``datetime``). Rows are read as the CSV they
    make, named ``<rows>`` in messages, row ``i`` on line ``i + 2``.
    Give ``window_hours=H`` when the times are hours (the window is
    ``[0, H]``) or ``window="FROM..TO"`` for RFC 3339 times. ``families``
    forces the family of both quantities (``"lognormal"``) or of each
    (``{"time_to_repair": "lognormal"}``); by default each gets the lowest
    AIC. ``no_outages`` names ids seen through the whole window with no
    outage. Raises :class:`FitError` (``path``, ``line``, ``field``) for a
    log that cannot be read or fitted, with the CLI's message.
    """
    if (window_hours is None) == (window is None):
        raise ValueError('give window_hours=H (hour columns) or window="FROM..TO" (RFC 3339 columns), not both')
    hours = None
    if window_hours is not None:
        if isinstance(window_hours, bool) or not isinstance(window_hours, (int, float)):
            raise TypeError(f"window_hours must be a number, got {type(window_hours).__name__}")
        hours = float(window_hours)
    if window is not None and not isinstance(window, str):
        raise TypeError(f'window must be a str "FROM..TO", got {type(window).__name__}')
    ttf, ttr = _families(families)
    if isinstance(no_outages, str):
        raise TypeError("no_outages must be a list of ids, not one str")
    extra = list(no_outages)
    if not all(isinstance(i, str) for i in extra):
        raise TypeError("no_outages must hold str ids")
    path: Optional[str] = None
    text: Optional[str] = None
    if isinstance(path_or_rows, (str, os.PathLike)):
        path = os.fspath(path_or_rows)
    else:
        text = _rows_csv(path_or_rows)
    native = _zonesim.fit(path, text, "<rows>", hours, window, extra, ttf, ttr)
    return FitResult(json.loads(native.to_json()), native)


def _families(families: Union[str, Mapping[str, str], None]) -> Tuple[Optional[str], Optional[str]]:
    if families is None:
        return None, None
    if isinstance(families, str):
        return families, families
    if isinstance(families, Mapping):
        unknown = [k for k in families if k not in _FAMILY_KEYS]
        if unknown:
            raise ValueError(f"families: unknown key {unknown[0]!r}; the keys are time_to_failure, time_to_repair")
        for k, v in families.items():
            if not isinstance(v, str):
                raise TypeError(f"families[{k!r}] must be a str, got {type(v).__name__}")
        return families.get("time_to_failure"), families.get("time_to_repair")
    raise TypeError(f"families must be a str or a dict, got {type(families).__name__}")


def _rows_csv(rows: Any) -> str:
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):
        rows = rows.to_dict("records")  # a pandas DataFrame
    try:
        items = list(rows)
    except TypeError:
        raise TypeError(
            f"fit takes a path or rows (mappings with zone or region, start, end), got {type(rows).__name__}"
        ) from None
    columns: List[str] = []
    for i, r in enumerate(items):
        if not isinstance(r, Mapping):
            raise TypeError(f"row {i}: expected a mapping (zone or region, start, end), got {type(r).__name__}")
        for k in r:
            if not isinstance(k, str):
                raise TypeError(f"row {i}: keys must be str, got {type(k).__name__} {k!r}")
            if k not in columns:
                columns.append(k)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for i, r in enumerate(items):
        w.writerow([_cell(i, k, r.get(k)) for k in columns])
    return out.getvalue()


def _cell(i: int, key: str, v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        raise TypeError(f"row {i}: {key} must be a number, str or datetime, got bool")
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, str):
        return v
    try:
        return repr(float(v)) if not isinstance(v, int) else str(v)
    except (TypeError, ValueError):
        raise TypeError(f"row {i}: {key} must be a number, str or datetime, got {type(v).__name__}") from None
