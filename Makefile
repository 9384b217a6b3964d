# slrt-sim — setup and serving (GNU make).
#
#   make app         set up .venv, then serve all notebooks with Voila on 0.0.0.0:8866 (slrt-sim serve)
#   make test        set up .venv, then run the whole test suite (incl. notebooks, browser)
#   make bench       set up .venv, then run the benchmarks (the load benchmark in a light form)
#   make load        a hall opening an app at once: N trainees (default 70), APP=fo|bo, BROWSERS,
#                    DAY=morning|afternoon|nopool, DELAY=seconds after "Kelas siap";
#                    DAY=live: N trainees play the live kelurahan (N/7 games) for MINUTES, acting every EVERY s
#   make notebooks   re-execute the teaching notebooks (notebooks/belajar/) in place, saving their outputs
#   make lock        regenerate requirements.lock from pyproject.toml, and environment.yml from it (needs PyPI)
#   make wheelhouse  build dist/wheelhouse/: offline install folder for Windows, macOS, Linux (needs PyPI)
#   make clean       remove .venv and caches (var/ with session data is kept)
#
# Variables (override on the command line, e.g. `make app PORT=8000 TRAINER_PIN=2468`):
#   PYTHON       interpreter used to create .venv (3.11 to 3.14)     [python3]
#   HOST, PORT   where Voila listens                [slrt-sim serve's: 0.0.0.0, 8866]
#   TRAINER_PIN  PIN of the trainer dashboard (random if empty)     [empty]
#   SLRT_DB      SQLite file for the apps' session data             [var/slrt-sessions.sqlite]
#   CLASS_SIZE   trainees: kernels of CLASS_APP prepared at start   [0: a pool for 70, as memory allows]
#   CLASS_APP    the app the class opens: fo, bo, hv or both (fo+bo) [fo]
#   MAX_KERNELS, MAX_PER_CLIENT  caps on live kernels (all, per device)  [slrt-sim serve --help]
#   PYTEST_ARGS  extra pytest arguments, e.g. PYTEST_ARGS="-x -k landing"
#   WH_PYTHONS   Pythons of the wheelhouse                          [3.11 3.12 3.13 3.14]
#   WH_PLATFORMS its platforms  [win_amd64 macos_arm64 macos_x86_64 linux_x86_64]
#
# The Voila / Jupyter server settings are in voila.json (see docs/developer.md, "Configuration").

SHELL := /bin/bash
.DEFAULT_GOAL := setup

PYTHON      ?= python3
UV_VERSION  := 0.13.8
VENV        := .venv
VPY         := $(VENV)/bin/python
UV          := $(VENV)/bin/uv
STAMP       := $(VENV)/.installed

HOST        ?=
PORT        ?=
TRAINER_PIN ?=
SLRT_DB     ?= $(CURDIR)/var/slrt-sessions.sqlite
PYTEST_ARGS ?=
WHEELHOUSE  ?= dist/wheelhouse
WH_PYTHONS  ?= 3.11 3.12 3.13 3.14
WH_PLATFORMS ?= win_amd64 macos_arm64 macos_x86_64 linux_x86_64
CLASS_SIZE  ?=
CLASS_APP   ?=
MAX_KERNELS ?=
MAX_PER_CLIENT ?=
N           ?= 70
APP         ?= fo
BROWSERS    ?= 3
DAY         ?= morning
MINUTES     ?= 10
EVERY       ?= 20
DELAY       ?= 0

.PHONY: help setup app test bench load lock wheelhouse clean notebooks

help:
	@sed -n '2,10p' Makefile | sed 's/^# \{0,1\}//'

# --- environment ----------------------------------------------------------------------------

# Debian and Ubuntu ship Python without ensurepip (package python3-venv): say so in one line.
# A .venv made with another Python than the PYTHON given on the command line is not reused silently.
ifeq ($(origin PYTHON),command line)
ifneq ($(wildcard $(VPY)),)
ifneq ($(shell $(VPY) -c 'import sys; print(sys.version_info[:2])' 2>/dev/null),$(shell $(PYTHON) -c 'import sys; print(sys.version_info[:2])' 2>/dev/null))
$(error $(VENV) was made with another Python than PYTHON=$(PYTHON): run `make clean` first, or give another VENV=.venv-x.y)
endif
endif
endif

