"""The import graph of ``facilitate`` (issue 17): no import circle between modules, and the
packages stacked in the layers below, each importing only from its own layer and those under
it, but for at most two arrows back up (written down in ``ALLOWED_UPWARD``).

Every import counts, those inside functions too: a circle hidden in a function is still one.
Run ``python -m tests.test_architecture`` to print the numbers."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "facilitate"

#: The packages (and top-level modules) of ``facilitate``, ground floor first. A package may
#: import from its own layer and the ones below it.
LAYERS = (
    # The ground floor: app-wide errors, messages, tokens, time, texts, the extensions.
    {"core", "extensions", "config"},
    # Who people are and what the module files say.
    {"auth", "content"},
    # The step-kind protocol, below every feature that uses step kinds.
    {"steps"},
    # Authored modules and their versions; circles follow a module.
    {"authoring"},
    {"circles"},
    # Live sessions: joining, answering, snapshots, the /live namespace and its hooks.
    {"sessions"},
    # Features that plug into sessions through its hooks.
    {"dialogue", "quiz"},
    # Features that read everything below: files, analysis, transfer, the REST API, the home
    # page with the module library.
    {"exports", "analysis", "sync", "api", "home"},
    # The app itself: the factory (``facilitate/__init__.py``), the CLI, the migrations and the
    # analysis worker's entry point (a process that builds the app).
    {"__init__", "cli", "migrations", "analysis_worker"},
)

#: Imports that may run back up, as (importing module, imported module). Reading and writing
#: the module files asks each step's kind for its own keys and checks: the loader and the
#: document writer are the two places content meets the kinds it describes (the kinds depend
#: on the content model, not on these two modules, so there is no circle).
ALLOWED_UPWARD: frozenset[tuple[str, str]] = frozenset(
    {
        ("facilitate.content.loader", "facilitate.steps"),
        ("facilitate.content.document", "facilitate.steps"),
    }
)
#: At most this many, whatever the list above says (issue 17).
MAX_UPWARD = 2


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(module: str) -> int:
    package = _package(module)
    for index, layer in enumerate(LAYERS):
        if package in layer:
            return index
    raise AssertionError(f"{module}: package {package!r} is in no layer of LAYERS")


def _resolve(module: str, is_package: bool, node: ast.ImportFrom, known: dict) -> set[str]:
    """The ``facilitate`` modules a ``from ... import ...`` takes something from: the modules
    it names (``from . import scoring``), else the one it imports names from (as Python does,
    importing a module's packages on the way is not counted)."""
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    named = {f"{target}.{alias.name}" for alias in node.names} & known.keys()
    if len(named) < len(node.names):
        named.add(target)
    return named


def import_graph() -> dict[str, set[str]]:
    """Every ``facilitate`` module with the ``facilitate`` modules it imports."""
    files = {_module_name(p): p for p in ROOT.rglob("*.py") if "migrations/versions" not in str(p)}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = _resolve(module, path.name == "__init__.py", node, files)
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            imported |= {n for n in names if n in files and n != module}
        graph[module] = imported
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other round a circle (Tarjan's strongly
    connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def upward(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports from a module into a higher layer's module."""
    return sorted(
        (module, other)
        for module, imported in graph.items()
        for other in imported
        if _layer(other) > _layer(module)
    )


def test_no_import_circle():
    assert circles(import_graph()) == []


def test_imports_run_down_the_layers():
    arrows = upward(import_graph())
    assert [a for a in arrows if a not in ALLOWED_UPWARD] == []
    assert len(arrows) <= MAX_UPWARD


def test_every_package_has_a_layer():
    for module in import_graph():
        _layer(module)


if __name__ == "__main__":
    graph = import_graph()
    found, arrows = circles(graph), upward(graph)
    print(f"modules: {len(graph)}, imports: {sum(map(len, graph.values()))}")
    print(f"circles: {len(found)}")
    for group in found:
        print("  " + " <-> ".join(group))
    print(f"upward imports: {len(arrows)}")
    for module, other in arrows:
        print(f"  {module} -> {other}")
