"""The FastAPI application: wiring, security headers, body limit, per-request stores."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import IncidexError, NotFoundError
from ..store import Store

__all__ = ["Stores", "StoresDep", "create_app", "serve"]

_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _static_dir() -> Path:
    return Path(str(resources.files("incidex.web").joinpath("static")))


class Stores:
    """Opens a :class:`Store` for the calling thread; one per request, closed after it.

    SQLite connections belong to the thread that opened them, and FastAPI may run a
    dependency and its endpoint on different worker threads, so endpoints open the store
    themselves with ``with stores.open() as store:``.
    """

    def __init__(self, db: str) -> None:
        self.db = db
        self._extractor: Any = None
        # spaCy pipelines are not meant to be shared between threads: one extraction at a time.
        self.extract_lock = threading.Lock()
        # One resolver for the server's life (building one reads the latest 10,000 stored
        # reports: seconds on a large database); saves that use it take turns.
        self._resolver: Any = None
        self.resolve_lock = threading.Lock()

    @contextmanager
    def open(self) -> Iterator[Store]:
        store = Store(self.db)
        try:
            yield store
        finally:
            store.close()

    def extractor(self) -> Any:
        """The (lazily loaded) extractor; call with ``extract_lock`` held."""
        if self._extractor is None:
            from ..nlp.extract import Extractor

            self._extractor = Extractor()
        return self._extractor

    def resolver(self, store: Store) -> Any:
        """The server's resolver, working on ``store`` (this request's connection); call
        with ``resolve_lock`` held."""
        if self._resolver is None:
            from ..resolve import IncidentResolver

            self._resolver = IncidentResolver(store)
        else:
            self._resolver.use(store)
        return self._resolver


def _stores(request: Request) -> Stores:
    stores: Stores = request.app.state.stores
    return stores


StoresDep = Annotated[Stores, Depends(_stores)]


def _csp(tiles: str | None) -> str:
    img = "'self' data:"
    if tiles:
        parts = urlsplit(tiles.replace("{s}", "a"))
        if parts.scheme in {"http", "https"} and parts.netloc:
            # Tile hosts such as {s}.tile.example.org: allow every subdomain of the host.
            host = tiles.split("//", 1)[1].split("/", 1)[0].replace("{s}", "*")
            img += f" {parts.scheme}://{host}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {img}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )


class _Guard:
    """ASGI middleware: security headers on every response, a bound on request bodies."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, csp: str) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in self.headers if h[0] not in names]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        if scope["method"] in _BODY_METHODS:
            body = await self._read_body(scope, receive)
            if body is None:
                response = JSONResponse(
                    {"detail": f"request body over the limit of {self.max_body_bytes} bytes"},
                    status_code=413,
                )
                await response(scope, receive, send_with_headers)
                return
            receive = _replay(body)
        await self.app(scope, receive, send_with_headers)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None when it is (or says it is) over the limit."""
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    if int(value) > self.max_body_bytes:
                        return None
                except ValueError:
                    return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def create_app(db: str, *, token: str | None = None, max_body_bytes: int = 1_000_000) -> FastAPI:
    """The incidex web app over the SQLite database ``db``.

    With ``token`` set, ``POST /api/reports`` accepts reports from clients sending
    ``Authorization: Bearer <token>``; without it the server is read-only. ``INCIDEX_TILES``
    (a tile URL template such as ``https://tile.example.org/{z}/{x}/{y}.png``) adds a tile
    layer to the maps; by default they draw bundled country outlines only.
    """
    from ._api import router as api_router
    from ._pages import router as pages_router

    # Open once now, so a bad path or foreign file fails at start, not on the first request.
    Store(db).close()
    tiles = os.environ.get("INCIDEX_TILES") or None
    app = FastAPI(
        title="incidex",
        summary="Sourced incident records from news reports on political violence.",
        version=_version(),
        docs_url=None,  # Swagger UI loads scripts from a CDN: no network, and the CSP forbids it
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.stores = Stores(db)
    app.state.token = token or None
    app.state.tiles = tiles
    app.state.tiles_attribution = os.environ.get("INCIDEX_TILES_ATTRIBUTION", "")
    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=_static_dir()), name="static")

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        from ._pages import error_page

        return error_page(request, 404, "Not found", str(exc))

    @app.exception_handler(IncidexError)
    async def _incidex_error(request: Request, exc: IncidexError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        from ._pages import error_page

        return error_page(request, 400, "Bad request", str(exc))

    app.add_middleware(_Guard, max_body_bytes=max_body_bytes, csp=_csp(tiles))
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("incidex")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "0"


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    """Run the app with uvicorn until interrupted; ``token`` defaults to ``INCIDEX_TOKEN``."""
    import uvicorn

    if token is None:
        token = os.environ.get("INCIDEX_TOKEN") or None
    # Keep idle connections longer than clients do (httpx and many proxies keep them 5 s,
    # uvicorn's default is also 5 s): with equal timeouts a client may send a request on a
    # connection the server is closing, which the load test saw as dropped requests.
    uvicorn.run(
        create_app(db, token=token),
        host=host,
        port=port,
        log_level="info",
        timeout_keep_alive=75,
    )
