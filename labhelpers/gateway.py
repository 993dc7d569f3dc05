"""The hello function behind an API Gateway: deploy it, call it over HTTP, find its event, clean up.

Notebook 04 imports these by name (``from labhelpers.gateway import deploy_hello, ...``).
Every service call is the official SDK's (``FunctionsManagementClient``, ``GatewayClient``,
``DeploymentClient``); calls to the deployment are plain HTTP with ``requests``, as curl or
Postman would make them.

Why one long module (about 750 lines): :func:`deploy_hello`, :func:`undeploy_hello`,
:func:`oci_setup_steps` and :func:`postman_collection` must agree on the same four resources,
their display names, their tags, their routes and the order they are made and removed in, and
the setup steps alone are 60 lines of commands.  Split, one deployment's life would be read
across four files.

What :func:`deploy_hello` does, find-or-create by display name so that it is safe to re-run:

=============  ====================  =======================================================
resource       display name          local target               oci target
=============  ====================  =======================================================
application    ``lab-app``           created                    must exist (``fn create app``)
function       ``hello``             created from the folder    must exist (``fn deploy``), or
                                     :data:`HELLO_DIR`          ``$HELLO_FUNCTION_OCID``
gateway        ``lab-apigw``         created                    must exist, or ``$LAB_GATEWAY_OCID``
deployment     ``lab-hello-api``     created or updated from    same: from the same
                                     ``api_deployment.json``    ``api_deployment.json``
=============  ====================  =======================================================

The function and its ``api_deployment.json`` ship inside labhelpers
(:mod:`labhelpers.functions`: ``HELLO_DIR`` is ``labhelpers/functions/hello/`` in a checkout).
The function's config ``STREAM_OCID`` and ``STREAM_MESSAGES_ENDPOINT`` are set to the lab
stream's (and updated when the stream changed).  Nothing is ever built: on OCI the image is
the one ``fn deploy`` pushed.  :func:`oci_setup_steps` prints what a learner does first.
Waits for a resource's state are the SDK's own (``oci.wait_until``).

Everything created is tagged ``lab=oci-streaming-lab``, ``lab-owner=<you>``;
:func:`undeploy_hello` deletes only resources carrying both tags.  Notebook 04's check,
:func:`labhelpers.checks.check_event_for_name`, reads the events :func:`hello_events` finds.

Exceptions::

    GatewaySetupError   a resource deploy_hello needs on OCI is missing, or a path prefix is taken
"""

from __future__ import annotations

import ast
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import oci
import requests

from .authtokens import lab_folder
from .connect import Lab
from .consume import Message, consume
from .encoding import text_or_bytes
from .errors import GatewaySetupError
from .functions import HELLO_DIR, PATH_PREFIX, SPEC_FILE, load_deployment_spec
from .streams import LAB_TAG

__all__ = [
    "APPLICATION",
    "FUNCTION",
    "GATEWAY",
    "GatewaySetupError",
    "HelloDeployment",
    "Invocation",
    "deploy_hello",
    "function_source",
    "hello_events",
    "invoke_hello",
    "lab_tags",
    "oci_setup_steps",
    "postman_collection",
    "sdk_clients",
    "undeploy_hello",
]

APPLICATION = "lab-app"
FUNCTION = "hello"
GATEWAY = "lab-apigw"
GONE = ("DELETING", "DELETED", "FAILED")
M, G = oci.functions.models, oci.apigateway.models


