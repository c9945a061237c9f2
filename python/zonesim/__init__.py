"""zonesim: Monte Carlo availability of replicated deployments across cloud
availability zones, with common-cause failures (Python bindings of the Rust
engine).

>>> import zonesim
>>> study = zonesim.default_study()
>>> result = study.run(trials=2000, seed=2026)
>>> pair = result.deployment("paris-both-zones")
>>> pair.availability.mean > result.deployment("single-zone").availability.mean
True
>>> outcomes = study.trial_outcomes(1000)
>>> outcomes["single-zone"]["downtime_minutes"].shape
(1000,)

Results equal the command line's ``zonesim run --format json`` for the same
study and seed (``result.to_dict()``), on any number of threads. See
docs/PYTHON.md in the repository for the whole API.
"""

from ._analysis import (
    DeploymentUncertainty,
    FamilyFit,
    FitResult,
    PairUncertainty,
    PointFigures,
    QuantityFit,
    SweepPoint,
    SweepResult,
    TornadoBar,
    TornadoResult,
    UncertaintyResult,
    fit,
)
from ._errors import FitError, Problem, RunError, ScenarioError, ZonesimError
from ._result import (
    Availability,
    Comparison,
    DeploymentResult,
    Downtime,
    Estimate,
    LongestOutage,
    Outages,
    PairedDiff,
    Placement,
    PlanResult,
    Record,
    Result,
    SlaResult,
    Warning,
    ZoneSummary,
)
from ._study import Study, catalog, default_study, load, loads, plan
from ._zonesim import BATCH_TRIALS, __version__

__all__ = [
    "Availability",
    "BATCH_TRIALS",
    "Comparison",
    "DeploymentResult",
    "DeploymentUncertainty",
    "Downtime",
    "Estimate",
    "FamilyFit",
    "FitError",
    "FitResult",
    "LongestOutage",
    "Outages",
    "PairUncertainty",
    "PairedDiff",
    "Placement",
    "PlanResult",
    "PointFigures",
    "Problem",
    "QuantityFit",
    "Record",
    "Result",
    "RunError",
    "ScenarioError",
    "SlaResult",
    "Study",
    "SweepPoint",
    "SweepResult",
    "TornadoBar",
    "TornadoResult",
    "UncertaintyResult",
    "Warning",
    "ZoneSummary",
    "ZonesimError",
    "__version__",
    "catalog",
    "default_study",
    "fit",
    "load",
    "loads",
    "plan",
]
