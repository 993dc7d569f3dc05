"""The Functions and API Gateway operations: one module per API action, rules in its docstring.

As in :mod:`localoci.ops`: plain values in (ids, the parsed JSON body, the query as a dict;
for InvokeFunction the body bytes and the caller's ``fn-*`` headers), plain values out (JSON
shapes, :mod:`localoci.ops.results`, :class:`.invoke_function.Invoked`).  The wire layer
(:mod:`..routes`) maps them to statuses and headers.  ``_`` modules hold shared rules.
"""

from .create_application import create_application
from .create_deployment import create_deployment
from .create_function import create_function
from .create_gateway import create_gateway
from .delete_application import delete_application
from .delete_deployment import delete_deployment
from .delete_function import delete_function
from .delete_gateway import delete_gateway
from .get_api_gateway_work_request import get_api_gateway_work_request
from .get_application import get_application
from .get_deployment import get_deployment
from .get_function import get_function
from .get_gateway import get_gateway
from .invoke_function import Invoked, invoke_function
from .list_api_gateway_work_request_errors import list_api_gateway_work_request_errors
from .list_api_gateway_work_request_logs import list_api_gateway_work_request_logs
from .list_api_gateway_work_requests import list_api_gateway_work_requests
from .list_applications import list_applications
from .list_deployments import list_deployments
from .list_functions import list_functions
from .list_gateways import list_gateways
from .update_application import update_application
from .update_deployment import update_deployment
from .update_function import update_function
from .update_gateway import update_gateway

__all__ = [
    "Invoked",
    "create_application",
    "create_deployment",
    "create_function",
    "create_gateway",
    "delete_application",
    "delete_deployment",
    "delete_function",
    "delete_gateway",
    "get_api_gateway_work_request",
    "get_application",
    "get_deployment",
    "get_function",
    "get_gateway",
    "invoke_function",
    "list_api_gateway_work_request_errors",
    "list_api_gateway_work_request_logs",
    "list_api_gateway_work_requests",
    "list_applications",
    "list_deployments",
    "list_functions",
    "list_gateways",
    "update_application",
    "update_deployment",
    "update_function",
    "update_gateway",
]
