"""A class on one tenancy: what an instructor prepares for each learner, and removes after.

``python -m labhelpers class prepare --learners 12 --compartment lab-compartment`` makes, for
each learner ``labN`` (N = 1..12), in that compartment:

=================  ==========================  ===========================================
resource           name                        notes
=================  ==========================  ===========================================
stream             ``lab-stream-labN``         3 partitions, 24 h: the learner's lab stream
application        ``labN``                    on ``--subnet`` (OCI needs one)
function           ``hello`` in ``labN``       from ``--image`` (the image ``fn deploy``
                                               pushed once), publishing to the stream
API deployment     ``MY_API_DEPLN``            on the shared gateway, at ``/class/labN``
=================  ==========================  ===========================================

and once, the shared gateway (``lab-class-apigw``, on ``--gateway-subnet``, or the one
``--gateway`` names).  Everything it makes is tagged ``lab=oci-streaming-lab``,
``lab-class=<--tag>``, ``lab-learner=labN`` -- and never ``lab-owner``, the learner's own tag,
so a learner's clean-up cells leave it alone.  It is idempotent: each resource is looked up
(name and class tag) before it is made, so a second run creates nothing and says so.

It writes one settings file per learner (``<--out>/labN.json``, :mod:`labhelpers.settings`)
that the learner saves as ``~/.oci/lab-settings.json``: their ``LAB_ID``, the compartment,
the stream's name, the application, the function's and the gateway's OCIDs, and their own
path prefix (``/labN/v1``) for the deployment notebook 04 makes.  It prints the IAM
statements to paste (:func:`iam_statements`): the lab does not manage IAM.

``class remove`` deletes what carries the class tag (deployments first, then functions,
applications, streams, and the gateway once nothing else is deployed on it) and keeps
everything else, saying why (a learner's own deployment on the shared gateway keeps it).

Every call is the official SDK's, through a :class:`~labhelpers.connect.Lab` on the ``oci``
target (the instructor's own ``~/.oci/config`` profile).

Why one long module (about 450 lines): :func:`prepare_class`, :func:`remove_class` and
:func:`iam_statements` must agree on the same resources, names, tags and order; split, a
class's life would be read across three files (the reason :mod:`labhelpers.gateway` is one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import oci

from .connect import Lab, default_stream_name
from .errors import LabConfigError
from .functions import load_deployment_spec
from .gateway import FUNCTION, GONE, _clients, _wait
from .settings import write as write_settings
from .streams import LAB_TAG

__all__ = ["ClassReport", "iam_statements", "prepare_class", "remove_class"]

GATEWAY_NAME = "lab-class-apigw"
DEPLOYMENT = "MY_API_DEPL{n}"
PARTITIONS = 3
M, G, S = oci.functions.models, oci.apigateway.models, oci.streaming.models


@dataclass
class ClassReport:
    """What a ``prepare`` or ``remove`` found and did, resource by resource."""

    compartment_id: str
    tag: str
    lines: list[tuple[str, str, str, str]] = field(default_factory=list)  # who, what, name, action
    settings_files: list[Path] = field(default_factory=list)

    def add(self, who: str, what: str, name: str, action: str) -> None:
        self.lines.append((who, what, name, action))

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line[3].startswith(action))

    def __str__(self) -> str:
        width = max((len(w) for w, *_ in self.lines), default=6)
        rows = [
            f"{who:<{width}}  {what:<12} {name:<24} {action}"
            for who, what, name, action in self.lines
        ]
        summary = ", ".join(
            f"{self.count(a)} {a}" for a in ("created", "found", "deleted", "kept") if self.count(a)
        )
        return "\n".join([*rows, f"-- {summary or 'nothing to do'}"])


def _class_tags(tag: str, learner: str | None = None) -> dict[str, str]:
    tags = {"lab": LAB_TAG, "lab-class": tag}
    if learner:
        tags["lab-learner"] = learner
    return tags


def _of_class(obj: Any, tag: str) -> bool:
    tags = getattr(obj, "freeform_tags", None) or {}
    return tags.get("lab") == LAB_TAG and tags.get("lab-class") == tag


def resolve_compartment(lab: Lab, compartment: str, create: bool = False) -> str:
    """A compartment OCID, or the OCID of the ACTIVE compartment with that name in the tenancy
    (made in the tenancy's root when ``create`` and none exists)."""
    if compartment.startswith("ocid1."):
        return compartment
    tenancy = lab.config.get("tenancy")
    if not tenancy:
        raise LabConfigError("The profile names no tenancy: pass --compartment as an OCID.")
    identity = oci.identity.IdentityClient(lab.config, **_signer(lab))
    found = oci.pagination.list_call_get_all_results(
        identity.list_compartments,
        tenancy,
        name=compartment,
        compartment_id_in_subtree=True,
        lifecycle_state="ACTIVE",
    ).data
    if found:
        return found[0].id
    if not create:
        raise LabConfigError(
            f"No compartment named {compartment!r} in the tenancy. Create it (`oci iam compartment "
            f"create -c <tenancy> --name {compartment} --description ...`), pass its OCID, or add "
            "--create-compartment."
        )
    made = identity.create_compartment(
        oci.identity.models.CreateCompartmentDetails(
            compartment_id=tenancy,
            name=compartment,
            description="OCI Streaming lab: a class",
            freeform_tags={"lab": LAB_TAG},
        )
    ).data
    return made.id


def _signer(lab: Lab) -> dict:
    return {"signer": lab.signer} if lab.signer is not None else {}


# -- prepare ----------------------------------------------------------------------------------


def prepare_class(
    lab: Lab,
    learners: int,
    *,
    tag: str = "workshop",
    image: str | None = None,
    subnet: str | None = None,
    gateway_subnet: str | None = None,
    gateway_id: str | None = None,
    out: str | os.PathLike = "class-settings",
    prefix: str = "lab",
) -> ClassReport:
    """Find or make every learner's stream, application, function and deployment, and the
    shared gateway, in ``lab.compartment_id``; write each learner's settings file to ``out``.

    ``image`` is the hello function's image (``<region-key>.ocir.io/<namespace>/lab/hello:0.0.1``,
    what one ``fn deploy`` pushed); ``subnet`` the functions' subnet, ``gateway_subnet`` the
    gateway's public subnet (or ``gateway_id`` an existing gateway).  On localoci any of them
    may be left out (the image then defaults to the hello folder)."""
    if learners < 1:
        raise LabConfigError("--learners must be at least 1.")
    fm, gc, dc = _clients(lab)
    comp = lab.compartment_id
    report = ClassReport(comp, tag)
    gw = _ensure_gateway(lab, gc, tag, gateway_subnet, gateway_id, report)
    made: list[tuple[str, Any, Any]] = []
    for n in range(1, learners + 1):
        who = f"{prefix}{n}"
        stream = _ensure_stream(lab, who, tag, report)
        app, fn = _ensure_function(lab, fm, who, tag, stream, image, subnet, report)
        made.append((who, stream, fn))
    gw = _wait(gc, gc.get_gateway, gw.id)
    for n, (who, stream, fn) in enumerate(made, start=1):
        fn = _wait(fm, fm.get_function, fn.id)
        dep = _ensure_deployment(lab, dc, gw, who, n, tag, fn, report)
        path = write_settings(
            Path(out) / f"{who}.json",
            {
                "LAB_ID": who,
                "LAB_COMPARTMENT_ID": comp,
                "LAB_STREAM": stream.name,
                "LAB_FN_APP": who,
                "HELLO_FUNCTION_OCID": fn.id,
                "LAB_GATEWAY_OCID": gw.id,
                "LAB_PATH_PREFIX": f"/{who}/v1",
                "LAB_API_DEPLOYMENT_OCID": dep.id,
                "LAB_CLASS": tag,
            },
        )
        report.settings_files.append(path)
    return report


def _ensure_gateway(lab: Lab, gc, tag, subnet, gateway_id, report: ClassReport) -> Any:
    if gateway_id:
        gw = gc.get_gateway(gateway_id).data
        report.add("(class)", "gateway", gw.display_name, "found (--gateway)")
        return gw
    found = [
        g
        for g in gc.list_gateways(lab.compartment_id, display_name=GATEWAY_NAME).data.items
        if g.lifecycle_state not in GONE and _of_class(g, tag)
    ]
    if found:
        report.add("(class)", "gateway", GATEWAY_NAME, "found")
        return gc.get_gateway(found[0].id).data
    if lab.target == "oci" and not subnet and not _is_localoci(lab):
        raise LabConfigError(
            "The shared gateway needs a public subnet: pass --gateway-subnet <subnet OCID> "
            "(ingress TCP 443), or --gateway <gateway OCID> to use one you made."
        )
    gw = gc.create_gateway(
        G.CreateGatewayDetails(
            compartment_id=lab.compartment_id,
            endpoint_type="PUBLIC",
            subnet_id=subnet or "ocid1.subnet.oc1..localoci",
            display_name=GATEWAY_NAME,
            freeform_tags=_class_tags(tag),
        )
    ).data
    report.add("(class)", "gateway", GATEWAY_NAME, "created")
    return gw


def _refuse_foreign(obj: Any, what: str, name: str, tag: str) -> None:
    """A resource with the name a learner's would have, that is not this class's: names are
    unique (a stream's in its pool, an application's in the compartment), so say so."""
    if not _of_class(obj, tag):
        tags = getattr(obj, "freeform_tags", None) or {}
        raise LabConfigError(
            f"A {what} named {name!r} already exists in the compartment and is not this class's "
            f"(tags {tags}). Use another --prefix (or --tag, if it is an earlier class of yours), "
            "or remove it first."
        )


def _is_localoci(lab: Lab) -> bool:
    """A region localoci serves (a custom realm under ``.invalid``, RFC 2606's never-resolving
    domain, so never a real one): there is no network to name, and the image may be the hello
    folder itself."""
    host = urlparse(str(lab.admin.base_client.endpoint)).hostname or ""
    return host.endswith(".invalid")


def _ensure_stream(lab: Lab, who: str, tag: str, report: ClassReport) -> Any:
    name = default_stream_name("oci", who)
    found = [
        s
        for s in oci.pagination.list_call_get_all_results(
            lab.admin.list_streams,
            compartment_id=lab.compartment_id,
            name=name,
            lifecycle_state="ACTIVE",
        ).data
    ]
    if found:
        _refuse_foreign(found[0], "stream", name, tag)
        report.add(who, "stream", name, "found")
        return lab.admin.get_stream(found[0].id).data
    created = lab.admin.create_stream(
        S.CreateStreamDetails(
            name=name,
            partitions=PARTITIONS,
            compartment_id=lab.compartment_id,
            retention_in_hours=24,
            freeform_tags=_class_tags(tag, who),
        )
    ).data
    stream = oci.wait_until(
        lab.admin,
        lab.admin.get_stream(created.id),
        evaluate_response=lambda r: r.data.lifecycle_state in ("ACTIVE", "FAILED"),
        max_interval_seconds=5,
        max_wait_seconds=600,
    ).data
    if stream.lifecycle_state != "ACTIVE":
        raise LabConfigError(f"stream {name} is {stream.lifecycle_state}; see the Console.")
    report.add(who, "stream", name, "created")
    return stream


def _ensure_function(lab, fm, who, tag, stream, image, subnet, report) -> tuple[Any, Any]:
    apps = [
        a
        for a in fm.list_applications(lab.compartment_id, display_name=who).data
        if a.lifecycle_state not in GONE
    ]
    if apps:
        app = apps[0]
        _refuse_foreign(app, "application", who, tag)
        report.add(who, "application", who, "found")
    else:
        if not subnet and not _is_localoci(lab):
            raise LabConfigError(
                "Applications need a subnet on OCI: pass --subnet <subnet OCID> (a private "
                "subnet with a service gateway is enough for Streaming)."
            )
        app = fm.create_application(
            M.CreateApplicationDetails(
                compartment_id=lab.compartment_id,
                display_name=who,
                subnet_ids=[subnet] if subnet else [],
                freeform_tags=_class_tags(tag, who),
            )
        ).data
        report.add(who, "application", who, "created")
    config = {"STREAM_OCID": stream.id, "STREAM_MESSAGES_ENDPOINT": stream.messages_endpoint}
    fns = [
        f
        for f in fm.list_functions(app.id, display_name=FUNCTION).data
        if f.lifecycle_state not in GONE
    ]
    if fns:
        report.add(who, "function", FUNCTION, "found")
        return app, fns[0]
    if not image:
        if not _is_localoci(lab):
            raise LabConfigError(
                "--image is needed: the hello image `fn deploy` pushed once "
                "(<region-key>.ocir.io/<namespace>/lab/hello:<version>)."
            )
        from .functions import HELLO_DIR

        image = str(HELLO_DIR)
    fn = fm.create_function(
        M.CreateFunctionDetails(
            display_name=FUNCTION,
            application_id=app.id,
            memory_in_mbs=256,
            timeout_in_seconds=30,
            source_details=M.CreateContainerImageFunctionSourceDetails(image=image),
            config=config,
            freeform_tags=_class_tags(tag, who),
        )
    ).data
    report.add(who, "function", FUNCTION, "created")
    return app, fn


def _ensure_deployment(lab, dc, gw, who, n, tag, fn, report) -> Any:
    name = DEPLOYMENT.format(n=n)
    found = [
        d
        for d in dc.list_deployments(
            lab.compartment_id, gateway_id=gw.id, display_name=name
        ).data.items
        if d.lifecycle_state not in GONE and _of_class(d, tag)
    ]
    if found:
        report.add(who, "deployment", name, "found")
        return dc.get_deployment(found[0].id).data
    dep = dc.create_deployment(
        G.CreateDeploymentDetails(
            gateway_id=gw.id,
            compartment_id=lab.compartment_id,
            path_prefix=f"/class/{who}",
            display_name=name,
            specification=load_deployment_spec(fn.id),
            freeform_tags=_class_tags(tag, who),
        )
    ).data
    report.add(who, "deployment", name, "created")
    return _wait(dc, dc.get_deployment, dep.id)


# -- remove -----------------------------------------------------------------------------------


def remove_class(lab: Lab, *, tag: str = "workshop") -> ClassReport:
    """Delete everything in ``lab.compartment_id`` tagged ``lab-class=<tag>``; keep the rest."""
    fm, gc, dc = _clients(lab)
    comp = lab.compartment_id
    report = ClassReport(comp, tag)

    def gone(call, ident: str) -> bool:
        try:
            call(ident)
            return True
        except oci.exceptions.ServiceError as exc:
            if exc.status == 404:
                return False
            raise

    gateways = [g for g in gc.list_gateways(comp).data.items if g.lifecycle_state not in GONE]
    for gw in gateways:
        for d in dc.list_deployments(comp, gateway_id=gw.id).data.items:
            if d.lifecycle_state in GONE or not _of_class(d, tag):
                continue
            if gone(dc.delete_deployment, d.id):
                _wait(dc, dc.get_deployment, d.id, until="GONE")
                report.add(_learner(d), "deployment", d.display_name, "deleted")
    for app in fm.list_applications(comp).data:
        if app.lifecycle_state in GONE:
            continue
        for f in fm.list_functions(app.id).data:
            if (
                f.lifecycle_state not in GONE
                and _of_class(f, tag)
                and gone(fm.delete_function, f.id)
            ):
                report.add(_learner(f), "function", f.display_name, "deleted")
        if not _of_class(app, tag):
            continue
        left = [f for f in fm.list_functions(app.id).data if f.lifecycle_state not in GONE]
        if left:
            report.add(
                _learner(app),
                "application",
                app.display_name,
                f"kept: {len(left)} function(s) not of this class ({', '.join(f.display_name for f in left)})",
            )
        elif gone(fm.delete_application, app.id):
            report.add(_learner(app), "application", app.display_name, "deleted")
    for s in oci.pagination.list_call_get_all_results(
        lab.admin.list_streams, compartment_id=comp, lifecycle_state="ACTIVE"
    ).data:
        if _of_class(s, tag) and gone(lab.admin.delete_stream, s.id):
            report.add(_learner(s), "stream", s.name, "deleted")
    for gw in gateways:
        if not _of_class(gw, tag):
            continue
        left = [
            d
            for d in dc.list_deployments(comp, gateway_id=gw.id).data.items
            if d.lifecycle_state not in GONE
        ]
        if left:
            report.add(
                "(class)",
                "gateway",
                gw.display_name,
                f"kept: {len(left)} deployment(s) not of this class "
                f"({', '.join(d.display_name for d in left)}); remove them, then run this again",
            )
        elif gone(gc.delete_gateway, gw.id):
            _wait(gc, gc.get_gateway, gw.id, until="GONE")
            report.add("(class)", "gateway", gw.display_name, "deleted")
    return report


def _learner(obj: Any) -> str:
    return (getattr(obj, "freeform_tags", None) or {}).get("lab-learner", "(class)")


# -- IAM ----------------------------------------------------------------------------------------


def iam_statements(compartment_id: str, group: str = "lab-learners") -> str:
    """The dynamic groups and policies a class needs, to paste in the Console (Identity ->
    Policies) or ``oci iam policy create``: the lab does not manage IAM."""
    c = f"compartment id {compartment_id}"
    return f"""\
Dynamic groups (Identity -> Domains -> Dynamic groups), matching rules:
  lab-class-functions:  ALL {{resource.type = 'fnfunc', resource.compartment.id = '{compartment_id}'}}
  lab-class-apigw:      ALL {{resource.type = 'ApiGateway', resource.compartment.id = '{compartment_id}'}}

Policy statements (a policy in the compartment's parent, or the tenancy):
  allow dynamic-group lab-class-functions to use stream-push in {c}
  allow dynamic-group lab-class-apigw to use functions-family in {c}
  allow group {group} to manage stream-family in {c}
  allow group {group} to manage functions-family in {c}
  allow group {group} to manage api-gateway-family in {c}
  allow group {group} to read repos in tenancy
  allow group {group} to inspect compartments in tenancy
(The first lets each learner's hello publish with its resource principal; the second lets the
shared gateway call the functions; the learners' group creates its own streams (05, 06), a copy
of hello (04) from the same image, and its own API deployment on the shared gateway.)
"""
