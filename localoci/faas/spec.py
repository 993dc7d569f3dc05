"""The hello API's deployment specification, kept once for both targets.

``functions/hello/api_deployment.json`` is OCI's own ApiSpecification JSON with the
placeholder ``${HELLO_FUNCTION_OCID}`` where the function's OCID goes.  On OCI a learner can
fill it in with ``envsubst`` and pass ``--specification file://...`` to ``oci api-gateway
deployment create``; notebooks and localoci fill it in with :func:`load_deployment_spec`.
Importable without ``fdk`` or a server.

>>> spec = load_deployment_spec("ocid1.fnfunc.oc1.local.example")
>>> spec["routes"][0]["backend"]["functionId"]
'ocid1.fnfunc.oc1.local.example'
>>> [(r["path"], r["methods"]) for r in spec["routes"]]
[('/hello', ['POST']), ('/health', ['GET'])]
"""

from __future__ import annotations

import json
from pathlib import Path

PLACEHOLDER = "${HELLO_FUNCTION_OCID}"
PATH_PREFIX = "/v1"
HELLO_DIR = Path(__file__).resolve().parents[2] / "functions" / "hello"
SPEC_FILE = HELLO_DIR / "api_deployment.json"


def load_deployment_spec(function_id: str, path: str | Path | None = None) -> dict:
    """The specification with ``function_id`` in place of the placeholder, as a dict.

    Raises ``FileNotFoundError`` naming the file if it is missing, and ``ValueError`` if the
    file has no placeholder to fill (so a spec with a stale OCID is not deployed silently).
    """
    spec_path = Path(path) if path else SPEC_FILE
    text = spec_path.read_text()
    if PLACEHOLDER not in text:
        raise ValueError(f"{spec_path} has no {PLACEHOLDER} placeholder to fill in")
    return json.loads(text.replace(PLACEHOLDER, function_id))
