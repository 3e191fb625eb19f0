"""The import structure stays honest (issue 12): no import cycles between modules, and no ``hdms``
import hidden inside a function body unless a comment right above it says why (a genuine cycle, a
heavy optional import, or settings time, such as an ``AppConfig.ready``).

Import-linter checks each app's layers and, with ``acyclic_siblings``, cycles inside an app; the
cycles across apps (``communication.selectors`` <-> ``tickets.selectors`` was one) are checked here.
"""

import ast
from pathlib import Path

import grimp

BACKEND = Path(__file__).resolve().parents[3]

def _is_outside_tests(path: Path) -> bool:
    return "tests" not in path.parts and "migrations" not in path.parts


def _comment_above_block(lines: list[str], lineno: int) -> bool:
    """Whether a comment stands right above the run of import lines that holds line ``lineno``."""
    index = lineno - 2
    while index >= 0 and lines[index].strip().startswith(("from ", "import ")):
        index -= 1
    return index >= 0 and lines[index].strip().startswith("#")


def unexplained_function_imports(source: str, package: str = "hdms") -> list[tuple[int, str]]:
    """``(line, module)`` of each import of ``package`` (or relative import) inside a function body
    with no comment on its own line or right above its run of imports."""
    lines = source.splitlines()
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                if isinstance(child, ast.Import):
                    modules = [alias.name for alias in child.names]
                else:
                    modules = ["." * child.level + (child.module or "")]
                ours = [m for m in modules if m == package or m.startswith((f"{package}.", "."))]
                explained = "#" in lines[child.lineno - 1] or _comment_above_block(lines, child.lineno)
                if ours and not explained:
                    found.extend((child.lineno, module) for module in ours)
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(source), False)
    return found


def test_the_scan_finds_an_unexplained_import_in_a_function():
    source = (
        "from hdms.core import errors\n"
        "def a():\n    from hdms.users.selectors import user_get\n"
        "def b():\n    # Settings-time: needs the app registry.\n    from hdms.users import models\n"
        "class C:\n    def c(self):\n        import hdms.files.storage\n        from . import sibling\n"
        "def d():\n    import json\n"
        "def e():\n    # Settings time.\n    from hdms.users import models\n    from hdms.files import storage\n"
        "def f():\n    # Settings time.\n    from hdms.users import models\n\n    from hdms.files import storage\n"
    )
    assert unexplained_function_imports(source) == [(3, "hdms.users.selectors"), (9, "hdms.files.storage"),
                                                     (10, "."),
                                                     (21, "hdms.files")]


def test_no_unexplained_hdms_import_inside_a_function():
    scanned = 0
    located = []
    for path in sorted((BACKEND / "hdms").rglob("*.py")):
        if not _is_outside_tests(path):
            continue
        scanned += 1
        relative = path.relative_to(BACKEND).as_posix()
        for line, module in unexplained_function_imports(path.read_text()):
            located.append(f"{relative}:{line} imports {module}")
    assert scanned > 100  # the scan reads the code base, not an empty directory
    assert not located, (
        "Move these imports to the top of their module, or say on the line above why they must stay "
        f"inside the function: {located}"
    )


def _module_graph() -> grimp.ImportGraph:
    graph = grimp.build_graph("hdms", exclude_type_checking_imports=True, cache_dir=None)
    for module in list(graph.modules):
        if ".tests" in module or ".migrations" in module:
            graph.remove_module(module)
    return graph


def module_cycles(graph: grimp.ImportGraph) -> set[str]:
    """One chain per direct import that its imported module leads back from."""
    cycles = set()
    for importer in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(importer):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.add(" -> ".join((importer, *back)))
    return cycles


def test_no_import_cycle_between_modules():
    graph = _module_graph()
    assert len(graph.modules) > 100
    assert not module_cycles(graph)


def test_the_cycle_check_sees_a_cycle():
    graph = _module_graph()
    graph.add_import(importer="hdms.core.errors", imported="hdms.communication.selectors")
    assert "hdms.core.errors -> hdms.communication.selectors -> hdms.core.errors" in module_cycles(graph)
