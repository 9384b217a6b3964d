"""A class's role-play material built once per class and shared by every kernel (a file cache).

Building a class's cases and its simulated DTKS generates the training population (pandas,
Faker, ~1–2 s of CPU and ~60 MiB in the kernel that does it). In a hall of 70 trainees every
role-play kernel would do the same work for the same class; with this cache the first kernel
(or the server at start, :mod:`slrt_sim.server`) builds it and
every other kernel only unpickles it (a few ms, no pandas/Faker import at all).

The cache is on only when ``SLRT_CACHE_DIR`` names a folder (``make app`` / :mod:`slrt_sim.serve`
set it to ``<folder of SLRT_DB>/cache``); without it :func:`cached` just calls the builder, so
tests and the CLI behave as before. A file's name carries the key and a fingerprint of the
kit's sources (``slrt_sim/**/*.py``, the catalogue and the training scenario), so an update of
the kit never serves stale cases. Builders run under an exclusive file lock (filelock, on Windows too): when 70 kernels ask
for a new class at the same second, one builds and the others wait and load its result. A file
that cannot be read (truncated, older Python) is rebuilt. The files hold synthetic data only and
are written by the server's own kernels; they are read only from the folder the server set.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

from slrt_sim.paths import SCENARIOS

__all__ = ["CACHE_ENV", "cache_dir", "cached", "fingerprint", "store_classes"]

CACHE_ENV = "SLRT_CACHE_DIR"
ROOT = Path(__file__).resolve().parents[1]  # the slrt_sim package
_SCENARIOS = SCENARIOS  # the clone's scenarios/, or the wheel's bundled copy
T = TypeVar("T")


def cache_dir() -> Path | None:
    """The cache folder (``$SLRT_CACHE_DIR``), or ``None`` when caching is off."""
    value = os.environ.get(CACHE_ENV, "").strip()
    return Path(value) if value else None


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A short hash of the sources that decide the cases (code, catalogue, scenarios)."""
    h = hashlib.sha256()
    files = sorted(ROOT.rglob("*.py")) + sorted(ROOT.rglob("*.yaml")) + sorted(_SCENARIOS.glob("*.yaml"))
    for f in files:
        h.update(str(f.relative_to(ROOT.parent)).encode())
        h.update(f.read_bytes())
    h.update(f"{sys.version_info[:2]}".encode())
    return h.hexdigest()[:12]


def _file_name(kind: str, key: tuple) -> str:
    text = "-".join(str(k) for k in key)
    safe = re.sub(r"[^A-Za-z0-9_.]+", "_", text)[:80]
    digest = hashlib.sha256(repr((kind, key)).encode()).hexdigest()[:8]
    return f"{kind}-{safe}-{digest}-{fingerprint()}.pickle"


def _load(path: Path):
    with open(path, "rb") as f:
        return pickle.load(f)


def cached(kind: str, key: tuple, build: Callable[[], T]) -> T:
    """``build()``'s result for ``(kind, key)``, from the cache file if there is one.

    Without a cache folder this is ``build()``. Any problem with the cache (unwritable folder,
    unreadable file) falls back to building in memory: the cache may speed things up, never
    break them.
    """
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / _file_name(kind, key)
    try:
        return _load(path)
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged file is rebuilt below
        pass
    from filelock import FileLock  # an OS lock on Windows, macOS and Linux alike

    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(path.with_suffix(".lock"))
        lock.acquire()  # another kernel may be building it right now: wait
    except OSError:
        return build()
    try:
        try:
            return _load(path)
        except Exception:  # noqa: BLE001 - missing or damaged: build it
            pass
        value = build()
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            _drop_stale(folder)
        except OSError:
            pass
        return value
    finally:
        lock.release()


def _drop_stale(folder: Path) -> None:
    """Remove the files of older versions of the kit (another fingerprint)."""
    current = fingerprint()
    for f in folder.glob("*-*.*"):
        if f.suffix in (".pickle", ".lock") and not f.stem.endswith(current):
            f.unlink(missing_ok=True)


def store_classes(limit: int = 3) -> list[tuple[str, int, str]]:
    """The newest ``limit`` classes of the session store (``SLRT_DB``), as (code, seed, level)."""
    from slrt_sim.training.store import SessionStore

    try:
        rows = SessionStore().list_classes()[:limit]
    except Exception:  # noqa: BLE001 - no database yet: nothing to warm
        rows = []
    return [(r["code"], int(r["seed"]), r["level"]) for r in rows]
