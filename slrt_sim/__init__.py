"""slrt-sim: simulation and training kit for SLRT (Sistem Layanan dan Rujukan Terpadu)."""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("slrt-sim")
except PackageNotFoundError:  # pragma: no cover - running from a folder that was never installed
    __version__ = "0+unknown"
