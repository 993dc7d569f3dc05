"""The functions the lab deploys, shipped inside labhelpers: today one, ``hello``.

``hello/`` is the function's own folder, the one copy there is, deployable as it is:

* ``func.py``, ``func.yaml``, ``requirements.txt``: what ``fn deploy`` builds for OCI Functions,
  and what localoci's Functions stand-in runs through the same FDK;
* ``api_deployment.json``: the API Gateway deployment in front of it, OCI's own
  ApiSpecification JSON with the placeholder ``${HELLO_FUNCTION_OCID}`` where the function's
  OCID goes.  On OCI a learner fills it in with ``envsubst`` and passes ``--specification
  file://...`` to ``oci api-gateway deployment create``; :func:`load_deployment_spec` fills it in
  for ``deploy_hello`` and for tests.

It is package data (``importlib.resources``), so it is found the same way from a checkout
(``make lab``, an editable install) and from an installed wheel: :data:`HELLO_DIR` is a real
directory either way, the one to ``cd`` into for ``fn deploy``.  Importable without ``fdk`` or a
server: nothing here imports the function.

>>> spec = load_deployment_spec("ocid1.fnfunc.oc1.local.example")
>>> spec["routes"][0]["backend"]["functionId"]
'ocid1.fnfunc.oc1.local.example'
>>> [(r["path"], r["methods"]) for r in spec["routes"]]
[('/hello', ['POST']), ('/health', ['GET'])]
>>> sorted(p.name for p in HELLO_DIR.iterdir() if not p.name.startswith((".", "_")))
['api_deployment.json', 'func.py', 'func.yaml', 'requirements.txt']
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

__all__ = ["HELLO_DIR", "PATH_PREFIX", "PLACEHOLDER", "SPEC_FILE", "load_deployment_spec"]

PLACEHOLDER = "${HELLO_FUNCTION_OCID}"
#: The deployment's path prefix unless the learner chooses one (``$LAB_PATH_PREFIX``).
PATH_PREFIX = "/v1"
# Package data lives on the file system for a checkout and for a wheel installed by pip or uv
# (neither installs zipped), so the Traversable is a real directory: fn and localoci need a path.
HELLO_DIR = Path(str(files(__name__) / "hello"))
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
