"""Type stubs of the native module (private to the zonesim package)."""

from typing import Any, Callable, List, Optional, Tuple

import numpy as np
import numpy.typing as npt

BATCH_TRIALS: int
__version__: str

class NativeStudy:
    @staticmethod
    def from_text(text: str, format: str, name: str, located: bool = True) -> NativeStudy: ...
    @staticmethod
    def from_path(path: str) -> NativeStudy: ...
    @staticmethod
    def default_study() -> NativeStudy: ...
    @property
    def name(self) -> str: ...
    @property
    def deployment_names(self) -> List[str]: ...
    @property
    def has_plan(self) -> bool: ...
    def to_json(self) -> str: ...
    def run(
        self,
        trials: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        baseline: Optional[str] = None,
        progress: Optional[Callable[[int, int], Any]] = None,
    ) -> str: ...
    def plan(
        self,
        trials: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        progress: Optional[Callable[[int, int], Any]] = None,
    ) -> str: ...
    def trial_outcomes(
        self,
        trials: int,
        first: int = 0,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        progress: Optional[Callable[[int, int], Any]] = None,
    ) -> Tuple[
        List[str],
        npt.NDArray[np.float64],
        npt.NDArray[np.uint32],
        npt.NDArray[np.float64],
    ]: ...

class NativeFit:
    def to_json(self) -> str: ...
    def to_toml(self) -> str: ...

def sweep(
    study: NativeStudy,
    axes: List[Tuple[str, List[float]]],
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Optional[Callable[[int, int], Any]] = None,
) -> str: ...
def tornado(
    study: NativeStudy,
    ranges: List[Tuple[str, float, float]],
    deployment: Optional[str] = None,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Optional[Callable[[int, int], Any]] = None,
) -> str: ...
def uncertain(
    study: NativeStudy,
    draws: Optional[int] = None,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Optional[Callable[[int, int], Any]] = None,
) -> str: ...
def fit(
    path: Optional[str],
    text: Optional[str],
    name: str,
    window_hours: Optional[float],
    window: Optional[str],
    no_outages: List[str],
    ttf_family: Optional[str],
    ttr_family: Optional[str],
) -> NativeFit: ...
def catalog_json(name: str) -> Optional[str]: ...
def catalog_names() -> List[str]: ...