@dataclass(frozen=True)
class HelloDeployment:
    """What :func:`deploy_hello` found or made: the SDK objects and the URL to call.

    ``endpoint`` is the deployment's (gateway base URL plus path prefix); the hello route is
    ``url`` (``endpoint + "/hello"``).  ``actions`` says what this call created, reused or
    updated.
    """

    application: Any
    function: Any
    gateway: Any
    deployment: Any
    actions: tuple[str, ...] = field(default=())

    @property
    def endpoint(self) -> str:
        return str(self.deployment.endpoint).rstrip("/")

    @property
    def path_prefix(self) -> str:
        return str(self.deployment.path_prefix)

    @property
    def url(self) -> str:
        return self.endpoint + "/hello"

    def curl(self, name: str = "Ada") -> str:
        """The curl command that makes the same call as :func:`invoke_hello`."""
        body = json.dumps({"name": name}).replace("'", "'\\''")
        return f"curl -i -X POST -H 'Content-Type: application/json' -d '{body}' {self.url}"

    def postman(self, name: str = "Ada") -> str:
        """The Postman settings for the same call."""
        return "\n".join(
            [
                "Method:  POST",
                f"URL:     {self.url}",
                "Headers: Content-Type: application/json",
                "Body:    raw, JSON",
                f"         {json.dumps({'name': name})}",
            ]
        )

    def describe(self) -> str:
        lines = [
            f"{what:<12} {name:<22} {ident}"
            for what, name, ident in (
                ("application", self.application.display_name, self.application.id),
                ("function", self.function.display_name, self.function.id),
                ("gateway", self.gateway.display_name, self.gateway.id),
                ("deployment", self.deployment.display_name, self.deployment.id),
            )
        ]
        lines.append(f"{'endpoint':<12} {self.endpoint}")
        lines += [f"  - {a}" for a in self.actions]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<HelloDeployment {self.function.display_name} at {self.url}>"


@dataclass(frozen=True)
class Invocation:
    """One HTTP call to the deployment: status, decoded JSON body (or None), raw text, timing."""

    status: int
    body: dict | None
    text: str
    seconds: float
    headers: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def __str__(self) -> str:
        shown = json.dumps(self.body, ensure_ascii=False) if self.body is not None else self.text
        return f"HTTP {self.status} in {self.seconds:.2f} s: {shown}"


# -- clients ----------------------------------------------------------------------------------------


def _kw(lab: Lab) -> dict:
    kw: dict = {}
    if lab.signer is not None:
        kw["signer"] = lab.signer
    if lab.local is not None:
        kw["service_endpoint"] = lab.local.url
    return kw


def sdk_clients(
    lab: Lab,
) -> tuple[
    oci.functions.FunctionsManagementClient,
    oci.apigateway.GatewayClient,
    oci.apigateway.DeploymentClient,
]:
    """The SDK's three clients for this target: ``FunctionsManagementClient``, ``GatewayClient``,
    ``DeploymentClient`` (locally pointed at localoci, on OCI at the region's endpoints)."""
    kw = _kw(lab)
    return (
        oci.functions.FunctionsManagementClient(lab.config, **kw),
        oci.apigateway.GatewayClient(lab.config, **kw),
        oci.apigateway.DeploymentClient(lab.config, **kw),
    )


_clients = sdk_clients  # labhelpers.classroom's name for it


def lab_tags(lab: Lab) -> dict[str, str]:
    """The freeform tags on everything the lab creates for you: :func:`undeploy_hello` deletes
    only what carries both, and :func:`deploy_hello` reuses only a deployment that does."""
    return {"lab": LAB_TAG, "lab-owner": lab.owner}


def _ours(lab: Lab, obj: Any) -> bool:
    tags = getattr(obj, "freeform_tags", None) or {}
    return tags.get("lab") == LAB_TAG and tags.get("lab-owner") == lab.owner


def _wait(client: Any, get: Any, ident: str, until: str = "ACTIVE", timeout: float = 600.0) -> Any:
    """Wait with the SDK's own waiter, ``oci.wait_until``, until ``lifecycle_state == until``;
    with ``until="GONE"`` until a 404 or a deleted state (then None).

    The waiter looks at once, then after 1, 2, 4 s ... (at most 5 s apart here): on OCI a
    gateway or a deployment takes about a minute, and locally the first look often finds the
    resource ready already.  A state that can no longer become ``until`` ends the wait at once.
    """
    try:
        first = get(ident)
    except oci.exceptions.ServiceError as exc:
        if exc.status == 404 and until == "GONE":
            return None
        raise
    name = getattr(first.data, "display_name", ident)

    def settled(response: Any) -> bool:
        state = response.data.lifecycle_state
        return (
            state == until
            or (until == "GONE" and state == "DELETED")
            or (until != "GONE" and state in GONE)
        )

    try:
        response = oci.wait_until(
            client,
            first,
            evaluate_response=settled,
            max_interval_seconds=5,
            max_wait_seconds=timeout,
            succeed_on_not_found=until == "GONE",
        )
    except oci.exceptions.MaximumWaitTimeExceeded:
        raise GatewaySetupError(
            f"{name} is still not {until} after {timeout:.0f} s: see the Console (work requests)."
        ) from None
    if response is oci.util.WAIT_RESOURCE_NOT_FOUND:
        return None
    obj = response.data
    if until != "GONE" and obj.lifecycle_state != until:
        raise GatewaySetupError(
            f"{obj.display_name} is {obj.lifecycle_state}, not {until}: see the Console "
            f"(work requests) for why."
        )
    return obj


