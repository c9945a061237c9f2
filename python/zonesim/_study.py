"""Studies: loading, running, per-trial outcomes and plans."""

from __future__ import annotations

import json
import math
import operator
import os
import sys
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _zonesim
from ._errors import ScenarioError
from ._analysis import SweepResult, TornadoResult, UncertaintyResult
from ._result import PlanResult, Result

__all__ = ["Study", "catalog", "default_study", "load", "loads", "plan"]

Progress = Union[bool, Callable[[int, int], Any], None]
PathLike = Union[str, "os.PathLike[str]"]

_U64_MAX = 2**64 - 1


class Study:
    """A validated study: regions, zones, common causes and deployments.

    Make one with :func:`load`, :func:`loads`, :meth:`Study.from_dict` or
    :func:`default_study`; it is immutable. :meth:`run` simulates it,
    :meth:`trial_outcomes` gives per-trial figures as numpy arrays and
    :meth:`to_dict` the scenario schema as plain dicts.
    """

    __slots__ = ("_native",)

    def __init__(self, native: "_zonesim.NativeStudy") -> None:
        if not isinstance(native, _zonesim.NativeStudy):
            raise TypeError(
                "Study is made by zonesim.load, zonesim.loads, Study.from_dict or "
                f"zonesim.default_study, not from {type(native).__name__}"
            )
        self._native = native

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Study":
        """A study from a dict in the scenario schema (as :meth:`to_dict` or
        :func:`catalog` give, or as a scenario file's JSON).

        numpy arrays and scalars are converted (an int64 array where floats
        are wanted is fine); any other non-JSON value is a ``TypeError``
        naming its field. Problems raise :class:`ScenarioError` with
        ``field`` set and ``line`` ``None``.
        """
        if not isinstance(d, Mapping):
            raise TypeError(f"Study.from_dict takes a dict, got {type(d).__name__}")
        plain = _plain(d, "")
        text = json.dumps(plain, indent=1, allow_nan=False)
        return cls(_zonesim.NativeStudy.from_text(text, "json", "<dict>", located=False))

    def to_dict(self) -> Dict[str, Any]:
        """The study in the scenario schema: ``simulation``, ``region``,
        ``zone``, ``common_cause``, ``deployment`` (and ``plan`` when the file
        had one), every catalogue entry written out.
        ``Study.from_dict(s.to_dict())`` gives the same study back."""
        result: Dict[str, Any] = json.loads(self._native.to_json())
        return result

    @property
    def name(self) -> str:
        """The name used in messages: the file's path, ``<string>``, ``<dict>``."""
        return str(self._native.name)

    @property
    def deployment_names(self) -> List[str]:
        """The deployments' names, in study order."""
        return list(self._native.deployment_names)

    @property
    def has_plan(self) -> bool:
        """Whether the study's file had a ``[plan]`` table (see :func:`plan`)."""
        return bool(self._native.has_plan)

    def __repr__(self) -> str:
        return f"<zonesim.Study {self.name}: {len(self.deployment_names)} deployments>"

    def run(
        self,
        trials: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        progress: Progress = False,
        *,
        baseline: Optional[str] = None,
    ) -> Result:
        """Simulates the study: the CLI's ``zonesim run``.

        ``trials`` and ``seed`` override the study's; ``threads`` only
        changes speed (``None``: every core; results are bit-identical for
        any number); ``baseline`` names the deployment the others are
        compared with. ``progress=True`` draws a progress line on stderr; a
        callable is called as ``progress(done, total)`` about every 50 ms.
        The GIL is released while it runs, and Ctrl-C stops the run within
        a fraction of a second with ``KeyboardInterrupt``.

        Raises :class:`ScenarioError` when the overrides make the study
        invalid and :class:`RunError` when it cannot run.
        """
        text = self._native.run(
            trials=_count("trials", trials),
            seed=_seed(seed),
            threads=_threads(threads),
            baseline=_opt_str("baseline", baseline),
            progress=_progress(progress),
        )
        return Result(json.loads(text))

    def trial_outcomes(
        self,
        trials: Optional[int] = None,
        *,
        first: int = 0,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        progress: Progress = False,
    ) -> Dict[str, Dict[str, np.ndarray]]:
        """Per-trial outcomes of trials ``first .. first + trials`` (default:
        the study's trials from 0), exactly those :meth:`run` summarises.

        Returns ``{deployment name: {"downtime_minutes": float64 array,
        "outages": uint32 array, "longest_outage_minutes": float64 array}}``,
        each of length ``trials`` (views into one trial-major block; trial
        ``first + i`` is element ``i``). Computed in parallel chunks: memory
        is the arrays themselves (20 bytes per trial and deployment) and one
        small buffer per thread. Importance-sampled deployments give their
        plain Monte Carlo outcomes. Ctrl-C stops it as it stops :meth:`run`.
        """
        n = _count("trials", trials)
        if n is None:
            n = int(self.to_dict()["simulation"]["trials"])
        names, down, outs, longest = self._native.trial_outcomes(
            n,
            first=_index("first", first, 0),
            seed=_seed(seed),
            threads=_threads(threads),
            progress=_progress(progress),
        )
        shape = (n, len(names))
        down2, outs2, longest2 = down.reshape(shape), outs.reshape(shape), longest.reshape(shape)
        return {
            name: {
                "downtime_minutes": down2[:, j],
                "outages": outs2[:, j],
                "longest_outage_minutes": longest2[:, j],
            }
            for j, name in enumerate(names)
        }


    def sweep(
        self,
        set: Optional[Mapping[str, Sequence[float]]] = None,  # noqa: A002 - the CLI's --set
        *,
        trials: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        progress: Progress = False,
    ) -> SweepResult:
        """Runs the study at every point of a grid: ``zonesim sweep``.

        ``set`` maps one or two parameter paths, written as the scenario
        file writes them (``"zone.alibaba-fr-par-*.time_to_repair.median"``,
        ``"common_cause.NAME.time_to_failure.per_year"``,
        ``"deployment.NAME.rule.active_passive.failover_hours"``), to their
        values (``--set PATH=V1,V2,...``); ``None`` sweeps the file's
        ``[[sweep.axis]]``. Every point runs with the same seed on the same
        random numbers. ``trials``, ``seed``, ``threads`` and ``progress``
        as :meth:`run` (progress counts trials over all points). Raises
        :class:`ScenarioError` for a path that does not parse or names
        nothing, a value the parameter cannot take, or nothing to sweep.
        """
        axes: List[Tuple[str, List[float]]] = []
        if set is not None:
            if not isinstance(set, Mapping):
                raise TypeError(f"set must be a dict {{path: values}}, got {type(set).__name__}")
            for path, values in set.items():
                at = f'set["{path}"]'
                axes.append((_str("set keys", path), _reals(at, values)))
        text = _zonesim.sweep(
            self._native,
            axes,
            trials=_count("trials", trials),
            seed=_seed(seed),
            threads=_threads(threads),
            progress=_progress(progress),
        )
        return SweepResult(json.loads(text))

    def tornado(
        self,
        ranges: Optional[Mapping[str, Tuple[float, float]]] = None,
        *,
        deployment: Optional[str] = None,
        trials: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        progress: Progress = False,
    ) -> TornadoResult:
        """Each parameter alone at the ends of its range, ranked by how far
        it moves the answer: ``zonesim sweep --tornado``.

        ``ranges`` maps parameter paths to ``(low, high)`` (``--range
        PATH=LOW..HIGH``); ``None`` takes the file's ``[[sweep.range]]``,
        else the catalogue's stated ranges of the study's parameters.
        ``deployment`` is checked as the CLI's ``--deployment`` (the result
        holds every deployment: :meth:`TornadoResult.ranked` orders the bars
        for one). Other arguments and errors as :meth:`sweep`.
        """
        given: List[Tuple[str, float, float]] = []
        if ranges is not None:
            if not isinstance(ranges, Mapping):
                raise TypeError(f"ranges must be a dict {{path: (low, high)}}, got {type(ranges).__name__}")
            for path, lh in ranges.items():
                at = f'ranges["{path}"]'
                pair = _reals(at, lh)
                if len(pair) != 2:
                    raise TypeError(f"{at} must be (low, high), got {len(pair)} values")
                given.append((_str("ranges keys", path), pair[0], pair[1]))
        text = _zonesim.tornado(
            self._native,
            given,
            deployment=_opt_str("deployment", deployment),
            trials=_count("trials", trials),
            seed=_seed(seed),
            threads=_threads(threads),
            progress=_progress(progress),
        )
        return TornadoResult(json.loads(text))

    def uncertain(
        self,
        draws: Optional[int] = None,
        *,
        trials: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        progress: Progress = False,
    ) -> UncertaintyResult:
        """Two-level Monte Carlo over the file's ``[[uncertain]]``
        parameters: ``zonesim uncertain``.

        ``draws`` parameter sets (default: the file's ``[uncertainty]``
        ``draws``) are drawn under the file's outer seed; each runs
        ``trials`` with an inner seed of its own, derived from ``seed``
        (the CLI's ``--seed``). Other arguments as :meth:`run`. Raises
        :class:`ScenarioError` when the study has no uncertain parameter.
        """
        text = _zonesim.uncertain(
            self._native,
            draws=None if draws is None else _index("draws", draws, 1, 2**32 - 1),
            trials=_count("trials", trials),
            seed=_seed(seed),
            threads=_threads(threads),
            progress=_progress(progress),
        )
        return UncertaintyResult(json.loads(text))


