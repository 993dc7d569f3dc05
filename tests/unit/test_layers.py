"""labhelpers' layers, read from the source (ast), not from what happens to be imported:
the module map in ``labhelpers/__init__``'s docstring (and ``labhelpers/report``'s) is the law,
there are no import cycles, labhelpers never imports localoci, every exception is a LabError
and the docstring's exception tree names each one."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import labhelpers
from labhelpers.errors import LabError

PKG = Path(labhelpers.__file__).resolve().parent
# The deployed function is not part of labhelpers: it runs alone in a Functions container.
FUNCTION_DIRS = {PKG / "functions" / "hello"}
MAP_LINE = re.compile(r"^ {4}(\S+)\s+<-\s+(.+?)(?:\s{2,}.*)?$")


def _modules() -> dict[str, Path]:
    """Dotted name (``labhelpers.report.page``) -> file, for every module of the package."""
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        if any(d in path.parents for d in FUNCTION_DIRS):
            continue
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(
    module: str, path: Path, node: ast.ImportFrom | ast.Import, modules: dict[str, Path]
) -> list[str]:
    """The modules one import statement loads (a name imported from a package that is a
    submodule counts as that submodule)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if node.level:
        base = package.split(".")
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    found = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
    if len(found) < len(node.names):
        found.append(target)
    return found


