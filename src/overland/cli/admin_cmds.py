"""``overland admin``: reporting tokens and the moderation of reports (the reports database)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from overland.cli.common import err, out, service

app = typer.Typer(help="Administer the reports database: tokens, moderation.", no_args_is_help=True)
token_app = typer.Typer(help="Tokens that may submit reports over HTTP (POST /api/reports).", no_args_is_help=True)
reports_app = typer.Typer(
    help="Moderate reports: approve or reject those sent without a token, hide one from lists, statistics "
    "and calibration.",
    no_args_is_help=True,
)
app.add_typer(token_app, name="token")
app.add_typer(reports_app, name="reports")


@token_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Who the token is for, e.g. alice or the-hostel.")],
    moderator: Annotated[
        bool,
        typer.Option(
            "--moderator",
            help="The token may also approve and reject reports (the page at /moderate, /api/moderation).",
        ),
    ] = False,
) -> None:
    """Make a token and print it, once: only its SHA-256 digest is kept, so it cannot be shown again.

    The token alone goes to standard output (TOKEN=$(overland admin token create alice)).
    """
    token_id, secret = service().reports.create_token(name, moderator=moderator)
    print(secret)
    role = "a moderator's token: it may also approve and reject reports at /moderate. " if moderator else ""
    err.print(
        f"token {token_id} for {name!r}: keep it now, it is not shown again. {role}Send it as "
        "'Authorization: Bearer TOKEN' to POST /api/reports.",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@token_app.command("list")
def list_tokens() -> None:
    """The tokens: id, name, made, revoked, reports sent, moderator (never the tokens themselves)."""
    table = Table(header_style="bold")
    for column in ("id", "name", "made (UTC)", "revoked (UTC)", "reports", "moderator"):
        table.add_column(column)
    for token in service().reports.tokens():
        revoked = f"{token['revoked_at']:%Y-%m-%d %H:%M}" if token["revoked_at"] else ""
        table.add_row(
            str(token["id"]),
            escape(token["name"]),
            f"{token['created_at']:%Y-%m-%d %H:%M}",
            revoked,
            str(token["reports"]),
            "yes" if token["moderator"] else "",
        )
    out.print(table)


@token_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Refuse a token from now on (the reports it sent stay)."""
    service().reports.revoke_token(name)
    out.print(f"token {name!r} revoked", highlight=False, markup=False)


def _set_hidden(report_id: int, hidden: bool) -> None:
    service().reports.set_hidden(report_id, hidden=hidden)
    out.print(f"report {report_id} {'hidden' if hidden else 'shown again'}", highlight=False, markup=False)


@reports_app.command("hide")
def hide(
    report_id: Annotated[
        int, typer.Argument(min=1, max=2**63 - 1, help="The report's id (see `overland admin reports list`).")
    ],
) -> None:
    """Hide a report: it leaves the lists, the statistics and the calibration (it stays in the database)."""
    _set_hidden(report_id, True)


@reports_app.command("unhide")
def unhide(report_id: Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="The report's id.")]) -> None:
    """Show a hidden report again."""
    _set_hidden(report_id, False)


def _review(report_id: int, approve: bool) -> None:
    service().reports.review(report_id, approve=approve)
    said = "approved: it is shown and the plans use it" if approve else "rejected: it stays hidden"
    out.print(f"report {report_id} {said}", highlight=False, markup=False)


@reports_app.command("approve")
def approve(
    report_id: Annotated[int, typer.Argument(help="The report's id (see `overland admin reports pending`).")],
) -> None:
    """Approve a report sent without a token: it is shown, and the plans use it, from now on."""
    _review(report_id, True)


@reports_app.command("reject")
def reject(report_id: Annotated[int, typer.Argument(help="The report's id.")]) -> None:
    """Reject a report sent without a token: it stays in the database, hidden."""
    _review(report_id, False)


def _table(reports: list[dict]) -> Table:
    table = Table(header_style="bold")
    for column in ("id", "day", "crossing", "mode", "outcome", "stages", "token", "state", "note"):
        table.add_column(column, no_wrap=column in ("id", "day"), min_width=3 if column != "note" else 12)
    for r in reports:
        note = (r["note"] or "")[:60] + ("…" if r["note"] and len(r["note"]) > 60 else "")
        table.add_row(
            str(r["id"]),
            r["day"],
            f"{r['crossing']} {r['direction']}",
            r["mode"],
            r["outcome"],
            str(len(r["stages"])),
            escape(r["token"]),
            "" if r["state"] == "published" else r["state"],
            escape(note),
        )
    return table


@reports_app.command("list")
def list_reports_cmd(
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest first.")] = 50,
) -> None:
    """The newest reports, hidden and pending ones included, with the token that sent each (by name)."""
    out.print(_table(service().reports.moderation_list(limit=limit)))


@reports_app.command("pending")
def pending(
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest first.")] = 50,
) -> None:
    """The reports sent without a token that wait for a moderator (approve ID or reject ID)."""
    waiting = service().reports.moderation_list(limit=limit, only_pending=True)
    if not waiting:
        out.print("no report waits for a moderator", highlight=False, markup=False)
        return
    out.print(_table(waiting))
