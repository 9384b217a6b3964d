"""Build an offline install folder ("wheelhouse") for laptops with no internet (``make wheelhouse``).

The folder holds the kit's wheel, a wheel of every package it needs at run time for
each chosen platform and Python (pinned as in ``requirements.lock``), the pins
themselves (``requirements.txt``) and ``install.sh`` / ``install.bat``, which make a
virtual environment and install from the folder with the package index switched off.
Copy it to a USB stick; on the laptop run the install script, then ``slrt-sim serve``.

Only the run-time part of the lock goes in (the test tools do not): the packages
reached from ``[project] dependencies`` through the lock's ``# via`` notes. The
lock's environment markers (``sys_platform == 'win32'``...) are evaluated for each
target platform and Python, not for this machine, and every download is of an
exact pin with ``--no-deps`` (the lock is complete), so the folder is the same
whatever machine builds it.

    python tools/wheelhouse.py [--out dist/wheelhouse] [--pythons 3.11 3.12 3.13 3.14]
                               [--platforms win_amd64 macos_arm64 macos_x86_64 linux_x86_64]
                               [--cache DIR]

Needs the package index (PyPI) while it builds; ``--cache`` keeps pip's download cache. A
folder built before is updated: wheels the lock no longer pins are removed, and only the
missing ones are fetched (so a rebuild with an unchanged lock needs no network).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
HERE = Path(__file__).resolve().parent
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13", "3.14")


@dataclass(frozen=True)
class Platform:
    """A target: pip's platform tags (pip adds older macOS ones itself) and its marker values."""

    name: str
    tags: tuple[str, ...]
    sys_platform: str
    os_name: str
    system: str
    machine: str


PLATFORMS = {p.name: p for p in (
    Platform("win_amd64", ("win_amd64",), "win32", "nt", "Windows", "AMD64"),
    Platform("macos_arm64", ("macosx_12_0_arm64",), "darwin", "posix", "Darwin", "arm64"),  # scipy: 12.0+
    Platform("macos_x86_64", ("macosx_12_0_x86_64",), "darwin", "posix", "Darwin", "x86_64"),
    # glibc 2.28 or newer (Debian 10+, Ubuntu 20.04+, RHEL 8+); pip does not expand manylinux tags itself
    Platform("linux_x86_64", tuple(f"manylinux_2_{v}_x86_64" for v in range(28, 4, -1))
             + ("manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"),
             "linux", "posix", "Linux", "x86_64"),
)}


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: Marker | None
    via: tuple[str, ...]

    def line(self) -> str:
        return f"{self.name}=={self.version}" + (f" ; {self.marker}" if self.marker else "")


def read_lock(path: Path = LOCK) -> list[Pin]:
    """The pins of a ``uv pip compile`` lock with their markers and ``# via`` parents."""
    pins: list[Pin] = []
    current: dict | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        m = re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)\s*(?:;\s*(.+))?$", line)
        if m and not raw.startswith(" "):
            current = {"name": canonicalize_name(m[1]), "version": m[2],
                       "marker": Marker(m[3]) if m[3] else None, "via": []}
            pins.append(current)  # type: ignore[arg-type]
            continue
        if current is not None and line.startswith("#"):
            text = line.lstrip("#").strip()
            if text.startswith("via"):
                text = text[3:].strip()
            if text:
                current["via"].append(text)
    return [Pin(p["name"], p["version"], p["marker"], tuple(p["via"])) for p in pins]  # type: ignore[index]