# -- find ----------------------------------------------------------------------------------------


def _find_application(lab: Lab, fm) -> Any | None:
    name = lab.setting("LAB_FN_APP") or APPLICATION
    apps = [
        a
        for a in fm.list_applications(lab.compartment_id, display_name=name).data
        if a.lifecycle_state not in GONE
    ]
    return fm.get_application(apps[0].id).data if apps else None


def _find_function(fm, app_id: str, name: str) -> Any | None:
    fns = [
        f
        for f in fm.list_functions(app_id, display_name=name).data
        if f.lifecycle_state not in GONE
    ]
    return fm.get_function(fns[0].id).data if fns else None


def _find_gateway(lab: Lab, gc) -> Any | None:
    if lab.setting("LAB_GATEWAY_OCID"):
        return gc.get_gateway(lab.setting("LAB_GATEWAY_OCID")).data
    gws = [
        g
        for g in gc.list_gateways(lab.compartment_id, display_name=GATEWAY).data.items
        if g.lifecycle_state not in GONE
    ]
    return gc.get_gateway(gws[0].id).data if gws else None


def _deployments(lab: Lab, dc, gateway_id: str) -> list:
    return [
        d
        for d in dc.list_deployments(lab.compartment_id, gateway_id=gateway_id).data.items
        if d.lifecycle_state not in GONE
    ]


# -- deploy ----------------------------------------------------------------------------------------


