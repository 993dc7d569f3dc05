"""The app factory: a Service plus the route tables, as one ASGI application."""

from __future__ import annotations

from . import faas
from .control_routes import CONTROL_ROUTES
from .routes import ROUTES
from .service import ServerConfig, Service
from .wire import Dispatcher


def create_app(config: ServerConfig | None = None, svc: Service | None = None) -> Dispatcher:
    """Streaming's routes, localoci's own ``/_localoci/`` routes, and the Functions and API
    Gateway stand-ins (:func:`localoci.faas.install`), over ``svc`` (or a new one on ``config``)."""
    if svc is None:
        if config is None:
            raise ValueError("give a ServerConfig or a Service")
        svc = Service(config)
    app = Dispatcher(svc, [*ROUTES, *CONTROL_ROUTES])
    faas.install(app, svc)
    return app