def runtime_pins(pins: list[Pin], pyproject: Path = ROOT / "pyproject.toml") -> list[Pin]:
    """The pins the kit needs at run time: its dependencies and everything they pull in."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    needed = {canonicalize_name(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in deps}
    by_name = {p.name: p for p in pins}
    missing = needed - set(by_name)
    if missing:
        raise SystemExit(f"{LOCK.name}: no pin for {', '.join(sorted(missing))}; run `make lock`")
    changed = True
    while changed:
        changed = False
        for p in pins:
            if p.name not in needed and any(canonicalize_name(v.split(" ")[0]) in needed for v in p.via):
                needed.add(p.name)
                changed = True
    return [p for p in pins if p.name in needed]


def marker_env(platform: Platform, python: str) -> dict[str, str]:
    return {
        "sys_platform": platform.sys_platform, "os_name": platform.os_name,
        "platform_system": platform.system, "platform_machine": platform.machine,
        "python_version": python, "python_full_version": f"{python}.0",
        "implementation_name": "cpython", "platform_python_implementation": "CPython",
        "platform_release": "", "platform_version": "", "implementation_version": f"{python}.0", "extra": "",
    }


def pins_for(pins: list[Pin], platform: Platform, python: str, skip: frozenset[str] = frozenset()) -> list[str]:
    """The pins that apply to ``platform`` and ``python`` (markers evaluated for them), less ``skip``."""
    env = marker_env(platform, python)
    return [f"{p.name}=={p.version}" for p in pins
            if (p.marker is None or p.marker.evaluate(env)) and p.name not in skip]


def present(out: Path, platform: Platform, python: str) -> frozenset[str]:
    """Packages whose pinned wheel for this target is already in the folder (a rebuild skips them)."""
    found = set()
    for f in out.glob("*.whl"):
        name, version, _, _ = parse_wheel_filename(f.name)
        if wheel_matches(f.name, platform, python):
            found.add((canonicalize_name(name), str(version)))
    return frozenset(found)


def prune(out: Path, pins: list[Pin]) -> None:
    """Remove wheels of versions the lock no longer pins (the kit's own wheel is rebuilt anyway)."""
    wanted = {(p.name, p.version) for p in pins}
    for f in out.glob("*.whl"):
        name, version, _, _ = parse_wheel_filename(f.name)
        if (canonicalize_name(name), str(version)) not in wanted and canonicalize_name(name) != "slrt-sim":
            f.unlink()


def missing_for(pins: list[Pin], out: Path, platform: Platform, python: str, skip: frozenset[str]) -> list[str]:
    """The pins of this target still to download: not pure wheels already fetched, not present."""
    have = present(out, platform, python)
    return [r for r in pins_for(pins, platform, python, skip) if tuple(r.split("==")) not in have]


def pure_wheels(out: Path) -> frozenset[str]:
    """Packages already in the folder as a pure-Python wheel (``*-none-any``): good for every target."""
    return frozenset(canonicalize_name(f.name.split("-")[0]) for f in out.glob("*-none-any.whl"))


def download(reqs: list[str], platform: Platform, python: str, out: Path, cache: Path | None) -> None:
    """pip-download the wheels of ``reqs`` for one target into ``out``.

    Each target downloads into its own staging folder, then moves the files in: targets run
    side by side and may fetch the same wheel (abi3, pure Python) at the same time.
    """
    if not reqs:
        return
    stage = out / f".stage-{platform.name}-{python}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    req_file = stage / "pins.txt"
    req_file.write_text("\n".join(reqs) + "\n", encoding="utf-8")
    abi = "cp" + python.replace(".", "")
    cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--quiet",
           "--no-deps", "--only-binary=:all:", *[a for tag in platform.tags for a in ("--platform", tag)],
           "--python-version", python, "--implementation", "cp", "--abi", abi, "--abi", "abi3", "--abi", "none",
           "-r", str(req_file), "-d", str(stage / "wheels")]
    if cache is not None:
        cmd[4:4] = ["--cache-dir", str(cache)]
    print(f"wheelhouse: {platform.name} Python {python} ({len(reqs)} packages)", flush=True)
    for attempt in range(3):  # an index that times out under load answers "no matching distribution"
        if subprocess.run(cmd).returncode == 0:
            break
        print(f"wheelhouse: {platform.name} Python {python}: pip failed, trying again", flush=True)
    else:
        raise SystemExit(f"wheelhouse: could not download the wheels for {platform.name} Python {python}")
    for wheel in (stage / "wheels").glob("*.whl"):
        os.replace(wheel, out / wheel.name)
    shutil.rmtree(stage)


def local_version(now: datetime | None = None) -> str:
    """The kit wheel's local version: the build's UTC date and time, and the commit if known
    (``20261203.0915.g1a2b3c4``). A new folder always carries a new version, so installing it
    over an older kit replaces it (the install scripts also force-reinstall the kit's wheel)."""
    now = now or datetime.now(timezone.utc)
    stamp = now.strftime("%Y%m%d.%H%M%S")
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{stamp}.g{commit}" if re.fullmatch(r"[0-9a-f]{4,40}", commit) else stamp


