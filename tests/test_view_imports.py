"""The views import one another in one direction only, and never each other's private names.

Read from the source (every import, at the top or inside a function), so a cycle hidden in a
function body fails here too.
"""

import ast
from pathlib import Path

import takedown.web.views as views

VIEWS = Path(views.__file__).parent
PACKAGE = "takedown.web.views"


def _imports(path: Path) -> list[tuple[str, str]]:
    """(view module, name) for every name a module imports from another view module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            found += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE + "."):
            module = node.module.removeprefix(PACKAGE + ".")
            found += [(module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name.removeprefix(PACKAGE + "."), "") for alias in node.names
                      if alias.name.startswith(PACKAGE + ".")]
    return found


def _graph() -> dict[str, set[str]]:
    modules = {path.stem for path in VIEWS.glob("*.py") if path.stem != "__init__"}
    return {module: {target for target, _ in _imports(VIEWS / f"{module}.py")} & modules
            for module in modules}


def test_the_views_import_each_other_without_a_cycle():
    graph = _graph()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]):
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for target in graph[module]:
            visit(target, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    assert "carried" in graph and not graph["carried"]  # what the others share imports none


def test_no_view_imports_another_views_private_names():
    for path in VIEWS.glob("*.py"):
        private = [f"{module}.{name}" for module, name in _imports(path) if name.startswith("_")]
        assert not private, f"{path.name} imports {private}"
