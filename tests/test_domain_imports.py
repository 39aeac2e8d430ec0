"""The domain modules import without Flask: they can be used, and tested, without the web app."""

import subprocess
import sys

import pytest

from takedown import ROOT

DOMAIN_MODULES = ["takedown.case", "takedown.plan", "takedown.letters", "takedown.law",
                  "takedown.platforms", "takedown.services", "takedown.openapi",
                  "takedown.serialize", "takedown.deadlines", "takedown.reminders",
                  "takedown.followups"]


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_importing_a_domain_module_does_not_import_flask(module):
    code = (f"import sys, {module}; "
            "print(sorted(name for name in sys.modules if name.split('.')[0] == 'flask'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"{module} imports {result.stdout.strip()}"


def test_the_check_would_see_flask():
    """The same check on the package that builds the app finds Flask."""
    code = "import sys, takedown.views; print('flask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "True", result.stderr
