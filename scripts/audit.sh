#!/usr/bin/env bash
# Check both locks (requirements.txt, what the app runs on; requirements-dev.txt, the test
# tools; and requirements-tools.txt, the compiler) against PyPI's vulnerability data (pip-audit).
# A found vulnerability fails; an audit that cannot reach the service, or pins
# PyPI has no data for, print a warning saying what was not audited (README, Tests).
set -uo pipefail
cd "$(dirname "$0")/.."
locks=(requirements.txt requirements-dev.txt requirements-tools.txt)
echo "pip-audit: checking ${locks[*]} against PyPI's vulnerability data"
out=$(.venv/bin/pip-audit "${locks[@]/#/-r}" --progress-spinner off --require-hashes --disable-pip 2>&1)
status=$?
skipped=$(printf '%s\n' "$out" | grep -c 'could not be audited')
if printf '%s\n' "$out" | grep -qE '^Found [0-9]+ known vulnerabilit'; then
  printf '%s\n' "$out" | grep -v '^WARNING:pip_audit'
  echo "pip-audit: FAILED: upgrade the packages named above (make requirements COMPILE_EXTRA=\"--upgrade-package NAME\")"
  exit 1
elif [ "$status" -ne 0 ]; then
  printf '%s\n' "$out" | tail -n 1
  echo "pip-audit: WARNING: could not reach the vulnerability service; NOT audited. Running the tests anyway."
elif [ "$skipped" -gt 0 ]; then
  echo "pip-audit: WARNING: PyPI had no vulnerability data for $skipped of the pinned packages; they were NOT audited. Running the tests anyway."
else
  echo "pip-audit: no known vulnerabilities in ${locks[*]}"
fi