def deploy_hello(
    lab: Lab,
    stream: Any,
    *,
    function_name: str = FUNCTION,
    path_prefix: str | None = None,
    config: dict[str, str] | None = None,
) -> HelloDeployment:
    """Find or create the application, the function, the gateway and the deployment; return them.

    Idempotent: each resource is looked up by display name first, so running it twice
    creates nothing the second time.  The function's config gets ``STREAM_OCID`` and
    ``STREAM_MESSAGES_ENDPOINT`` of ``stream`` (updated if they changed); the deployment's
    specification is ``api_deployment.json`` (:data:`labhelpers.functions.SPEC_FILE`) with the
    function's OCID filled in (updated if it names another function).

    Parameters
    ----------
    lab : Lab
        From :func:`labhelpers.connect`.
    stream : oci.streaming.models.Stream
        The stream the function publishes to (``id``, ``messages_endpoint``).
    function_name : str
        ``hello`` (default), or the name of a copy of it (same code; on OCI, same image) with
        its own config and its own deployment (display name ``lab-<name>-api``).
    path_prefix : str, optional
        The deployment's path prefix; default ``$LAB_PATH_PREFIX`` or ``/v1``.  Prefixes are
        unique per gateway: on a shared gateway each learner needs their own.
    config : dict, optional
        Extra or overriding function config (e.g. a wrong ``STREAM_OCID`` to see a failure).

    Returns
    -------
    HelloDeployment
        ``.url`` to POST to, ``.curl()``, ``.postman()``, the SDK objects, ``.actions``.

    Raises
    ------
    GatewaySetupError
        On OCI: no application, function or gateway yet (see :func:`oci_setup_steps`), or the
        path prefix is taken on the gateway.

    Examples
    --------
    >>> hello = deploy_hello(lab, stream)                     # doctest: +SKIP
    >>> invoke_hello(hello, "Ada").body["greeting"]           # doctest: +SKIP
    'Hello, Ada!'
    """
    fm, gc, dc = sdk_clients(lab)
    actions: list[str] = []
    wanted = {
        "STREAM_OCID": stream.id,
        "STREAM_MESSAGES_ENDPOINT": stream.messages_endpoint,
        **(config or {}),
    }
    prefix = path_prefix or lab.setting("LAB_PATH_PREFIX") or PATH_PREFIX

    # Look everything up before changing anything, so a missing piece on OCI changes nothing.
    app, gw = _find_application(lab, fm), _find_gateway(lab, gc)
    if lab.target != "local" and app is None:
        raise GatewaySetupError(
            f"No Functions application {lab.setting('LAB_FN_APP') or APPLICATION!r} in the lab "
            "compartment. Create it on a subnet of your VCN (`fn create app lab-app --annotation "
            "oracle.com/oci/subnetIds='[\"<subnet ocid>\"]'`) and run `fn deploy` (see "
            "oci_setup_steps()), or set LAB_FN_APP to your application's name."
        )
    if lab.target != "local" and gw is None:
        raise GatewaySetupError(
            f"No API gateway {GATEWAY!r} in the lab compartment. Create one on a public subnet "
            "(`oci api-gateway gateway create --endpoint-type PUBLIC ...`, see oci_setup_steps()) "
            "or set LAB_GATEWAY_OCID to the one your instructor made."
        )
    if app is None:
        app = fm.create_application(
            M.CreateApplicationDetails(
                compartment_id=lab.compartment_id,
                display_name=APPLICATION,
                subnet_ids=[],
                freeform_tags=lab_tags(lab),
            )
        ).data
        actions.append(f"created application {app.display_name}")
    else:
        actions.append(f"found application {app.display_name}")

    fn = _find_function(fm, app.id, function_name)
    if (
        fn is None
        and lab.target != "local"
        and function_name == FUNCTION
        and lab.setting("HELLO_FUNCTION_OCID")
    ):
        fn = fm.get_function(lab.setting("HELLO_FUNCTION_OCID")).data
    if fn is None:
        fn = fm.create_function(
            M.CreateFunctionDetails(
                display_name=function_name,
                application_id=app.id,
                memory_in_mbs=256,
                timeout_in_seconds=30,
                source_details=_source(lab, fm, app.id),
                config=wanted,
                freeform_tags=lab_tags(lab),
            )
        ).data
        actions.append(
            f"created function {function_name}"
            + (f" from {HELLO_DIR}" if lab.target == "local" else " from hello's image")
        )
    else:
        actions.append(f"found function {fn.display_name}")
        current = dict(fn.config or {})
        if any(current.get(k) != v for k, v in wanted.items()):
            fm.update_function(fn.id, M.UpdateFunctionDetails(config={**current, **wanted}))
            fn = fm.get_function(fn.id).data  # newer API versions answer Update without the body
            actions.append(
                f"updated {fn.display_name}'s config: "
                + ", ".join(k for k in wanted if current.get(k) != wanted[k])
            )
    fn = _wait(fm, fm.get_function, fn.id)

    if gw is None:
        gw = gc.create_gateway(
            G.CreateGatewayDetails(
                compartment_id=lab.compartment_id,
                endpoint_type="PUBLIC",
                subnet_id="ocid1.subnet.oc1..local",
                display_name=GATEWAY,
                freeform_tags=lab_tags(lab),
            )
        ).data
        actions.append(f"created gateway {GATEWAY}")
    else:
        actions.append(f"found gateway {gw.display_name}")
    gw = _wait(gc, gc.get_gateway, gw.id)

    spec = load_deployment_spec(fn.id)
    name = f"lab-{function_name}-api"
    mine = [d for d in _deployments(lab, dc, gw.id) if d.display_name == name and _ours(lab, d)]
    if mine:
        dep = dc.get_deployment(mine[0].id).data
        actions.append(f"found deployment {name} at {dep.path_prefix}")
        if _function_ids(dep.specification) != {fn.id}:
            dc.update_deployment(dep.id, G.UpdateDeploymentDetails(specification=spec))
            actions.append(f"updated {name}'s specification to call {fn.display_name}")
    else:
        try:
            dep = dc.create_deployment(
                G.CreateDeploymentDetails(
                    gateway_id=gw.id,
                    compartment_id=lab.compartment_id,
                    path_prefix=prefix,
                    display_name=name,
                    specification=spec,
                    freeform_tags=lab_tags(lab),
                )
            ).data
        except oci.exceptions.ServiceError as exc:
            if exc.status == 409:
                raise GatewaySetupError(
                    f"Gateway {gw.display_name} already has a deployment at {prefix} that is not yours. "
                    f"Choose another prefix: set LAB_PATH_PREFIX=/{lab.owner}{PATH_PREFIX}, or pass "
                    "path_prefix=..."
                ) from None
            raise
        actions.append(f"created deployment {name} at {prefix} from {SPEC_FILE.name}")
    dep = _wait(dc, dc.get_deployment, dep.id)
    return HelloDeployment(app, fn, gw, dep, tuple(actions))


