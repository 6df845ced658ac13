"""Reading and writing reports and tokens: what the API and the command line call, inside a session.

The caller owns the transaction (``with store.writing() as session, session.begin(): ...``).
A token's secret is shown once, when it is made, and kept only as its SHA-256 digest;
a presented secret is looked up by its digest and compared in constant time. A report
sent without a token is kept ``pending`` until a moderator approves it, with the
sender's address as a keyed digest for the rate limit (forgotten after a day). A report
sent with an idempotency key leaves the key for a day, with its sender, the digest of its
body and the report's id: a retry finds the report instead of storing another.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from overland.errors import InputError, UnknownIdError
from overland.model.crossing import Mode
from overland.model.report import Observation, ReportIn
from overland.store.schema import IdempotencyKey, Report, ReportStage, StoreKey, Token

TOKEN_PREFIX = "ovl_"
MAX_SECRET = 200
TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
TIMES = ("arrived", "started", "finished")
ADDRESS_KEPT = timedelta(days=1)  # how long a sender's address digest is kept (the rate limit needs an hour)
STATES = ("published", "pending", "hidden")
KEY_KEPT = timedelta(hours=24)  # how long an idempotency key is kept


def _visible() -> Any:
    """The reports shown and used by the plans: approved (not pending) and not hidden."""
    return (Report.hidden.is_(False)) & (Report.pending.is_(False))


def digest(secret: str) -> str:
    """The SHA-256 digest of a token's secret, in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, *, now: datetime, moderator: bool = False) -> tuple[Token, str]:
    """A new token called ``name`` and its secret (shown to the user once, never stored); a
    ``moderator`` token may also approve and reject reports."""
    if not TOKEN_NAME.match(name):
        msg = f"token name {name!r}: use 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
        raise InputError(msg)
    if session.scalars(select(Token).where(Token.name == name)).first() is not None:
        msg = f"a token named {name!r} exists already: choose another name, or revoke it and make a new one"
        raise InputError(msg)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = Token(name=name, digest=digest(secret), created_at=now, moderator=moderator)
    session.add(token)
    session.flush()
    return token, secret


def find_token(session: Session, secret: str | None, *, lock: bool = False) -> Token | None:
    """The live token whose secret is ``secret``, or None. ``lock`` holds its row until the transaction ends."""
    if not secret or len(secret) > MAX_SECRET:
        return None
    wanted = digest(secret)
    query = select(Token).where(Token.digest == wanted, Token.revoked_at.is_(None))
    if lock:
        query = query.with_for_update()
    token = session.scalars(query).first()
    if token is None or not hmac.compare_digest(token.digest.encode(), wanted.encode()):
        return None
    return token


def revoke_token(session: Session, name: str, *, now: datetime) -> Token:
    """Revoke the token called ``name``: its secret is refused from now on (its reports stay)."""
    token = session.scalars(select(Token).where(Token.name == name)).first()
    if token is None:
        names = list(session.scalars(select(Token.name)))
        raise UnknownIdError(f"no token named {name!r}" + (f" (tokens: {', '.join(sorted(names))})" if names else ""))
    if token.revoked_at is None:
        token.revoked_at = now
    return token


def tokens(session: Session) -> list[tuple[Token, int]]:
    """Every token with the number of reports it submitted."""
    counts = dict(session.execute(select(Report.token_id, func.count()).group_by(Report.token_id)).all())
    return [(t, counts.get(t.id, 0)) for t in session.scalars(select(Token).order_by(Token.id))]


def retry_after(
    session: Session, token: Token, *, limit: int, now: datetime, window: timedelta = timedelta(hours=1)
) -> int:
    """0 when ``token`` may submit another report; else the seconds until it may (``limit`` per ``window``)."""
    since = now - window
    query = select(Report.created_at).where(Report.token_id == token.id, Report.created_at > since)
    recent = sorted(session.scalars(query.order_by(Report.created_at.desc()).limit(limit)))
    if len(recent) < limit:
        return 0
    return max(1, int((recent[0] + window - now).total_seconds()) + 1)


def add_report(
    session: Session,
    report: ReportIn,
    *,
    token_id: int | None,
    now: datetime,
    pending: bool = False,
    address_digest: str | None = None,
) -> Report:
    """Store ``report`` (already checked with :func:`overland.model.report.check_report`); a
    ``pending`` one waits for a moderator."""
    row = Report(
        crossing=report.crossing, direction=report.direction, mode=report.mode.value, day=report.day,
        outcome=report.outcome.value, note=report.note or None, token_id=token_id, hidden=False, created_at=now,
        pending=pending, address_digest=address_digest,
    )  # fmt: skip
    for position, entry in enumerate(report.stages):
        stage = ReportStage(position=position, stage=entry.stage)
        for name in TIMES:
            stage.set_time(name, getattr(entry, name))
        row.stages.append(stage)
    session.add(row)
    session.flush()
    return row