def build_kit_wheel(out: Path) -> Path:
    """The kit's own wheel (with the notebooks, scenarios and Voila set-up inside, see setup.py),
    versioned ``0.1.0+<local_version()>``."""
    for old in out.glob("slrt_sim-*.whl"):
        old.unlink()
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv:
        cmd = [uv, "build", "--wheel", "--quiet", "-o", str(out), str(ROOT)]
    else:
        cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)]
    subprocess.run(cmd, check=True, env={**os.environ, "SLRT_LOCAL_VERSION": local_version()})
    wheels = sorted(out.glob("slrt_sim-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"wheelhouse: expected one slrt_sim wheel in {out}, found {len(wheels)}")
    return wheels[0]


def wheel_matches(filename: str, platform: Platform, python: str) -> bool:
    """Would this wheel be installed on ``platform`` with ``python``? (for the size report)"""
    tags = filename[:-4].split("-")[-3:]
    pyt, abi, plat = tags
    cp = "cp" + python.replace(".", "")
    py_ok = any(x in ("py3", "py2.py3", cp) or (x.startswith("cp3") and abi == "abi3" and int(x[3:]) <= int(cp[3:]))
                for x in pyt.split("."))
    if plat == "any":
        return py_ok
    arch_ok = {"win_amd64": lambda p: p == "win_amd64",
               "macos_arm64": lambda p: p.startswith("macosx") and (p.endswith("arm64") or p.endswith("universal2")),
               "macos_x86_64": lambda p: p.startswith("macosx") and (p.endswith("x86_64") or p.endswith("universal2")
                                                                    or p.endswith("intel")),
               "linux_x86_64": lambda p: "linux" in p and p.endswith("x86_64")}[platform.name]
    return py_ok and any(arch_ok(p) for p in plat.split("."))


def size_report(out: Path, platforms: list[Platform], pythons: list[str]) -> str:
    """Megabytes a laptop of each platform reads from the folder (per Python, and all chosen Pythons)."""
    files = [f for f in out.glob("*.whl")]
    lines = ["platform        " + "  ".join(f"py{p:<5}" for p in pythons) + "  all chosen"]
    for plat in platforms:
        per = []
        union: set[Path] = set()
        for py in pythons:
            chosen = {f for f in files if wheel_matches(f.name, plat, py)}
            union |= chosen
            per.append(sum(f.stat().st_size for f in chosen) / 1e6)
        total = sum(f.stat().st_size for f in union) / 1e6
        lines.append(f"{plat.name:<15} " + "  ".join(f"{v:5.0f} MB" for v in per) + f"  {total:5.0f} MB")
    lines.append(f"folder total: {sum(f.stat().st_size for f in files) / 1e6:.0f} MB in {len(files)} wheels")
    return "\n".join(lines)


def write_scripts(out: Path, pythons: list[str], runtime: list[Pin]) -> None:
    (out / "requirements.txt").write_text(
        "# slrt-sim's run-time pins (from requirements.lock); pip evaluates the markers on the laptop.\n"
        + "\n".join(p.line() for p in runtime) + "\n", encoding="utf-8")
    newest_first = " ".join(sorted(pythons, key=lambda v: tuple(map(int, v.split("."))), reverse=True))
    for name in ("install.sh", "install.bat"):
        text = (HERE / name).read_text(encoding="utf-8").replace("@PYTHONS@", newest_first)
        newline = "\r\n" if name.endswith(".bat") else "\n"
        with open(out / name, "w", encoding="utf-8", newline=newline) as f:
            f.write(text)
        if name.endswith(".sh"):
            os.chmod(out / name, 0o755)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/wheelhouse.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "wheelhouse")
    parser.add_argument("--pythons", nargs="+", default=list(SUPPORTED_PYTHONS), choices=SUPPORTED_PYTHONS)
    parser.add_argument("--platforms", nargs="+", default=list(PLATFORMS), choices=list(PLATFORMS))
    parser.add_argument("--cache", type=Path, help="pip's download cache (kept between builds)")
    args = parser.parse_args(argv)

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    runtime = runtime_pins(read_lock())
    platforms = [PLATFORMS[p] for p in args.platforms]
    targets = [(plat, py) for plat in platforms for py in args.pythons]
    # The first target brings the pure-Python wheels (most of them); the others only need the
    # binary ones, fetched a few targets at a time (the downloads wait on the network).
    # A folder built before keeps its wheels: only what the lock added or changed is fetched.
    prune(out, runtime)
    download(missing_for(runtime, out, *targets[0], frozenset()), *targets[0], out, args.cache)
    pure = pure_wheels(out)
    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = [pool.submit(download, missing_for(runtime, out, plat, py, pure), plat, py, out, args.cache)
                for plat, py in targets[1:]]
        for job in jobs:
            job.result()
    kit = build_kit_wheel(out)
    write_scripts(out, args.pythons, runtime)
    report = size_report(out, platforms, args.pythons)
    (out / "SIZES.txt").write_text(report + "\n", encoding="utf-8")
    print(f"wheelhouse: {out} ({kit.name})\n{report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
