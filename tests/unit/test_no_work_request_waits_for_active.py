"""Nothing in the lab waits for a *work request* to become ACTIVE.

Oracle's own ``examples/stream_example.py`` calls
``create_stream_and_wait_for_state(details, wait_for_states=[Stream.LIFECYCLE_STATE_ACTIVE])``.
With today's SDK that composite waits on the work request, whose status is ACCEPTED,
IN_PROGRESS, SUCCEEDED or FAILED -- never ACTIVE -- so it waits until its timeout (localoci
COVERAGE.md tells people who bring that example).  The lab's code, solutions and notebooks are
parsed here; a composite ``*_and_wait_for_state`` call whose states name ACTIVE fails.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _names_active(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and sub.value == "ACTIVE":
            return True
        if isinstance(sub, ast.Attribute) and sub.attr.endswith("_ACTIVE"):
            return True
    return False


def waits_for_active(source: str) -> list[int]:
    """Lines of composite ``*_and_wait_for_state`` calls that wait for ACTIVE."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if not node.func.attr.endswith("_and_wait_for_state"):
            continue
        states = [kw.value for kw in node.keywords if kw.arg == "wait_for_states"]
        states += node.args[1:2]
        if any(_names_active(s) for s in states):
            found.append(node.lineno)
    return found


def _lab_sources() -> list[tuple[str, str]]:
    out = []
    for top in ("labhelpers", "notebooks/solutions", "bench", "tools"):
        for path in sorted((ROOT / top).rglob("*.py")):
            out.append((str(path.relative_to(ROOT)), path.read_text()))
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(nb.read_text())["cells"]):
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
                out.append((f"{nb.name} cell {i}", "\n".join(lines)))
    return out


def test_nothing_in_the_lab_waits_for_a_work_request_to_become_active():
    bad = [f"{name}:{line}" for name, src in _lab_sources() for line in waits_for_active(src)]
    assert not bad, (
        "a composite *_and_wait_for_state waits on a work request (SUCCEEDED/FAILED), which is "
        f"never ACTIVE: {bad}"
    )


def test_rule_oracles_stream_example_pattern_is_caught():
    example = (
        "composite.create_stream_and_wait_for_state(details,\n"
        "    wait_for_states=[oci.streaming.models.StreamSummary.LIFECYCLE_STATE_ACTIVE])\n"
    )
    assert waits_for_active(example) == [1]
    assert waits_for_active("ops.create_stream_and_wait_for_state(d, ['ACTIVE'])") == [1]
    assert (
        waits_for_active("ops.create_stream_and_wait_for_state(d, ['SUCCEEDED', 'FAILED'])") == []
    )