def address_key(session: Session) -> bytes:
    """The store's key of the address digests (made by the migration)."""
    value = session.get(StoreKey, "address")
    if value is None:  # a database migrated by hand without its key row: make one
        value = StoreKey(name="address", value=secrets.token_hex(32))
        session.add(value)
        session.flush()
    return bytes.fromhex(value.value)


def address_digest(key: bytes, address: str) -> str:
    """The keyed digest (HMAC-SHA256, hex) of a sender's address: the same address, the same digest,
    and no way back to the address without the key."""
    return hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()


def address_retry_after(
    session: Session, digest_hex: str, *, limit: int, now: datetime, window: timedelta = timedelta(hours=1)
) -> int:
    """0 when the sender of ``digest_hex`` may send another report without a token; else the seconds
    until it may (``limit`` per ``window``)."""
    since = now - window
    query = select(Report.created_at).where(Report.address_digest == digest_hex, Report.created_at > since)
    recent = sorted(session.scalars(query.order_by(Report.created_at.desc()).limit(limit)))
    if len(recent) < limit:
        return 0
    return max(1, int((recent[0] + window - now).total_seconds()) + 1)


def forget_addresses(session: Session, *, now: datetime) -> int:
    """Drop the address digests older than :data:`ADDRESS_KEPT`; how many were dropped."""
    query = (
        update(Report)
        .where(Report.address_digest.is_not(None), Report.created_at < now - ADDRESS_KEPT)
        .values(address_digest=None)
    )
    return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]


def forget_idempotency_keys(session: Session, *, now: datetime) -> int:
    """Drop the idempotency keys older than :data:`KEY_KEPT`; how many were dropped."""
    query = delete(IdempotencyKey).where(IdempotencyKey.created_at <= now - KEY_KEPT)
    return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]


def find_idempotency_key(session: Session, sender: str, key: str, *, now: datetime) -> IdempotencyKey | None:
    """The idempotency key ``key`` of ``sender`` kept less than :data:`KEY_KEPT` ago, or None."""
    query = select(IdempotencyKey).where(
        IdempotencyKey.sender == sender, IdempotencyKey.key == key, IdempotencyKey.created_at > now - KEY_KEPT
    )
    return session.scalars(query).first()


def keep_idempotency_key(
    session: Session, sender: str, key: str, *, body_digest: str, report_id: int, now: datetime
) -> IdempotencyKey:
    """Remember that ``sender``'s request with ``key`` and a body of ``body_digest`` made ``report_id``."""
    row = IdempotencyKey(sender=sender, key=key, body_digest=body_digest, report_id=report_id, created_at=now)
    session.add(row)
    session.flush()
    return row


def review(session: Session, report_id: int, *, approve: bool, now: datetime) -> Report:
    """Approve a pending report (it is shown and used from now on) or reject it (it stays, hidden)."""
    row = get_report(session, report_id, include_hidden=True)
    if not row.pending:
        msg = f"report {report_id} is not waiting for a moderator (it is {state(row)}): hide or unhide it instead"
        raise InputError(msg)
    row.pending = False
    row.hidden = not approve
    row.reviewed_at = now
    return row


def state(row: Report) -> str:
    """``pending``, ``hidden`` or ``published``."""
    return "pending" if row.pending else "hidden" if row.hidden else "published"


def get_report(session: Session, report_id: int, *, include_hidden: bool = False) -> Report:
    """The report ``report_id``; an :class:`UnknownIdError` when there is none (or it is hidden or pending)."""
    row = session.get(Report, report_id)
    if row is None or ((row.hidden or row.pending) and not include_hidden):
        raise UnknownIdError(f"no report {report_id}")
    return row


def list_reports(
    session: Session,
    *,
    crossing: str | None = None,
    stage: str | None = None,
    limit: int | None = None,
    before: int | None = None,
    include_hidden: bool = False,
    only_pending: bool = False,
) -> list[Report]:
    """Reports, newest first: of ``crossing`` (and passing ``stage``), ids below ``before``, at most ``limit``;
    the visible ones, or all with ``include_hidden``, or those waiting for a moderator with ``only_pending``."""
    query = select(Report).order_by(Report.id.desc())
    if crossing is not None:
        query = query.where(Report.crossing == crossing)
    if stage is not None:
        query = query.where(Report.stages.any(ReportStage.stage == stage))
    if before is not None:
        query = query.where(Report.id < before)
    if only_pending:
        query = query.where(Report.pending.is_(True))
    elif not include_hidden:
        query = query.where(_visible())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def set_hidden(session: Session, report_id: int, *, hidden: bool = True) -> Report:
    """Hide a report (moderation: it leaves the lists, the statistics and the calibration) or show it again."""
    row = get_report(session, report_id, include_hidden=True)
    row.hidden = hidden
    return row


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    return round((b - a).total_seconds() / 60, 2) if a is not None and b is not None else None


