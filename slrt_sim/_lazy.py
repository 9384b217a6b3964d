"""``np``, imported on first use: modules whose numpy work is only in building a class's cases.

The role-play kernels (70 in a hall) load their cases from the class cache
(:mod:`slrt_sim.training.case_cache`) and never touch numpy; importing it anyway costs each of them
~17 MiB of resident memory. ``from ._lazy import np`` gives a stand-in that imports numpy the
first time an attribute is read (``np.random``, ``np.flatnonzero`` ...), then behaves as numpy.
Annotations are not evaluated (``from __future__ import annotations``), so ``np.ndarray`` in a
signature imports nothing.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class _LazyModule(ModuleType):
    def __init__(self, name: str):
        super().__init__(name)
        self.__dict__["_target"] = None

    def _load(self) -> ModuleType:
        if self.__dict__["_target"] is None:
            self.__dict__["_target"] = importlib.import_module(self.__name__)
        return self.__dict__["_target"]

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._load(), attr)

    def __dir__(self) -> list[str]:
        return dir(self._load())


np: Any = _LazyModule("numpy")
