#!/bin/sh
# Install or update slrt-sim from this folder, with no internet (macOS, Linux).
#
#   sh install.sh [FOLDER]             FOLDER: where to make the environment [~/slrt-sim-env]
#   PYTHON=python3.12 sh install.sh    to choose the interpreter
#
# Uses the newest Python among @PYTHONS@ (the versions this folder holds wheels for) found on
# PATH, in /usr/local/bin or in python.org's installer folder on a Mac (a Mac's own python3 from
# the Command Line Tools is 3.9: too old). Makes (or reuses) a virtual environment, installs
# the pinned packages from this folder with the package index switched off, then always
# re-installs the kit's own wheel: running a newer folder's install.sh updates the kit.
# Writes a double-clickable start script "Mulai kelas SLRT" (.command on a Mac; on the Desktop
# too when there is one) and prints the command that serves the class.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
VENV=${1:-"$HOME/slrt-sim-env"}

version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true; }
supported() { case " @PYTHONS@ " in *" $1 "*) return 0 ;; esac; return 1; }

if [ -z "${PYTHON:-}" ]; then
  for v in @PYTHONS@; do
    for c in "python$v" "/usr/local/bin/python$v" "/Library/Frameworks/Python.framework/Versions/$v/bin/python$v"; do
      if command -v "$c" >/dev/null 2>&1 && [ "$(version_of "$c")" = "$v" ]; then PYTHON=$c; break 2; fi
    done
  done
fi
if [ -z "${PYTHON:-}" ] && command -v python3 >/dev/null 2>&1 && supported "$(version_of python3)"; then PYTHON=python3; fi
if [ -z "${PYTHON:-}" ]; then
  echo "install.sh: no Python @PYTHONS@ found; install one from python.org (macOS: the 'macOS 64-bit universal2 installer') first" >&2
  exit 2
fi
VERSION=$(version_of "$PYTHON")
if ! supported "$VERSION"; then
  echo "install.sh: $PYTHON is Python $VERSION; this folder has wheels for Python @PYTHONS@ (set PYTHON=...)" >&2
  exit 2
fi
if ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
  echo "install.sh: $PYTHON cannot make a virtual environment; Debian/Ubuntu: sudo apt install python3-venv" >&2
  exit 2
fi

echo "install.sh: Python $VERSION ($PYTHON) -> $VENV"
if [ -x "$VENV/bin/python" ] && [ "$(version_of "$VENV/bin/python")" = "$VERSION" ]; then
  echo "install.sh: updating the environment in $VENV"
else
  "$PYTHON" -m venv --clear "$VENV"
fi
pip() { "$VENV/bin/python" -m pip --disable-pip-version-check --no-input "$@"; }
pip install --no-index --find-links "$HERE" -r "$HERE/requirements.txt"
# the kit's own wheel, always: its version changes with every build, and a re-run must replace it
pip install --no-index --no-deps --force-reinstall "$HERE"/slrt_sim-*.whl

START="$VENV/Mulai kelas SLRT.command"
cat > "$START" <<START_SCRIPT
#!/bin/sh
# Mulai kelas SLRT: serve the class (double-click; Ctrl+C stops it).
"$VENV/bin/slrt-sim" serve
echo
printf 'Tekan Enter untuk menutup jendela ini. '
read -r _
START_SCRIPT
chmod 755 "$START"
if [ -d "$HOME/Desktop" ]; then cp "$START" "$HOME/Desktop/Mulai kelas SLRT.command"; fi

echo
echo "Done: $("$VENV/bin/python" -c 'import slrt_sim; print("slrt-sim", slrt_sim.__version__)')"
echo "To serve the class, double-click \"Mulai kelas SLRT\" or run:"
echo "    \"$VENV/bin/slrt-sim\" serve"
