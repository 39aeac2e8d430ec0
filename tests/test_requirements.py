"""The two locks: the app's runtime lock names everything it imports and no test tool."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_CODE = [*ROOT.joinpath("takedown").rglob("*.py"), *ROOT.joinpath("deploy").rglob("*.py"),
                ROOT / "app.py", ROOT / "gunicorn.conf.py"]
TEST_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "playwright", "axe-playwright-python",
              "schemathesis", "ruff", "pip-audit", "pypdf", "beautifulsoup4", "jsonschema",
              "openapi-spec-validator"}


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _roots(in_file: str) -> set[str]:
    lines = (ROOT / in_file).read_text().splitlines()
    return {_name(line.split("#")[0].strip()) for line in lines
            if line.split("#")[0].strip() and not line.startswith("-")}


def _pins(txt_file: str) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / txt_file).read_text(), re.MULTILINE)
    return {_name(name): version for name, version in pins}


def _imported_modules() -> set[str]:
    modules = set()
    for path in RUNTIME_CODE:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"takedown", "deploy"}


def test_every_package_the_app_imports_is_a_runtime_root():
    distributions = packages_distributions()
    imported = {_name(dist) for module in _imported_modules() for dist in distributions[module]}
    assert imported, "found no third-party import: the walk is broken"
    assert imported <= _roots("requirements.in"), imported - _roots("requirements.in")


def test_the_runtime_lock_holds_no_test_tool():
    runtime = _pins("requirements.txt")
    assert {"flask", "weasyprint", "gunicorn", "pikepdf"} <= runtime.keys()
    assert not TEST_TOOLS & runtime.keys()
    assert TEST_TOOLS <= _pins("requirements-dev.txt").keys()


def test_the_dev_lock_is_constrained_by_the_runtime_lock():
    assert (ROOT / "requirements-dev.in").read_text().splitlines()[0] == "-c requirements.txt"
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    shared = runtime.keys() & dev.keys()
    assert shared, "no package in both locks: the constraint is untested"
    assert {name: dev[name] for name in shared} == {name: runtime[name] for name in shared}


def test_every_pin_has_its_hashes_and_says_why():
    for lock in ("requirements.txt", "requirements-dev.txt"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text())
        pins = [entry for entry in entries if re.match(r"[A-Za-z0-9_.-]+==", entry)]
        assert len(pins) == len(_pins(lock))
        for pin in pins:
            assert "--hash=sha256:" in pin and "# via" in pin, (lock, pin.splitlines()[0])


def _system_packages(name: str) -> set[str]:
    script = (ROOT / "scripts" / "system-deps.sh").read_text()
    return set(re.search(rf"^{name}=\(([^)]*)\)", script, re.MULTILINE).group(1).split())


def test_the_site_installs_no_system_package_only_the_tests_use():
    run, test = _system_packages("run"), _system_packages("test")
    assert {"chromium-headless-shell", "openjdk-17-jre-headless", "nodejs", "poppler-utils"} <= test
    assert not run & test
    assert {"nginx", "redis-server", "libpango-1.0-0"} <= run
    makefile = (ROOT / "Makefile").read_text()
    assert "$(STAMP_RUN): requirements.txt\n\t@bash scripts/system-deps.sh run\n" in makefile
    assert "scripts/system-deps.sh test" in makefile