def _source(lab: Lab, fm, app_id: str) -> Any:
    """Where a new function's code comes from: locally the source directory; on OCI the image
    the learner's ``fn deploy`` pushed for ``hello`` (never built here)."""
    if lab.target == "local":
        return M.CreateContainerImageFunctionSourceDetails(image=str(HELLO_DIR))
    primary = (
        fm.get_function(lab.setting("HELLO_FUNCTION_OCID")).data
        if lab.setting("HELLO_FUNCTION_OCID")
        else _find_function(fm, app_id, FUNCTION)
    )
    if primary is None:
        raise GatewaySetupError(
            f"No function 'hello' in the application yet. Deploy it first: `cd {HELLO_DIR} && "
            "fn -v deploy --app lab-app` (see oci_setup_steps()), or set HELLO_FUNCTION_OCID."
        )
    image = getattr(primary.source_details, "image", None)
    if not image:
        raise GatewaySetupError(
            f"Function {primary.display_name} has no container image to copy "
            f"(source type {getattr(primary.source_details, 'source_type', None)})."
        )
    return M.CreateContainerImageFunctionSourceDetails(
        image=image, image_digest=getattr(primary.source_details, "image_digest", None)
    )


def _function_ids(spec: Any) -> set[str]:
    routes = spec.routes if spec is not None else []
    return {r.backend.function_id for r in routes if getattr(r.backend, "function_id", None)}


# -- invoke ----------------------------------------------------------------------------------------


def invoke_hello(
    endpoint: HelloDeployment | str, name: str | None = "Ada", *, timeout: float = 60.0
) -> Invocation:
    """POST ``{"name": name}`` to the deployment's ``/hello`` route, as curl or Postman would.

    ``endpoint`` is a :class:`HelloDeployment` or a deployment endpoint URL (``.../v1``).
    ``name=None`` sends no body (the function answers 400).  Never raises for an HTTP error
    status: the :class:`Invocation` carries it.

    Examples
    --------
    >>> answer = invoke_hello(hello, "Ada")   # doctest: +SKIP
    >>> answer.status, answer.body["partition"], answer.body["offset"]   # doctest: +SKIP
    (200, '0', 42)
    """
    base = endpoint.endpoint if isinstance(endpoint, HelloDeployment) else str(endpoint).rstrip("/")
    url = base if base.endswith("/hello") else base + "/hello"
    started = time.monotonic()
    if name is None:
        r = requests.post(url, timeout=timeout)
    else:
        r = requests.post(url, json={"name": name}, timeout=timeout)
    seconds = time.monotonic() - started
    try:
        body = r.json()
    except ValueError:
        body = None
    return Invocation(
        r.status_code, body if isinstance(body, dict) else None, r.text, seconds, dict(r.headers)
    )


# -- show and share ----------------------------------------------------------------------------------


def function_source(*names: str) -> str:
    """The source of the named top-level functions of hello's ``func.py`` (all of it without
    names), to show in a notebook: the code that runs is that file, unchanged."""
    text = (HELLO_DIR / "func.py").read_text()
    if not names:
        return text
    tree = ast.parse(text)
    found = {
        node.name: ast.get_source_segment(text, node) or ""
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }
    return "\n\n\n".join(found[n] for n in names if n in found)


POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def _postman_request(name: str, method: str, path: str, body: str | None) -> dict:
    request: dict = {
        "method": method,
        "header": [],
        "url": {"raw": "{{endpoint}}" + path, "host": ["{{endpoint}}"], "path": [path.strip("/")]},
    }
    if body is not None:
        request["header"] = [{"key": "Content-Type", "value": "application/json"}]
        request["body"] = {"mode": "raw", "raw": body, "options": {"raw": {"language": "json"}}}
    return {"name": name, "request": request}


