"""The layers of localoci, as ``localoci/__init__.py`` draws them, checked by parsing every
module's imports (``ast``): each rule below fails when a line breaks it, and the ``rule_*``
tests prove that by feeding the checker a module that breaks it.

* each layer imports only the layers below it; the streaming modules never import ``faas``;
* no SQL outside the store (no ``.execute(``, no ``.conn``, no ``sqlite3``);
* no HTTP names in the operations (no ``starlette``, no ``wire``, no ``opc-*`` header names);
* labhelpers never imports localoci; localctl imports only the standard library;
* no module over 400 lines without a reason written at its top.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400
LONG_REASON = re.compile(r"longer than 400 lines", re.IGNORECASE)

# -- the map: which group each localoci module is in, and what each group may import ---------------

GROUPS: dict[str, tuple[str, ...]] = {
    "process": (
        "localoci.__main__",
        "localoci.app",
        "localoci.server",
        "localoci.cli",
        "localoci.process",
        "localoci.faas",
        "localoci.identity",
        "localoci.regional",
        "localoci.kafka_side",
        "localoci.kafka_config",
    ),
    "wire": (
        "localoci.wire",
        "localoci.routes",
        "localoci.control_routes",
        "localoci.faas.routes",
        "localoci.faas.gateway",
        "localoci.kafka",
        "localoci.identity.routes",
        "localoci.proxy",
    ),
    "ops": ("localoci.ops", "localoci.faas.ops", "localoci.identity.ops"),
    "domain": (
        "localoci.service",
        "localoci.groups",
        "localoci.bootstrap",
        "localoci.faas.state",
        "localoci.faas.runtime",
        "localoci.faas.fncall",
        "localoci.faas.models",
        "localoci.identity.models",
    ),
    "store": ("localoci.store", "localoci.faas.store", "localoci.identity.store"),
    "base": (
        "localoci.errors",
        "localoci.timefmt",
        "localoci.ids",
        "localoci.clock",
        "localoci.limits",
        "localoci.cursors",
        "localoci.auth",
        "localoci.lifecycle",
        "localoci.certs",
        "localoci.region",
    ),
    "fnhost": ("localoci.faas.fnhost",),
}
MAY_IMPORT = {
    "process": set(GROUPS),
    "wire": {"wire", "ops", "domain", "base"},
    "ops": {"ops", "domain", "store", "base"},
    "domain": {"domain", "store", "base"},
    "store": {"store", "base"},
    "base": {"base"},
    "fnhost": set(),
}
# Libraries that mark a layer: only the groups named may import them.
ONLY_IN = {
    "starlette": {"wire"},
    "kafka": {"wire"},  # kafka-python's protocol classes: the Kafka wire only
    "uvicorn": {"process"},
    "localctl": {"process"},
    "sqlite3": {"store", "process"},  # process: server.py catches sqlite3.Error at start-up
    "fdk": {"fnhost"},
}
STORE_GROUP = "store"
OPS_HTTP_NAMES = {"WireRequest", "WireResponse", "Route"}
HEADER_NAME = re.compile(r"^opc-[a-z0-9-]+$", re.IGNORECASE)
SQL_CALLS = {"execute", "executemany", "executescript"}

# labhelpers modules allowed to import localoci: none (labhelpers talks to it over HTTP, and
# to its control endpoints through localctl).  test_the_allowance_is_not_stale keeps it honest.
LABHELPERS_ALLOWANCE: set[str] = set()


def group_of(module: str) -> str:
    if module == "localoci":
        return "base"  # the package itself: its docstring and __version__
    best, length = None, -1
    for group, prefixes in GROUPS.items():
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                best, length = group, len(prefix)
    if best is None:
        raise AssertionError(
            f"{module} is in no layer: add it to GROUPS here and to localoci/__init__.py"
        )
    return best


def module_name(rel: str) -> str:
    parts = rel.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _known_modules() -> set[str]:
    return {
        module_name(p.relative_to(ROOT).as_posix())
        for top in ("localoci", "localctl", "labhelpers")
        for p in (ROOT / top).rglob("*.py")
    }


KNOWN = _known_modules()


def _type_checking_only(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST):
    """Every node, except what sits under ``if TYPE_CHECKING:`` (annotations only)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking_only(child):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def imports(rel: str, tree: ast.AST) -> list[tuple[str, int]]:
    """The modules ``rel`` imports at run time, absolute, with line numbers."""
    name = module_name(rel)
    package = name if rel.endswith("__init__.py") else name.rpartition(".")[0]
    out = []
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for a in node.names:
                candidate = f"{base}.{a.name}"
                out.append((candidate if candidate in KNOWN else base, node.lineno))
    return out