def _imports(module: str, modules: dict[str, Path]) -> set[str]:
    path = modules[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out: set[str] = set()
    for node in ast.walk(tree):  # function-level (lazy) imports are dependencies too
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.update(_resolve(module, path, node, modules))
    return out


def _internal(module: str, modules: dict[str, Path]) -> set[str]:
    return {
        m for m in _imports(module, modules) if m == "labhelpers" or m.startswith("labhelpers.")
    }


def _layer_map(package: str) -> dict[str, set[str]]:
    doc = importlib.import_module(package).__doc__ or ""
    rules = {}
    for line in doc.splitlines():
        m = MAP_LINE.match(line)
        if m:
            allowed = m.group(2).strip()
            rules[m.group(1)] = (
                set() if allowed == "(nothing)" else {a.strip() for a in allowed.split(",")}
            )
    assert rules, f"{package}'s docstring has no module map"
    return rules


def _node(module: str, package: str) -> str:
    """``labhelpers.report.page`` seen from ``labhelpers`` is ``report``; from ``labhelpers.report``, ``page``."""
    return module[len(package) + 1 :].split(".")[0]


MAPPED = ["labhelpers", "labhelpers.report"]


def layer_violations(package: str, modules: dict[str, Path]) -> list[str]:
    """Imports inside ``package`` that its map does not allow (a package's own ``__init__`` is
    its facade: the parent's map governs it)."""
    rules = _layer_map(package)
    bad = []
    for module in modules:
        if not module.startswith(package + "."):
            continue
        me = _node(module, package)
        for target in _internal(module, modules):
            if target == package:
                bad.append(
                    f"{module} imports the package {package} itself (import the module instead)"
                )
            elif target.startswith(package + "."):
                other = _node(target, package)
                if other != me and other not in rules.get(me, set()):
                    bad.append(
                        f"{module} imports {target}, which {me!r} may not import "
                        f"(allowed: {sorted(rules.get(me, set()))})"
                    )
    return bad


def import_cycles(modules: dict[str, Path]) -> list[list[str]]:
    graph = {m: {t for t in _internal(m, modules) if t in modules and t != m} for m in modules}
    # A package's __init__ importing its own modules is how packages work, not a cycle;
    # a module importing its package's __init__ back is one (and stays in the graph).
    for m, path in modules.items():
        if path.name == "__init__.py":
            graph[m] = {t for t in graph[m] if not t.startswith(m + ".")}
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(m: str, stack: list[str]) -> None:
        state[m] = "open"
        for t in sorted(graph[m]):
            if state.get(t) == "open":
                cycles.append(stack[stack.index(t) :] + [t])
            elif t not in state:
                visit(t, stack + [t])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return cycles


@pytest.mark.parametrize("package", MAPPED)
def test_every_module_is_in_its_packages_map(package):
    rules = _layer_map(package)
    children = {_node(m, package) for m in MODULES if m.startswith(package + ".")}
    assert children - set(rules) == set(), (
        f"add {sorted(children - set(rules))} to {package}'s module map"
    )
    assert set(rules) - children == set(), (
        f"{package}'s map names modules that do not exist: {sorted(set(rules) - children)}"
    )
    named = set().union(*rules.values())
    assert named <= set(rules), (
        f"{package}'s map allows imports of unknown modules {sorted(named - set(rules))}"
    )


@pytest.mark.parametrize("package", MAPPED)
def test_modules_import_only_what_the_map_allows(package):
    assert layer_violations(package, MODULES) == []


def test_there_is_no_import_cycle_inside_labhelpers():
    assert import_cycles(MODULES) == []


def test_labhelpers_never_imports_localoci():
    found = {
        m: sorted(t for t in _imports(m, MODULES) if t == "localoci" or t.startswith("localoci."))
        for m in MODULES
    }
    for d in FUNCTION_DIRS:  # nor does the function it ships
        for path in d.rglob("*.py"):
            found[str(path)] = [
                t
                for t in _imports(str(path), {str(path): path})
                if t == "localoci" or t.startswith("localoci.")
            ]
    assert {m: t for m, t in found.items() if t} == {}


def test_the_checks_find_a_planted_upward_import_and_a_planted_cycle(tmp_path):
    (tmp_path / "encoding.py").write_text("from .consume import consume\n")
    (tmp_path / "consume.py").write_text(
        "def f():\n    from .encoding import b64encode  # lazy counts too\n"
    )
    planted = {
        **MODULES,
        "labhelpers.encoding": tmp_path / "encoding.py",
        "labhelpers.consume": tmp_path / "consume.py",
    }
    assert any(
        "labhelpers.encoding imports labhelpers.consume" in v
        for v in layer_violations("labhelpers", planted)
    )
    assert ["labhelpers.consume", "labhelpers.encoding", "labhelpers.consume"] in import_cycles(
        planted
    )


# -- one exception root ---------------------------------------------------------------------------


def _exception_classes() -> list[type]:
    found = []
    for module in MODULES:
        mod = importlib.import_module(module)
        for _, obj in inspect.getmembers(mod, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == module:
                found.append(obj)
    return found


EXCEPTIONS = [pytest.param(c, id=c.__name__) for c in _exception_classes()]


@pytest.mark.parametrize("exc", EXCEPTIONS)
def test_every_labhelpers_exception_is_a_lab_error(exc):
    assert issubclass(exc, LabError)


def test_the_docstring_tree_names_every_exception_and_nothing_else():
    doc = labhelpers.__doc__
    tree = doc[doc.index("Exceptions (each message names the fix)::") :]
    named = set(re.findall(r"^\s+(?:[│├└─ ]+)?([A-Z]\w+)\s{2,}", tree, re.M))
    defined = {c.__name__ for c in _exception_classes()}
    assert named == defined


def test_exceptions_keep_the_builtin_bases_callers_catch():
    from labhelpers import errors

    assert issubclass(errors.DecodeError, ValueError)
    for name in (
        "LabConfigError",
        "StreamError",
        "PublishError",
        "ConsumeError",
        "GatewaySetupError",
        "ReportError",
        "NotebookNotFound",
        "ChromiumNotFound",
    ):
        assert issubclass(getattr(errors, name), RuntimeError), name


# -- size --------------------------------------------------------------------------------------------

LONG = 400


def test_a_module_over_400_lines_says_at_its_top_why():
    unexplained = []
    for module, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").count("\n")
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if lines > LONG and "Why one long module" not in doc:
            unexplained.append(f"{module}: {lines} lines")
    assert not unexplained, (
        "split these, or say in the docstring 'Why one long module ...': " + ", ".join(unexplained)
    )