def postman_collection(
    hello: HelloDeployment, name: str = "Ada", path: str | Path | None = None
) -> Path:
    """Write a Postman collection (format v2.1) for this deployment and return its path.

    Three requests: ``POST /hello`` with ``{"name": name}``, the same with no name (the
    function's 400), and ``GET /health`` (the gateway's stock response).  The deployment's
    endpoint is the collection variable ``endpoint``.  Nothing secret is in it: the calls are
    unsigned, and the endpoint is the public URL anyone calling the deployment uses.  Default
    path: ``<lab folder>/postman/<deployment>.postman_collection.json``.
    """
    where = (
        Path(path)
        if path is not None
        else lab_folder() / "postman" / f"{hello.deployment.display_name}.postman_collection.json"
    )
    collection = {
        "info": {
            "name": f"OCI Streaming lab: {hello.deployment.display_name}",
            "description": (
                f"The hello function behind the API gateway {hello.gateway.display_name}: each "
                "POST /hello publishes one event to your stream. Generated by "
                "labhelpers.gateway.postman_collection for this deployment."
            ),
            "schema": POSTMAN_SCHEMA,
        },
        "variable": [{"key": "endpoint", "value": hello.endpoint, "type": "string"}],
        "item": [
            _postman_request(
                f"POST /hello as {name}", "POST", "/hello", json.dumps({"name": name})
            ),
            _postman_request("POST /hello without a name (400)", "POST", "/hello", "{}"),
            _postman_request("GET /health (stock response)", "GET", "/health", None),
        ],
    }
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text(json.dumps(collection, indent=2) + "\n")
    return where


# -- events ----------------------------------------------------------------------------------------


def _json_or_text(data: bytes) -> Any:
    value = text_or_bytes(data)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def hello_events(
    client: oci.streaming.StreamClient, stream: Any, name: str | None = None
) -> list[Message]:
    """Every ``hello.invoked`` event in the stream (oldest first per partition), optionally only
    those keyed ``name``.  Reads from TRIM_HORIZON: fine for a lab stream, not for a big one."""
    out = []
    for m in consume(
        client,
        stream.id,
        partitions=[str(p) for p in range(stream.partitions)],
        deserializer=_json_or_text,
        limit=10_000,
    ):
        if (
            isinstance(m.value, dict)
            and m.value.get("event") == "hello.invoked"
            and (name is None or m.key == name)
        ):
            out.append(m)
    return out


# -- clean up ----------------------------------------------------------------------------------------


def undeploy_hello(lab: Lab) -> list[str]:
    """Delete what :func:`deploy_hello` created for you (tagged ``lab-owner=<you>``); safe to run twice.

    Deployments first (waited until gone), then functions, then the application and the
    gateway if they are yours and now empty.  Resources you made yourself with ``fn deploy``
    or the Console carry no lab tags and are kept.  Returns what was deleted now.
    """
    fm, gc, dc = sdk_clients(lab)
    deleted: list[str] = []

    def delete(what: str, client: Any, call: Any, ident: str, get: Any | None = None) -> None:
        try:
            call(ident)
        except oci.exceptions.ServiceError as exc:
            if exc.status == 404:
                return
            raise
        if get is not None:
            _wait(client, get, ident, until="GONE")
        deleted.append(what)

    gateways = [
        g
        for g in gc.list_gateways(lab.compartment_id, display_name=GATEWAY).data.items
        if g.lifecycle_state not in GONE
    ]
    if lab.setting("LAB_GATEWAY_OCID") and all(
        g.id != lab.setting("LAB_GATEWAY_OCID") for g in gateways
    ):
        try:
            gateways.append(gc.get_gateway(lab.setting("LAB_GATEWAY_OCID")).data)
        except oci.exceptions.ServiceError as exc:
            if exc.status != 404:
                raise
    for gw in gateways:
        for d in _deployments(lab, dc, gw.id):
            if _ours(lab, d):
                delete(
                    f"deployment {d.display_name}",
                    dc,
                    dc.delete_deployment,
                    d.id,
                    dc.get_deployment,
                )
    app = _find_application(lab, fm)
    if app is not None:
        for f in fm.list_functions(app.id).data:
            if _ours(lab, f) and f.lifecycle_state not in GONE:
                delete(f"function {f.display_name}", fm, fm.delete_function, f.id)
        if _ours(lab, app) and not [
            f for f in fm.list_functions(app.id).data if f.lifecycle_state not in GONE
        ]:
            delete(f"application {app.display_name}", fm, fm.delete_application, app.id)
    for gw in gateways:
        if _ours(lab, gw) and not _deployments(lab, dc, gw.id):
            delete(f"gateway {gw.display_name}", gc, gc.delete_gateway, gw.id, gc.get_gateway)
    return deleted


