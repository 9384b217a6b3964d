"""Docs that cannot go stale: the code blocks of the README, the guides and the scenario READMEs run.

Every fenced block marked ``bash``, ``sh`` or ``python`` is executed, in a temporary folder that
holds a copy of ``scenarios/`` (so ``--out`` folders and copied scenarios land there):

* ``slrt-sim …`` lines run in-process through :func:`slrt_sim.cli.main` and must exit 0. Runs
  are shortened, not skipped: ``run`` and ``sweep`` get at most 2 replications and 20 measured
  days; ``serve`` and ``lab`` get ``--dry-run`` (they would start a server); ``calibrate`` (five
  districts for a year, minutes) only has its options parsed.
* ``make TARGET VAR=…`` lines run as ``make -n`` in the repository: the target must exist.
* ``cp A B`` copies inside the temporary folder.
* ``python`` blocks are executed as a script.

A block that cannot run here (another system's commands, placeholders such as ``FILE``) is
marked by an HTML comment ``<!-- not run -->`` on a line of its own just before the fence; a
runnable block holding any other command fails with the line to mark or fix. Blocks in other
languages (``bat``, ``powershell``, no language) are for reading only.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from slrt_sim import cli

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^[ \t]*```(\w*)[^\n]*\n(.*?)^[ \t]*```", re.S | re.M)
NOT_RUN = "<!-- not run -->"
RUN_LANGS = {"bash", "sh", "python"}
DISTRICTS = ("kota_", "kabupaten_")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    lang: str
    code: str
    runnable: bool

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def documents() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    files += sorted((ROOT / "scenarios").rglob("README.md"))
    return [f for f in files if f.is_file()]


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        lang = m.group(1).lower()
        if lang not in RUN_LANGS:
            continue
        before = text[:m.start()].rstrip("\n").splitlines()[-1:] or [""]
        line = text.count("\n", 0, m.start()) + 1
        out.append(Block(path, line, lang, m.group(2), before[0].strip() != NOT_RUN))
    return out


def all_blocks() -> list[Block]:
    return [b for f in documents() for b in blocks(f)]


def commands(code: str) -> list[str]:
    """Shell lines of a block: continuations joined, comments and blank lines dropped."""
    joined = re.sub(r"\s*\\\n\s*", " ", code)
    lines = []
    for raw in joined.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if line:
            lines.append(line)
    return lines


def _cap(argv: list[str], options: tuple[str, ...], limit: int, add: bool) -> list[str]:
    for i, a in enumerate(argv):
        if a in options and i + 1 < len(argv):
            argv[i + 1] = str(min(float(argv[i + 1]), limit)).removesuffix(".0")
            return argv
    return argv + [options[0], str(limit)] if add else argv


def shortened(argv: list[str]) -> list[str]:
    """``slrt-sim`` arguments as the test runs them (see the module docstring)."""
    argv = list(argv)
    sub = next((a for a in argv if not a.startswith("-")), "")
    if sub in ("run", "sweep"):
        argv = _cap(argv, ("--replications", "-r"), 2, add=False)
        argv = _cap(argv, ("--days",), 20, add=True)
    if sub in ("serve", "lab") and "--dry-run" not in argv:
        argv.append("--dry-run")
    return argv


def run_shell_line(line: str, where: Path) -> None:
    words = shlex.split(line)
    if words[0] == "slrt-sim":
        argv = shortened(words[1:])
        if "calibrate" in argv:
            cli.build_parser().parse_args(argv)
            return
        assert cli.main(argv) == 0, f"{line!r} failed"
    elif words[0] == "make":
        done = subprocess.run(["make", "-n", "-C", str(ROOT), *words[1:]], capture_output=True, text=True)
        assert done.returncode == 0, f"{line!r}: {done.stderr.strip()}"
    elif words[0] == "cp" and len(words) == 3:
        shutil.copy(where / words[1], where / words[2])
    else:
        pytest.fail(f"{line!r}: not a command this test runs; mark the block {NOT_RUN} if it cannot run here")


def _slow(block: Block) -> bool:
    return any(d in block.code for d in DISTRICTS)


RUNNABLE = [pytest.param(b, id=b.id, marks=[pytest.mark.slow] if _slow(b) else [])
            for b in all_blocks() if b.runnable]


@pytest.mark.parametrize("block", RUNNABLE)
def test_code_block_runs(block, tmp_path, monkeypatch, capsys):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    if block.lang == "python":
        exec(compile(block.code, block.id, "exec"), {"__name__": "docs_block"})  # noqa: S102
        return
    for line in commands(block.code):
        run_shell_line(line, tmp_path)


def test_blocks_are_found_and_marks_are_honoured(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("Run:\n\n```bash\nslrt-sim validate a.yaml  # check\n```\n\n" + NOT_RUN + "\n"
                   "```bash\nsh install.sh\n```\n\n```bat\nE:\\install.bat\n```\n", encoding="utf-8")
    found = blocks(doc)
    assert [(b.lang, b.runnable) for b in found] == [("bash", True), ("bash", False)]
    assert commands(found[0].code) == ["slrt-sim validate a.yaml"]
    assert commands("slrt-sim sweep a.yaml \\\n    --vary x=1,2\n# note\n") == ["slrt-sim sweep a.yaml --vary x=1,2"]


def test_runs_are_shortened_not_skipped():
    assert shortened(["run", "s.yaml", "-r", "20", "--json"]) == ["run", "s.yaml", "-r", "2", "--json", "--days", "20"]
    assert shortened(["run", "s.yaml", "--days", "180"]) == ["run", "s.yaml", "--days", "20"]
    assert shortened(["serve", "--class-size", "40"]) == ["serve", "--class-size", "40", "--dry-run"]


def test_an_unknown_command_in_a_runnable_block_fails(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="not run"):
        run_shell_line("sudo rm -rf /nothing", tmp_path)


def test_a_failing_cli_line_fails(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AssertionError):
        run_shell_line("slrt-sim validate scenarios/no_such_file.yaml", tmp_path)


def test_every_document_with_commands_has_a_runnable_block():
    runnable = {b.path.relative_to(ROOT).as_posix() for b in all_blocks() if b.runnable}
    for name in ("README.md", "docs/install.md", "docs/panduan-pelatih.md", "docs/panduan-perencana.md",
                 "docs/model.md"):
        assert name in runnable, name
    assert os.path.basename(__file__) == "test_docs_code.py"