def report_view(row: Report, *, with_hidden: bool = False) -> dict[str, Any]:
    """A report as data: times at the offsets they were given in, no token (not even its id), no address;
    ``with_hidden`` adds ``hidden`` and its ``state`` (published, pending, hidden)."""
    view: dict[str, Any] = {
        "id": row.id,
        "crossing": row.crossing,
        "direction": row.direction,
        "mode": row.mode,
        "day": row.day.isoformat(),
        "outcome": row.outcome,
        "note": row.note,
        "submitted": row.created_at.isoformat(),
        "stages": [
            {
                "stage": s.stage,
                **{name: (t.isoformat() if (t := s.time(name)) is not None else None) for name in TIMES},
                "wait_minutes": _minutes(s.arrived_at, s.started_at),
                "processing_minutes": _minutes(s.started_at, s.finished_at),
            }
            for s in row.stages
        ],
    }
    if with_hidden:
        view["hidden"] = row.hidden
        view["state"] = state(row)
    return view


def observations(
    session: Session, *, crossing: str | None = None, stage: str | None = None, mode: str | None = None
) -> list[Observation]:
    """What the visible reports saw at each stage: one :class:`Observation` per stage with a time to learn from."""
    query = (
        select(Report.crossing, Report.mode, Report.day, ReportStage.stage, ReportStage.arrived_at,
               ReportStage.started_at, ReportStage.finished_at, Report.token_id)
        .join(ReportStage, ReportStage.report_id == Report.id)
        .where(_visible())
        .order_by(Report.day, Report.id, ReportStage.position)
    )  # fmt: skip
    if crossing is not None:
        query = query.where(Report.crossing == crossing)
    if stage is not None:
        query = query.where(ReportStage.stage == stage)
    if mode is not None:
        query = query.where(Report.mode == mode)
    found = []
    for crossing_id, mode_text, day, stage_id, arrived, started, finished, token_id in session.execute(query):
        processing, wait = _minutes(started, finished), _minutes(arrived, started)
        if processing is None and wait is None:
            continue
        reporter = f"token {token_id}" if token_id is not None else None
        found.append(Observation(crossing_id, stage_id, Mode(mode_text), day, processing, wait, started, finished,
                                 reporter))  # fmt: skip
    return found


def fingerprint(session: Session) -> tuple[int, int, int, int, int, int]:
    """What changes whenever the visible reports change: a report added, deleted, hidden, shown again,
    approved or rejected."""
    hidden = case((Report.hidden.is_(True), 1), else_=0)
    pending = case((Report.pending.is_(True), 1), else_=0)
    query = select(
        func.count(),
        func.coalesce(func.max(Report.id), 0),
        func.coalesce(func.sum(hidden), 0),
        func.coalesce(func.sum(hidden * Report.id), 0),
        func.coalesce(func.sum(pending), 0),
        func.coalesce(func.sum(pending * Report.id), 0),
    )
    found = session.execute(query.select_from(Report)).one()
    count, top, hidden_count, hidden_ids, pending_count, pending_ids = (int(v) for v in found)
    return count, top, hidden_count, hidden_ids, pending_count, pending_ids


def outcomes(session: Session, *, crossing: str, stage: str) -> Counter[str]:
    """How the visible reports passing ``stage`` ended, by outcome."""
    query = (
        select(Report.outcome, func.count(func.distinct(Report.id)))
        .join(ReportStage, ReportStage.report_id == Report.id)
        .where(_visible(), Report.crossing == crossing, ReportStage.stage == stage)
        .group_by(Report.outcome)
    )  # fmt: skip
    return Counter(dict(session.execute(query).all()))


def last_day(session: Session, *, crossing: str, stage: str) -> date | None:
    """The day of the newest visible report passing ``stage``."""
    query = (
        select(func.max(Report.day))
        .join(ReportStage, ReportStage.report_id == Report.id)
        .where(_visible(), Report.crossing == crossing, ReportStage.stage == stage)
    )  # fmt: skip
    return session.scalar(query)