def load(path: PathLike) -> Study:
    """Loads a scenario file (``.toml`` or ``.json``, by its extension) as the
    CLI does: at most 16 MiB of UTF-8, every problem reported at once.

    Raises :class:`ScenarioError` with the CLI's message, ``path``, ``line``,
    ``column`` and ``field``."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load takes a path (str or os.PathLike), got {type(path).__name__}")
    return Study(_zonesim.NativeStudy.from_path(os.fspath(path)))


def loads(text: str, format: str = "toml", *, name: str = "<string>") -> Study:  # noqa: A002
    """Parses scenario text (``format`` ``"toml"`` or ``"json"``); ``name``
    stands for the file in messages. Errors as :func:`load`."""
    if not isinstance(text, str):
        raise TypeError(f"loads takes the scenario as str, got {type(text).__name__}")
    if format not in ("toml", "json"):
        raise ValueError(f'format must be "toml" or "json", got {format!r}')
    return Study(_zonesim.NativeStudy.from_text(text, format, _str("name", name)))


def default_study() -> Study:
    """The built-in default study: the eu-hubs catalogue with six deployments
    (what ``zonesim run`` with no file runs)."""
    return Study(_zonesim.NativeStudy.default_study())


def catalog(name: str = "eu-hubs") -> Dict[str, Any]:
    """A built-in catalogue as a dict in the scenario schema: its regions
    (with provider codes, sources and notes), zones and common causes, and
    for eu-hubs the default study's deployments. ``Study.from_dict`` accepts
    it as it is, or edited."""
    text = _zonesim.catalog_json(_str("name", name))
    if text is None:
        have = ", ".join(_zonesim.catalog_names())
        raise ValueError(f"unknown catalogue {name!r}; the built-in ones are: {have}")
    result: Dict[str, Any] = json.loads(text)
    return result


def plan(
    study: Study,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Progress = False,
) -> PlanResult:
    """Runs the ``[plan]`` of the study's file: the CLI's ``zonesim plan``.

    Every candidate placement is judged on the same sampled outages; the
    result's ``best``, ``closest`` and ``frontier`` are as in the CLI's JSON.
    Arguments and interruption as :meth:`Study.run`. Raises
    :class:`ScenarioError` when the study has no ``[plan]``."""
    if not isinstance(study, Study):
        raise TypeError(f"plan takes a zonesim.Study, got {type(study).__name__}")
    text = study._native.plan(
        trials=_count("trials", trials),
        seed=_seed(seed),
        threads=_threads(threads),
        progress=_progress(progress),
    )
    return PlanResult(json.loads(text))


# ---------------------------------------------------------------------------
# Argument checks: integers by operator.index (numpy integers pass, floats and
# bools do not), with messages that name the argument.


def _index(name: str, value: Any, low: int, high: int = _U64_MAX) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got bool {value!r}")
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}") from None
    if not low <= v <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {v}")
    return v


def _count(name: str, value: Any) -> Optional[int]:
    return None if value is None else _index(name, value, 1)


def _seed(value: Any) -> Optional[int]:
    return None if value is None else _index("seed", value, 0)


def _threads(value: Any) -> Optional[int]:
    return None if value is None else _index("threads", value, 1, 4096)


def _str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def _reals(name: str, values: Any) -> List[float]:
    """A sequence of real numbers (numpy arrays and scalars too; not bools
    or strs), as floats."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__}")
    if isinstance(values, np.ndarray):
        values = values.tolist()
    out = []
    for v in values:
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"{name} must hold numbers, got {type(v).__name__} {v!r}")
        out.append(float(v))
    return out


