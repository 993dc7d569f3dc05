"""Wire shapes (JSON, camelCase, as ``oci.identity.models`` names them) of the Identity rows.

Each function takes a row of :mod:`.store` and returns what the API answers.  A token's value
appears only in :func:`auth_token`'s answer to CreateAuthToken (``token=``); salts and hashes
never leave the store.
"""

from __future__ import annotations

from ..timefmt import format_ms
from .store import AuthToken, Compartment, User


def tenancy(c: Compartment, home_region_key: str) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "homeRegionKey": home_region_key,
        "upiIdcsCompatibilityLayerEndpoint": None,
        "freeformTags": c.freeform_tags,
        "definedTags": c.defined_tags,
    }


def compartment(c: Compartment) -> dict:
    return {
        "id": c.id,
        # The root compartment (the tenancy) has no parent; OCI shows its own OCID there.
        "compartmentId": c.parent_id or c.id,
        "name": c.name,
        "description": c.description,
        "timeCreated": format_ms(c.time_created),
        "lifecycleState": c.lifecycle_state,
        "inactiveStatus": None,
        "isAccessible": True,
        "freeformTags": c.freeform_tags,
        "definedTags": c.defined_tags,
    }


def user(u: User) -> dict:
    return {
        "id": u.id,
        "compartmentId": u.tenancy_id,
        "name": u.name,
        "description": u.description,
        "email": u.email,
        "emailVerified": False,
        "identityProviderId": None,
        "externalIdentifier": None,
        "timeCreated": format_ms(u.time_created),
        "lifecycleState": u.lifecycle_state,
        "inactiveStatus": None,
        "freeformTags": {},
        "definedTags": {},
        "capabilities": {
            "canUseConsolePassword": False,
            "canUseApiKeys": True,
            "canUseAuthTokens": True,
            "canUseSmtpCredentials": False,
            "canUseDbCredentials": False,
            "canUseCustomerSecretKeys": False,
            "canUseOAuth2ClientCredentials": False,
        },
        "isMfaActivated": False,
    }


def auth_token(t: AuthToken, token: str | None = None) -> dict:
    out = {
        "id": t.id,
        "userId": t.user_id,
        "description": t.description,
        "timeCreated": format_ms(t.time_created),
        "timeExpires": None,
        "lifecycleState": t.lifecycle_state,
        "inactiveStatus": None,
    }
    if token is not None:
        out = {"token": token, **out}
    return out
