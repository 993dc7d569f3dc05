"""The Identity operations: one module per API action, rules in its docstring.

As in :mod:`localoci.ops`: plain values in (ids, the parsed JSON body, the query as a dict),
plain values out (JSON shapes, :mod:`localoci.ops.results`); the routes (:mod:`..routes`) map
them to statuses and headers.  ``_identity`` holds the shared rules.
"""

from .create_auth_token import create_auth_token
from .create_compartment import create_compartment
from .delete_auth_token import delete_auth_token
from .get_compartment import get_compartment
from .get_tenancy import get_tenancy
from .get_user import get_user
from .list_auth_tokens import list_auth_tokens
from .list_compartments import list_compartments
from .list_users import list_users
from .update_auth_token import update_auth_token

__all__ = [
    "create_auth_token",
    "create_compartment",
    "delete_auth_token",
    "get_compartment",
    "get_tenancy",
    "get_user",
    "list_auth_tokens",
    "list_compartments",
    "list_users",
    "update_auth_token",
]
