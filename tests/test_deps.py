"""Dependencies declared and lean: what the kit imports is declared, the cluster engine is an
extra with a one-line message, no scipy, environment.yml is the lock's."""
from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from slrt_sim.cli import main
from slrt_sim.i18n import t

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _imported_modules() -> dict[str, set[str]]:
    """Top-level modules imported anywhere in slrt_sim -> the files importing them."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "slrt_sim").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def _declared(extra: str | None = None) -> set[str]:
    reqs = PROJECT["dependencies"] if extra is None else PROJECT["optional-dependencies"][extra]
    return {canonicalize_name(Requirement(r).name) for r in reqs}


def test_every_imported_package_is_declared():
    dists = packages_distributions()
    runtime, cluster = _declared(), _declared("cluster")
    missing = {}
    for module, files in _imported_modules().items():
        if module in sys.stdlib_module_names or module in ("slrt_sim", "__future__"):
            continue
        names = {canonicalize_name(d) for d in dists.get(module, [module])}
        if names & runtime:
            continue
        if names & cluster and files <= {"slrt_sim/experiments/runner.py"}:
            continue  # imported only when --scheduler is used: the optional extra
        missing[module] = sorted(files)
    assert not missing, f"imported but not declared in pyproject dependencies: {missing}"
    assert {"ipykernel", "jupyter-server", "jupyter-client", "tornado", "traitlets"} <= runtime


def test_the_runtime_is_lean():
    runtime = _declared()
    # psutil is declared: the server reads the laptop's own addresses with it (and ipykernel needs it anyway)
    assert not {"scipy", "dask", "distributed"} & runtime
    assert {"dask", "distributed"} <= _declared("cluster")
    assert "scipy" not in _imported_modules()


def test_scheduler_without_the_cluster_extra_is_one_line_naming_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    code = main(["sweep", "pelatihan_satu_kelurahan", "--days", "5", "-r", "1", "--quiet",
                 "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert t("sweep.err.no_cluster") in err and "slrt-sim[cluster]" in err


def test_environment_yml_is_generated_from_the_lock():
    sys.path.insert(0, str(ROOT / "tools"))
    import environment  # tools/environment.py

    assert environment.main(["--check"]) == 0, "run: python tools/environment.py"
    text = (ROOT / "environment.yml").read_text()
    lock = (ROOT / "requirements.lock").read_text()
    pins = [line.split(" ")[0] for line in lock.splitlines() if line and line[0].isalnum()]
    assert all(pin in text for pin in pins) and "voila==" in text