def violations(rel: str, source: str) -> list[str]:
    """Every rule ``rel`` (a path from the repository root) breaks."""
    tree = ast.parse(source)
    found: list[str] = []
    top = rel.split("/")[0]
    lines = source.count("\n") + 1
    if (
        top == "localoci"
        and lines > MAX_LINES
        and not LONG_REASON.search(ast.get_docstring(tree) or "")
    ):
        found.append(
            f"{rel}: {lines} lines; split it, or say at its top why it is longer than 400 lines"
        )
    for target, lineno in imports(rel, tree):
        root = target.split(".")[0]
        where = f"{rel}:{lineno}"
        if top == "labhelpers" and root == "localoci" and rel not in LABHELPERS_ALLOWANCE:
            found.append(
                f"{where}: labhelpers imports {target} (talk to localoci over HTTP, through localctl)"
            )
        if top == "localctl" and root not in sys.stdlib_module_names and root != "localctl":
            found.append(f"{where}: localctl imports {target} (standard library only)")
    if top != "localoci":
        return found
    me = module_name(rel)
    mine = group_of(me)
    for target, lineno in imports(rel, tree):
        where = f"{rel}:{lineno}"
        root = target.split(".")[0]
        if root in ONLY_IN and mine not in ONLY_IN[root]:
            found.append(
                f"{where}: {mine} module imports {root} (only {', '.join(sorted(ONLY_IN[root]))} may)"
            )
        if root != "localoci":
            continue
        theirs = group_of(target)
        if theirs not in MAY_IMPORT[mine]:
            found.append(
                f"{where}: {mine} module imports {target} ({theirs}): a layer imports only those below it"
            )
        if (
            not me.startswith("localoci.faas")
            and target.startswith("localoci.faas")
            and mine != "process"
        ):
            found.append(f"{where}: streaming module imports {target}: only the app wires faas in")
    for node in _runtime_nodes(tree):
        if mine != STORE_GROUP:
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS
            ):
                found.append(
                    f"{rel}:{node.lineno}: .{node.func.attr}( outside the store: add a store method"
                )
            if isinstance(node, ast.Attribute) and node.attr == "conn":
                found.append(f"{rel}:{node.lineno}: .conn outside the store: add a store method")
        if mine == "ops":
            if (
                isinstance(node, ast.Name | ast.Attribute)
                and (getattr(node, "id", None) or getattr(node, "attr", None)) in OPS_HTTP_NAMES
            ):
                found.append(
                    f"{rel}:{node.lineno}: HTTP name in an operation; return plain values, map them in the routes"
                )
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and HEADER_NAME.match(node.value)
            ):
                found.append(
                    f"{rel}:{node.lineno}: header name {node.value!r} in an operation; the routes name headers"
                )
    return found


def sources(top: str) -> list[Path]:
    return sorted((ROOT / top).rglob("*.py"))


# -- the rules, on the code as it is ----------------------------------------------------------------


@pytest.mark.parametrize("top", ["localoci", "localctl", "labhelpers"])
def test_every_module_keeps_the_layer_rules(top):
    found = [
        v for p in sources(top) for v in violations(p.relative_to(ROOT).as_posix(), p.read_text())
    ]
    assert not found, "\n".join(found)


def test_every_localoci_module_is_in_a_layer():
    for p in sources("localoci"):
        group_of(module_name(p.relative_to(ROOT).as_posix()))


def test_the_allowance_is_not_stale():
    for rel in LABHELPERS_ALLOWANCE:
        tree = ast.parse((ROOT / rel).read_text())
        assert any(t.split(".")[0] == "localoci" for t, _ in imports(rel, tree)), (
            f"{rel} no longer imports localoci: remove it from LABHELPERS_ALLOWANCE"
        )


# -- the checker catches each kind of break ---------------------------------------------------------


def test_rule_an_operation_importing_the_wire_is_caught():
    src = "from ..wire import WireRequest\n\ndef op(r: WireRequest):\n    return r\n"
    found = violations("localoci/ops/create_thing.py", src)
    assert any("imports localoci.wire" in v for v in found) and any("HTTP name" in v for v in found)


def test_rule_an_operation_naming_a_header_is_caught():
    src = "def op():\n    return {}, {'opc-work-request-id': 'x'}\n"
    assert any("header name" in v for v in violations("localoci/faas/ops/create_thing.py", src))


def test_rule_an_operation_importing_starlette_is_caught():
    assert any(
        "imports starlette" in v
        for v in violations("localoci/ops/x.py", "import starlette.requests\n")
    )


def test_rule_sql_outside_the_store_is_caught():
    src = "def f(svc):\n    svc.store.conn.execute('DELETE FROM groups')\n"
    found = violations("localoci/service.py", src)
    assert any(".execute(" in v for v in found) and any(".conn" in v for v in found)
    assert any("imports sqlite3" in v for v in violations("localoci/groups.py", "import sqlite3\n"))


def test_rule_the_store_importing_a_layer_above_is_caught():
    assert any(
        "a layer imports only those below it" in v
        for v in violations("localoci/store/database.py", "from ..service import Service\n")
    )


def test_rule_streaming_code_importing_faas_is_caught():
    assert any(
        "only the app wires faas in" in v
        for v in violations("localoci/routes.py", "from .faas.routes import build_routes\n")
    )


def test_rule_a_type_checking_import_is_not_a_run_time_import():
    src = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .faas.state import Faas\n"
    assert violations("localoci/service.py", src) == []


def test_rule_labhelpers_importing_localoci_is_caught():
    assert violations("labhelpers/widgets.py", "from localoci.store import Stream\n")


def test_rule_localctl_importing_beyond_the_standard_library_is_caught():
    assert violations("localctl/client.py", "import requests\n")
    assert violations("localctl/client.py", "from localoci import errors\n")


def test_rule_a_long_module_needs_a_reason_at_its_top():
    body = "x = 1\n" * (MAX_LINES + 1)
    assert violations("localoci/limits.py", '"""Limits."""\n' + body)
    assert not violations(
        "localoci/limits.py", '"""Limits: longer than 400 lines because of X."""\n' + body
    )
