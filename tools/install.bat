@echo off
rem Install or update slrt-sim from this folder, with no internet (Windows; double-click it,
rem or run it from cmd or PowerShell).
rem
rem   install.bat [FOLDER]     FOLDER: where to make the environment [%USERPROFILE%\slrt-sim-env]
rem
rem Uses the newest Python among @PYTHONS@ (the versions this folder holds wheels for): the
rem "py" launcher of the python.org installer, whichever of them is installed, else "python".
rem Makes (or reuses) a virtual environment, installs the pinned packages from this folder with
rem the package index switched off, then always re-installs the kit's own wheel (a newer
rem folder's install.bat updates the kit). Writes "Mulai kelas SLRT.bat" (double-click to serve
rem the class; on the Desktop too) and prints a command that works in cmd and in PowerShell.
rem Paths are quoted throughout: user names with spaces work. The window waits for a key at the end.
setlocal
set "HERE=%~dp0"
set "VENV=%~1"
if "%VENV%"=="" set "VENV=%USERPROFILE%\slrt-sim-env"
set "RC=0"

set "PY="
for %%V in (@PYTHONS@) do (
  if not defined PY (
    py -%%V -c "import sys" >nul 2>&1 && set "PY=py -%%V"
  )
)
if not defined PY (
  py -3 -c "import sys; sys.exit(0 if '%%d.%%d' %% sys.version_info[:2] in '@PYTHONS@'.split() else 1)" >nul 2>&1 && set "PY=py -3"
)
if not defined PY (
  python -c "import sys; sys.exit(0 if '%%d.%%d' %% sys.version_info[:2] in '@PYTHONS@'.split() else 1)" >nul 2>&1 && set "PY=python"
)
if not defined PY (
  echo install.bat: no Python @PYTHONS@ found; install one from python.org first ^(tick "Add python.exe to PATH"^)
  set "RC=2"
  goto :end
)

echo install.bat: %PY% -^> "%VENV%"
if exist "%VENV%\Scripts\python.exe" (
  echo install.bat: updating the environment in "%VENV%"
) else (
  %PY% -m venv "%VENV%" || (set "RC=1" & goto :end)
)
"%VENV%\Scripts\python.exe" -m pip install --disable-pip-version-check --no-input --no-index --find-links "%HERE%." -r "%HERE%requirements.txt" || (set "RC=1" & goto :end)
for %%W in ("%HERE%slrt_sim-*.whl") do (
  "%VENV%\Scripts\python.exe" -m pip install --disable-pip-version-check --no-input --no-index --no-deps --force-reinstall "%%~fW" || (set "RC=1" & goto :end)
)

set "START=%VENV%\Mulai kelas SLRT.bat"
> "%START%" echo @echo off
>> "%START%" echo rem Mulai kelas SLRT: serve the class ^(double-click; Ctrl+C stops it^).
>> "%START%" echo "%VENV%\Scripts\slrt-sim.exe" serve
>> "%START%" echo pause
rem The Desktop may be OneDrive's: ask Windows where it is.
set "DESKTOP=%USERPROFILE%\Desktop"
for /f "usebackq delims=" %%D in (`powershell -NoProfile -Command "[Environment]::GetFolderPath('Desktop')"`) do set "DESKTOP=%%D"
if exist "%DESKTOP%" copy /y "%START%" "%DESKTOP%\Mulai kelas SLRT.bat" >nul

echo.
echo Done. To serve the class, double-click "Mulai kelas SLRT" (on the Desktop), or run, in cmd or PowerShell:
echo     cmd /c "%START%"

:end
if not "%RC%"=="0" echo install.bat: FAILED ^(code %RC%^); read the messages above.
if not defined SLRT_NO_PAUSE pause
endlocal & exit /b %RC%
