"""Wire shapes (JSON, camelCase, as the ``oci`` SDK models name them) of the faas resources.

Each function takes a stored :class:`~.store.Resource` and returns what the API answers;
internal fields (``sourceDir``, ``entry``, the gateway's ``hostKey``) never leak.
"""

from __future__ import annotations

from ..timefmt import format_ms
from .store import Resource


def _common(r: Resource) -> dict:
    return {
        "id": r.id,
        "compartmentId": r.compartment_id,
        "displayName": r.name,
        "lifecycleState": r.state,
        "freeformTags": r.doc.get("freeformTags", {}),
        "definedTags": r.doc.get("definedTags", {}),
        "timeCreated": format_ms(r.time_created),
        "timeUpdated": format_ms(r.time_updated),
    }


def application(r: Resource, summary: bool = False) -> dict:
    out = {
        **_common(r),
        "subnetIds": r.doc.get("subnetIds", []),
        "shape": r.doc.get("shape", "GENERIC_X86"),
        "networkSecurityGroupIds": r.doc.get("networkSecurityGroupIds", []),
        "traceConfig": {"isEnabled": False, "domainId": None},
        "logging": None,
        "imagePolicyConfig": {"isPolicyEnabled": False, "keyDetails": []},
        "securityAttributes": {},
    }
    if not summary:
        out["config"] = r.doc.get("config", {})
        out["syslogUrl"] = r.doc.get("syslogUrl")
    return out


def function(r: Resource, invoke_endpoint: str, summary: bool = False) -> dict:
    out = {
        **_common(r),
        "applicationId": r.parent_id,
        "sourceDetails": {
            "sourceType": "CONTAINER_IMAGE",
            "image": r.doc["image"],
            "imageDigest": r.doc.get("imageDigest"),
        },
        # The 20181201 API had these at the top level; older clients (the Fn CLI) read them.
        "image": r.doc["image"],
        "imageDigest": r.doc.get("imageDigest"),
        "shape": "GENERIC_X86",
        "memoryInMBs": r.doc.get("memoryInMBs", 256),
        "timeoutInSeconds": r.doc.get("timeoutInSeconds", 30),
        "provisionedConcurrencyConfig": {"strategy": "NONE"},
        "detachedModeTimeoutInSeconds": r.doc.get("detachedModeTimeoutInSeconds"),
        "traceConfig": {"isEnabled": False},
        "invokeEndpoint": invoke_endpoint,
    }
    if not summary:
        out["config"] = r.doc.get("config", {})
    return out


def gateway(r: Resource, host: str, summary: bool = False) -> dict:
    out = {
        **_common(r),
        "endpointType": r.doc.get("endpointType", "PUBLIC"),
        "subnetId": r.doc.get("subnetId"),
        "networkSecurityGroupIds": r.doc.get("networkSecurityGroupIds", []),
        "lifecycleDetails": None,
        "locks": [],
        "hostname": host,
        "certificateId": None,
        "systemTags": {},
        "ipMode": "IPV4",
    }
    if not summary:
        out.update(
            {
                "ipAddresses": [{"ipAddress": "127.0.0.1"}],
                "responseCacheDetails": {"type": "NONE"},
                "caBundles": [],
            }
        )
    return out


def deployment(r: Resource, endpoint: str, summary: bool = False) -> dict:
    out = {
        **_common(r),
        "gatewayId": r.parent_id,
        "pathPrefix": r.doc["pathPrefix"],
        "endpoint": endpoint,
        "lifecycleDetails": None,
        "locks": [],
        "systemTags": {},
    }
    if not summary:
        out["specification"] = r.doc["specification"]
    return out


def work_request(row: dict, now_ms: int) -> dict:
    done = now_ms >= row["done_at"]
    return {
        "id": row["id"],
        "operationType": row["operation_type"],
        "status": "SUCCEEDED" if done else "IN_PROGRESS",
        "compartmentId": row["compartment_id"],
        "resources": [
            {
                "entityType": row["entity_type"],
                "actionType": row["action_type"] if done else "IN_PROGRESS",
                "identifier": row["resource_id"],
                "entityUri": f"/{row['entity_type']}s/{row['resource_id']}",
            }
        ],
        "percentComplete": 100.0 if done else 50.0,
        "timeAccepted": format_ms(row["time_accepted"]),
        "timeStarted": format_ms(row["time_accepted"]),
        "timeFinished": format_ms(row["done_at"]) if done else None,
    }