def _opt_str(name: str, value: Any) -> Optional[str]:
    return None if value is None else _str(name, value)


def _progress(progress: Progress) -> Optional[Callable[[int, int], Any]]:
    if progress is None or progress is False:
        return None
    if progress is True:
        return _StderrBar()
    if callable(progress):
        return progress
    raise TypeError(
        f"progress must be a bool or a callable f(done, total), got {type(progress).__name__}"
    )


class _StderrBar:
    """``progress=True``: one line on stderr, redrawn in place."""

    def __init__(self) -> None:
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        if pct == self.last:
            return
        self.last = pct
        filled = pct * 30 // 100
        bar = "#" * filled + "-" * (30 - filled)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r[{bar}] {done}/{total} trials{end}")
        sys.stderr.flush()


def _plain(value: Any, at: str) -> Any:
    """``value`` as plain JSON data: numpy arrays and scalars converted,
    anything else that JSON cannot hold a ``TypeError`` naming the field."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        return _plain(value.tolist(), at)
    if isinstance(value, np.generic):
        return _plain(value.item(), at)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            field = at or "(top level)"
            raise ScenarioError(
                f"<dict>: {field}: must be a finite number, got {value!r}",
                path="<dict>",
                field=at or None,
                problems=[(None, at, f"must be a finite number, got {value!r}")],
            )
        return float(value)
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{at or 'the dict'}: keys must be str, got {type(k).__name__} {k!r}")
            out[k] = _plain(v, f"{at}.{k}" if at else k)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{at}[{i}]") for i, v in enumerate(value)]
    raise TypeError(
        f"{at or 'the dict'}: expected a str, number, bool, None, list, dict or numpy "
        f"array, got {type(value).__name__}"
    )