$(VPY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 15) else "slrt-sim needs Python 3.11 to 3.14; run e.g.: make PYTHON=python3.13")'
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { echo "make: $(PYTHON) cannot make a virtual environment: install the package python3-venv (Debian/Ubuntu: sudo apt install python3-venv)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(UV): | $(VPY)
	$(VPY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@touch $@

# The stamp is newer than the lock and pyproject once they are installed: `make` is then instant.
$(STAMP): requirements.lock pyproject.toml | $(UV)
	$(UV) pip install --python $(VPY) -r requirements.lock
	$(UV) pip install --python $(VPY) --no-deps -e .
	@touch $@

setup: $(STAMP)

var:
	@mkdir -p $@

# --- serving ---------------------------------------------------------------------------------

# `slrt-sim serve` (slrt_sim/server/app.py, settings from voila.json) serves the class in the
# foreground: "Menyiapkan kasus kelas …" while it prepares, the addresses and the trainer PIN
# once pages can be served; Ctrl+C stops it with its kernels. Unset variables pass no option.
app: $(STAMP) | var
	@TRAINER_PIN='$(TRAINER_PIN)' $(VENV)/bin/slrt-sim serve --db '$(SLRT_DB)' $(if $(HOST),--host '$(HOST)') $(if $(PORT),--port '$(PORT)') \
	  $(if $(CLASS_SIZE),--class-size '$(CLASS_SIZE)') $(if $(CLASS_APP),--class-app '$(CLASS_APP)') \
	  $(if $(MAX_KERNELS),--max-kernels '$(MAX_KERNELS)') $(if $(MAX_PER_CLIENT),--max-per-client '$(MAX_PER_CLIENT)')

# --- checks ----------------------------------------------------------------------------------

# The suite: tests/ (unit, integration, browser) and every notebook in notebooks/ run by
# nbval: the app shells in "lax" mode (they must execute without error; they are committed
# without outputs); the teaching notebooks in notebooks/belajar/ are compared with their saved
# outputs, strictly, as --nbval would (notebooks/conftest.py switches that on for the folder).
test: $(STAMP)
	$(VPY) -m pytest tests notebooks --nbval-lax $(PYTEST_ARGS)

# After a change that moves the model's numbers: new saved outputs for nbval to compare.
notebooks: $(STAMP)
	$(VPY) -m jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False notebooks/belajar/*.ipynb

bench: $(STAMP)
	$(VPY) benchmarks/run.py

# N trainees open APP at the same second over 127.0.0.1 (BROWSERS of them in Chromium),
# against the server as `make app CLASS_SIZE=N CLASS_APP=APP` runs it (benchmarks/bench_load.py).
load: $(STAMP)
	$(VPY) benchmarks/bench_load.py --n '$(N)' --app '$(APP)' --browsers '$(BROWSERS)' --day '$(DAY)' --delay '$(DELAY)' \
	  --minutes '$(MINUTES)' --every '$(EVERY)'

# --- maintenance -----------------------------------------------------------------------------

# One lock for every supported Python (3.11 to 3.14) and system: --universal writes
# environment markers where a pin applies to some of them only.
lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev --extra cluster --universal --python-version 3.11 -o requirements.lock
	$(VPY) tools/environment.py

# The kit's wheel and every run-time dependency for each platform x Python, plus
# install.sh / install.bat (tools/wheelhouse.py; docs/developer.md, "Install internals").
wheelhouse: $(STAMP)
	$(VPY) tools/wheelhouse.py --out '$(WHEELHOUSE)' --pythons $(WH_PYTHONS) --platforms $(WH_PLATFORMS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -not -path './.git/*' -exec rm -rf {} +
