"""``dyads serve``: the web app over an event store (registered by the lead in ``dyads.cli``)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True, soft_wrap=True)


def serve(
    db: Annotated[Path, typer.Option("--db", help="Event store to serve (opened read-only).")] = Path("dyads.duckdb"),
    host: Annotated[str, typer.Option("--host", help="Address to bind (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    allow_sql: Annotated[bool, typer.Option(
        "--allow-sql", help="Enable /api/sql: read-only SELECTs typed by the user (off by default).")] = False,
) -> None:
    """Browse the coded events in a local web app; every page has a JSON twin, the API is at /api."""
    import uvicorn

    from .app import create_app
    from .database import StoreError

    try:
        app = create_app(str(db), allow_sql=allow_sql)
    except StoreError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from None
    if not _is_loopback(host):
        err.print(f"[yellow]warning:[/] listening on {host}: anyone who can reach this address can read the store")
    if allow_sql:
        err.print("[yellow]note:[/] --allow-sql: /api/sql runs read-only SELECTs typed by users")
    err.print(f"serving [bold]{db}[/] at [link]http://{_url_host(host)}:{port}/[/link]  (Ctrl+C to stop)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except OSError as exc:  # e.g. port already in use
        err.print(f"[red]error:[/] cannot listen on {host}:{port}: {exc.strerror or exc}")
        raise typer.Exit(1) from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
