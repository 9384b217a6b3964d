#!/bin/sh
# Install slrt-sim from this folder, with no internet (Linux, macOS).
#
#   sh install.sh [FOLDER]      FOLDER: where to make the environment [~/slrt-sim-env]
#   PYTHON=python3.12 sh install.sh    to choose the interpreter
#
# Makes a virtual environment with the first Python found among @PYTHONS@
# (the versions this folder holds wheels for), installs the kit from this folder
# with the package index switched off, then prints the command that serves the class.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
VENV=${1:-"$HOME/slrt-sim-env"}

if [ -z "${PYTHON:-}" ]; then
  for v in @PYTHONS@; do
    if command -v "python$v" >/dev/null 2>&1; then PYTHON="python$v"; break; fi
  done
fi
if [ -z "${PYTHON:-}" ] && command -v python3 >/dev/null 2>&1; then PYTHON=python3; fi
if [ -z "${PYTHON:-}" ]; then
  echo "install.sh: no Python found; install Python @PYTHONS@ (one of them) first" >&2
  exit 2
fi
VERSION=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
case " @PYTHONS@ " in
  *" $VERSION "*) ;;
  *) echo "install.sh: $PYTHON is Python $VERSION; this folder has wheels for Python @PYTHONS@ (set PYTHON=...)" >&2
     exit 2 ;;
esac

echo "install.sh: Python $VERSION ($PYTHON) -> $VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-index --find-links "$HERE" \
  -r "$HERE/requirements.txt" slrt-sim
echo
echo "Done. To serve the class:"
echo "    \"$VENV/bin/slrt-sim\" serve"
