"""The app factory: a Service plus the route tables, as one ASGI application (two in region
mode: the service, routed by hostname, and the control side channel)."""

from __future__ import annotations

from . import faas, identity
from .control_routes import CONTROL_ROUTES
from .routes import ROUTES
from .service import ServerConfig, Service
from .wire import Dispatcher


def create_app(config: ServerConfig | None = None, svc: Service | None = None) -> Dispatcher:
    """Streaming's routes, the Identity stand-in (:func:`localoci.identity.install`), the
    Functions and API Gateway stand-ins (:func:`localoci.faas.install`), and -- unless the
    service is a region -- localoci's own ``/_localoci/`` routes, over ``svc`` (or a new one on
    ``config``).  A region routes by the ``Host`` header and has no ``/_localoci/`` (see
    :func:`create_control_app`)."""
    if svc is None:
        if config is None:
            raise ValueError("give a ServerConfig or a Service")
        svc = Service(config)
    region = svc.realm is not None
    app = Dispatcher(svc, [*ROUTES] if region else [*ROUTES, *CONTROL_ROUTES], by_host=region)
    identity.install(app)
    faas.install(app, svc)
    return app


def create_control_app(svc: Service) -> Dispatcher:
    """localoci's own ``/_localoci/`` routes alone: a region's side channel (loopback, plain
    HTTP, its URL is ``control_url`` in ``server.json``)."""
    return Dispatcher(svc, [*CONTROL_ROUTES])