# -- the oci target: what the learner does first ----------------------------------------------------


def oci_setup_steps(lab: Lab, stream: Any) -> str:
    """The commands and policies a learner needs on a real tenancy before :func:`deploy_hello`.

    The compartment is written as ``$LAB_COMPARTMENT_ID`` (export it), not as its OCID.
    """
    app = lab.setting("LAB_FN_APP") or APPLICATION
    return f"""\
Before deploy_hello() can work on OCI (once per tenancy / per learner):

0. Network: a VCN with a public subnet (ingress TCP 443) for the gateway and a subnet for
   functions.  Export the compartment:  export LAB_COMPARTMENT_ID=<compartment ocid>

1. Policies (an administrator adds them; the dynamic groups first):
   Dynamic group lab-functions:  ALL {{resource.type = 'fnfunc', resource.compartment.id = '<compartment ocid>'}}
   Dynamic group lab-apigw:      ALL {{resource.type = 'ApiGateway', resource.compartment.id = '<compartment ocid>'}}
     allow dynamic-group lab-functions to use stream-push in compartment id <compartment ocid>
     allow dynamic-group lab-apigw to use functions-family in compartment id <compartment ocid>
     allow group <your-group> to manage functions-family in compartment id <compartment ocid>
     allow group <your-group> to manage api-gateway-family in compartment id <compartment ocid>
     allow group <your-group> to use virtual-network-family in compartment id <compartment ocid>
     allow group <your-group> to manage repos in tenancy
   (The function signs its PutMessages with its resource principal: the first allow is what
   lets it publish.  Add `read streams` for it only if you leave STREAM_MESSAGES_ENDPOINT unset.)

2. The fn CLI pointed at your region and registry (Docker running, `docker login <region-key>.ocir.io`
   with an auth token):
     fn create context lab --provider oracle && fn use context lab
     fn update context oracle.compartment-id $LAB_COMPARTMENT_ID
     fn update context api-url https://functions.{lab.config.get("region")}.oci.oraclecloud.com
     fn update context registry <region-key>.ocir.io/<namespace>/lab

3. The application and the function, from the hello folder that ships with labhelpers
   (labhelpers/functions/hello in the repository; built by fn, not here):
     fn create app {app} --annotation oracle.com/oci/subnetIds='["<function subnet ocid>"]'
     cd {HELLO_DIR} && fn -v deploy --app {app}
     fn config function {app} hello STREAM_OCID {stream.id}
     fn config function {app} hello STREAM_MESSAGES_ENDPOINT {stream.messages_endpoint}
     export HELLO_FUNCTION_OCID=$(oci fn function list --application-id $(oci fn application list \\
         -c $LAB_COMPARTMENT_ID --display-name {app} --query 'data[0].id' --raw-output) \\
         --display-name hello --query 'data[0].id' --raw-output)

4. The gateway (or ask your instructor for its OCID and export LAB_GATEWAY_OCID):
     oci api-gateway gateway create -c $LAB_COMPARTMENT_ID --endpoint-type PUBLIC \\
         --subnet-id <public subnet ocid> --display-name {GATEWAY} --wait-for-state ACTIVE

5. Then deploy_hello() creates (or updates) the deployment from {SPEC_FILE.name} in that folder.
   The CLI equivalent, with the same file:
     envsubst < {SPEC_FILE} > /tmp/api_deployment.json
     oci api-gateway deployment create -c $LAB_COMPARTMENT_ID --gateway-id <gateway ocid> \\
         --path-prefix {lab.setting("LAB_PATH_PREFIX") or PATH_PREFIX} --display-name lab-hello-api \\
         --specification file:///tmp/api_deployment.json
   (a shared gateway needs one prefix per learner: export LAB_PATH_PREFIX=/{lab.owner}{PATH_PREFIX})
"""
