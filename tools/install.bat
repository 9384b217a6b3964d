@echo off
rem Install slrt-sim from this folder, with no internet (Windows).
rem
rem   install.bat [FOLDER]     FOLDER: where to make the environment [%USERPROFILE%\slrt-sim-env]
rem
rem Makes a virtual environment with the first Python found among @PYTHONS@
rem (the versions this folder holds wheels for; the "py" launcher of the python.org
rem installer, else "python"), installs the kit from this folder with the package
rem index switched off, then prints the command that serves the class.
setlocal
set "HERE=%~dp0"
set "VENV=%~1"
if "%VENV%"=="" set "VENV=%USERPROFILE%\slrt-sim-env"

set "PY="
for %%V in (@PYTHONS@) do (
  if not defined PY (
    py -%%V -c "import sys" >nul 2>&1 && set "PY=py -%%V"
  )
)
if not defined PY (
  python -c "import sys; sys.exit(0 if '%%d.%%d' %% sys.version_info[:2] in '@PYTHONS@'.split() else 1)" >nul 2>&1 && set "PY=python"
)
if not defined PY (
  echo install.bat: no Python @PYTHONS@ found; install one from python.org first ^(tick "Add python.exe to PATH"^)
  exit /b 2
)

echo install.bat: %PY% -^> %VENV%
%PY% -m venv "%VENV%" || exit /b 1
"%VENV%\Scripts\python.exe" -m pip install --disable-pip-version-check --no-index --find-links "%HERE%." -r "%HERE%requirements.txt" slrt-sim || exit /b 1
echo.
echo Done. To serve the class:
echo     "%VENV%\Scripts\slrt-sim.exe" serve
endlocal
