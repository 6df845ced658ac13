"""``overland serve``: the web page and the HTTP API (uvicorn)."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from overland.cli.common import DataOption, err
from overland.errors import InputError, OverlandError

app = typer.Typer()


def _check_address(host: str, port: int) -> None:
    """Refuse, before announcing the page, an address this machine cannot listen on (exit 2) or a port in use (1)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise InputError(f"--host {host!r}: not an address this machine can listen on ({error})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise ServeError(f"cannot listen on {host} port {port}: {error.strerror}") from None


class ServeError(OverlandError):
    """The server cannot start (exit 1)."""

    exit_code = 1


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Worker processes (each plans on one core).")
    ] = 1,
    data: DataOption = None,
) -> None:
    """Serve the page (a form, a map, the timeline in both clocks) at / and the API under /api.

    Settings come from OVERLAND_* variables (OVERLAND_DATA, OVERLAND_TILES, OVERLAND_MAX_BODY_BYTES);
    the API's schema is at /openapi.json. Stop with Ctrl-C.
    """
    import uvicorn

    from overland.api.app import create_app
    from overland.api.settings import Settings

    if data is not None:
        os.environ["OVERLAND_DATA"] = str(data)  # the workers build their app from the environment
    application = create_app(Settings())  # wrong settings or data fail here, before the server starts
    _check_address(host, port)
    shown = f"[{host}]" if ":" in host else host
    err.print(
        f"overland: the page at http://{shown}:{port}/ · the API at http://{shown}:{port}/api "
        f"(schema: /openapi.json) · Ctrl-C to stop",
        highlight=False,
        soft_wrap=True,
    )
    if workers > 1:
        uvicorn.run(
            "overland.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
        )
    else:
        uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
