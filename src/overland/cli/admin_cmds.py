"""``overland admin``: reporting tokens and the moderation of reports (the reports database)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from overland.cli.app import app, err, out

admin_app = typer.Typer(help="Administer the reports database: tokens, moderation.", no_args_is_help=True)
token_app = typer.Typer(help="Tokens that may submit reports over HTTP (POST /api/reports).", no_args_is_help=True)
reports_app = typer.Typer(help="Moderate reports: hide one from lists, statistics and calibration.",
                          no_args_is_help=True)
admin_app.add_typer(token_app, name="token")
admin_app.add_typer(reports_app, name="reports")
app.add_typer(admin_app, name="admin")


def _store():
    from overland.store.db import open_store

    return open_store()


def _now() -> datetime:
    return datetime.now(timezone.utc)


@token_app.command("create")
def create(name: Annotated[str, typer.Argument(help="Who the token is for, e.g. alice or the-hostel.")]) -> None:
    """Make a token and print it, once: only its SHA-256 digest is kept, so it cannot be shown again.

    The token alone goes to standard output (TOKEN=$(overland admin token create alice)).
    """
    from overland.store.reports import create_token

    store = _store()
    try:
        with store.writing() as session, session.begin():
            token, secret = create_token(session, name, now=_now())
            token_id = token.id
    finally:
        store.close()
    print(secret)
    err.print(f"token {token_id} for {name!r}: keep it now, it is not shown again. Send it as "
              "'Authorization: Bearer TOKEN' to POST /api/reports.", highlight=False, markup=False, soft_wrap=True)


@token_app.command("list")
def list_tokens() -> None:
    """The tokens: id, name, made, revoked, reports sent (never the tokens themselves)."""
    from overland.store.reports import tokens

    store = _store()
    try:
        with store.session() as session:
            found = tokens(session)
    finally:
        store.close()
    table = Table(header_style="bold")
    for column in ("id", "name", "made (UTC)", "revoked (UTC)", "reports"):
        table.add_column(column)
    for token, count in found:
        revoked = f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else ""
        table.add_row(str(token.id), escape(token.name), f"{token.created_at:%Y-%m-%d %H:%M}", revoked, str(count))
    out.print(table)


@token_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Refuse a token from now on (the reports it sent stay)."""
    from overland.store.reports import revoke_token

    store = _store()
    try:
        with store.writing() as session, session.begin():
            revoke_token(session, name, now=_now())
    finally:
        store.close()
    out.print(f"token {name!r} revoked", highlight=False, markup=False)


def _set_hidden(report_id: int, hidden: bool) -> None:
    from overland.store.reports import set_hidden

    store = _store()
    try:
        with store.writing() as session, session.begin():
            set_hidden(session, report_id, hidden=hidden)
    finally:
        store.close()
    out.print(f"report {report_id} {'hidden' if hidden else 'shown again'}", highlight=False, markup=False)


@reports_app.command("hide")
def hide(report_id: Annotated[int, typer.Argument(help="The report's id (see `overland admin reports list`).")]) -> None:
    """Hide a report: it leaves the lists, the statistics and the calibration (it stays in the database)."""
    _set_hidden(report_id, True)


@reports_app.command("unhide")
def unhide(report_id: Annotated[int, typer.Argument(help="The report's id.")]) -> None:
    """Show a hidden report again."""
    _set_hidden(report_id, False)


@reports_app.command("list")
def list_reports_cmd(
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest first.")] = 50,
) -> None:
    """The newest reports, hidden ones included, with the token that sent each (by name)."""
    from sqlalchemy import select

    from overland.store.reports import list_reports
    from overland.store.schema import Token

    store = _store()
    try:
        with store.session() as session:
            rows = list_reports(session, limit=limit, include_hidden=True)
            names = dict(session.execute(select(Token.id, Token.name)).all())
            table = Table(header_style="bold")
            for column in ("id", "day", "crossing", "mode", "outcome", "stages", "token", "hidden", "note"):
                table.add_column(column, no_wrap=column in ("id", "day"), min_width=3 if column != "note" else 12)
            for r in rows:
                note = (r.note or "")[:60] + ("…" if r.note and len(r.note) > 60 else "")
                table.add_row(str(r.id), r.day.isoformat(), f"{r.crossing} {r.direction}", r.mode, r.outcome,
                              str(len(r.stages)), escape(names.get(r.token_id, "(local)")), "yes" if r.hidden else "",
                              escape(note))
    finally:
        store.close()
    out.print(table)
