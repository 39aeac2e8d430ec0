"""The domain modules import without Flask: they can be used, and tested, without the web app.

ruff's banned-api rule (pyproject.toml) keeps Flask and takedown.web out of every module
outside takedown/web/; this checks what that rule cannot see, the imports of imports.
"""

import pkgutil
import subprocess
import sys

import takedown
from takedown import ROOT

DOMAIN_MODULES = sorted(f"takedown.{info.name}" for info in pkgutil.iter_modules(takedown.__path__)
                        if info.name != "web")


def _flask_modules_after_importing(modules) -> str:
    code = (f"import sys, {', '.join(modules)}; "
            "print(sorted(name for name in sys.modules if name.split('.')[0] == 'flask'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_every_domain_module_does_not_import_flask():
    assert "takedown.case" in DOMAIN_MODULES and "takedown.letters" in DOMAIN_MODULES
    assert _flask_modules_after_importing(DOMAIN_MODULES) == "[]"


def test_the_check_would_see_flask():
    """The same check on the package that builds the app finds Flask."""
    assert _flask_modules_after_importing(["takedown.web"]) != "[]"
