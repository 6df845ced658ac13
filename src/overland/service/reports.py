"""Crossing reports as use cases: add, import, submit (with a token, or without one into the
moderation queue), list, moderate, tokens, and what reports saw at a stage.

Every function opens its own session on the service's store and owns its
transaction; the adapters (``overland report``, ``overland admin``, ``/api/reports``)
only parse, call and render. A write tells the service, so the next plan reads the
reports again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from overland.errors import Forbidden, KeyReused, RateLimited, Unauthorized
from overland.model.catalog import Catalog
from overland.model.crossing import Mode
from overland.model.report import Observation, ReportIn, check_report

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from overland.planner.calibration import Learned
    from overland.store.db import Store


OBSERVED_KEPT = 1024  # stage answers kept at most (stages x modes x days)


class Host(Protocol):
    """What the reports need of the service that owns them (:class:`overland.service.Overland`)."""

    @property
    def catalog(self) -> Catalog: ...

    def store(self) -> Store: ...

    def has_reports_database(self) -> bool: ...

    def now(self) -> datetime: ...

    def today(self) -> date: ...

    @property
    def learned(self) -> Learned: ...

    def observations(self) -> tuple[Observation, ...]: ...

    def reports_changed(self) -> None: ...


def sender(row: Any) -> str:
    """Who sent a report without a token: "(no token)" when it came through the moderation queue
    (pending, or reviewed), "(local)" when it was added or imported on the command line."""
    return "(no token)" if row.pending or row.reviewed_at is not None else "(local)"


class Reports:
    """The reports of one service's database."""

    def __init__(self, service: Host) -> None:
        self.service = service
        # What the reports saw at each stage, kept while the reports read are the same tuple.
        self._observed: tuple[tuple[Observation, ...], dict[tuple[Any, ...], dict[str, Any]]] = ((), {})

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self.service.store().session() as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self.service.store().writing() as session, session.begin():
            yield session
        self.service.reports_changed()

    def where(self) -> str:
        """The database's URL, its password hidden."""
        from overland.store.location import shown

        return shown(self.service.store().url)

    # -- checking --------------------------------------------------------------------------

    def problems(self, report: ReportIn) -> list[Any]:
        """What is wrong with ``report`` against the data and the present (empty: nothing)."""
        return check_report(report, self.service.catalog, now=self.service.now())

    # -- writing ---------------------------------------------------------------------------

    def add(self, report: ReportIn, *, token_id: int | None = None) -> dict[str, Any]:
        """Store a report already checked with :meth:`problems`; its stored view."""
        from overland.store.reports import add_report, report_view

        with self._writing() as session:
            row = add_report(session, report, token_id=token_id, now=self.service.now())
            return report_view(row)

    def add_many(self, reports: list[ReportIn]) -> list[int]:
        """Store several reports in one transaction (all or none); their ids."""
        from overland.store.reports import add_report

        now = self.service.now()
        with self._writing() as session:
            return [add_report(session, report, token_id=None, now=now).id for report in reports]

    def import_csv(self, path: Path) -> tuple[list[int], int]:
        """Import the reports of a CSV file (all, or none when a row is wrong): their ids and stage count."""
        from overland.io.report_files import read_reports_csv

        reports = read_reports_csv(path, self.service.catalog, now=self.service.now())
        return self.add_many(reports), sum(len(r.stages) for r in reports)

    def token_id(self, secret: str) -> int:
        """The id of the live token whose secret is ``secret``; :class:`Unauthorized` otherwise."""
        from overland.store.reports import find_token

        if not secret:
            msg = (
                "send your reporting token as 'Authorization: Bearer TOKEN' "
                "(an administrator makes one with `overland admin token create NAME`)"
            )
            raise Unauthorized(msg)
        with self._reading() as session:
            token = find_token(session, secret)
        if token is None:
            msg = "this token is not known or has been revoked: check it, or ask for a new one"
            raise Unauthorized(msg)
        return token.id

    def submit(
        self, report: ReportIn, *, token_id: int, per_hour: int, key: str | None = None, body_digest: str = ""
    ) -> dict[str, Any]:
        """Store a report sent with a token, at most ``per_hour`` reports an hour per token.

        With an idempotency ``key`` (and the SHA-256 ``body_digest`` of the request), a retry of the
        same token, key and body within a day stores nothing and gives the first report's view
        again; the same key with another body is a :class:`KeyReused` error."""
        from overland.store.reports import add_report, get_report, report_view, retry_after
        from overland.store.schema import Token

        now = self.service.now()
        with self._writing() as session:
            token = session.get(Token, token_id, with_for_update=True)  # one report at a time per token
            if token is None or token.revoked_at is not None:
                msg = "this token has been revoked"
                raise Unauthorized(msg)
            sender = f"token:{token.id}"
            first = self._first(session, sender, key, body_digest, now=now)
            if first is not None:
                return report_view(get_report(session, first, include_hidden=True))
            wait = retry_after(session, token, limit=per_hour, now=now)
            if wait:
                msg = f"this token may send {per_hour} reports an hour: try again in {wait} seconds"
                raise RateLimited(msg, wait)
            row = add_report(session, report, token_id=token.id, now=now)
            self._keep(session, sender, key, body_digest, row.id, now=now)
            return report_view(row)

    def submit_anonymous(
        self, report: ReportIn, *, address: str, per_hour: int, key: str | None = None, body_digest: str = ""
    ) -> dict[str, Any]:
        """Queue a report sent without a token: it waits, unseen and unused by the plans, until a
        moderator approves it. At most ``per_hour`` such reports an hour per sender ``address``,
        which is kept only as a keyed digest, and only for a day. An idempotency ``key`` works as
        in :meth:`submit`, the sender being the address's digest."""
        from overland.store.reports import (
            add_report,
            address_digest,
            address_key,
            address_retry_after,
            forget_addresses,
            get_report,
        )
        from overland.store.schema import StoreKey

        now = self.service.now()
        with self._writing() as session:
            session.get(StoreKey, "address", with_for_update=True)  # one queued report at a time (PostgreSQL)
            sender = address_digest(address_key(session), address)
            forget_addresses(session, now=now)
            first = self._first(session, f"address:{sender}", key, body_digest, now=now)
            if first is not None:
                row = get_report(session, first, include_hidden=True)
                return {"id": row.id, "state": "pending", "submitted": row.created_at.isoformat()}
            wait = address_retry_after(session, sender, limit=per_hour, now=now)
            if wait:
                msg = f"{per_hour} reports an hour may be sent without a token from one address: try again in {wait} seconds"
                raise RateLimited(msg, wait)
            row = add_report(session, report, token_id=None, now=now, pending=True, address_digest=sender)
            self._keep(session, f"address:{sender}", key, body_digest, row.id, now=now)
            return {"id": row.id, "state": "pending", "submitted": row.created_at.isoformat()}

    @staticmethod
    def _first(session: Session, sender: str, key: str | None, body_digest: str, *, now: datetime) -> int | None:
        """The id of the report ``sender`` made with ``key`` less than a day ago (None: a new request);
        :class:`KeyReused` when that request had another body. Expired keys are dropped first."""
        from overland.store.reports import find_idempotency_key, forget_idempotency_keys

        forget_idempotency_keys(session, now=now)
        if key is None:
            return None
        kept = find_idempotency_key(session, sender, key, now=now)
        if kept is None:
            return None
        if kept.body_digest != body_digest:
            msg = (
                f"this Idempotency-Key was used for another report (report {kept.report_id}): "
                "send each new report with a new key, and a retry with the same body"
            )
            raise KeyReused(msg)
        return kept.report_id

    @staticmethod
    def _keep(
        session: Session, sender: str, key: str | None, body_digest: str, report_id: int, *, now: datetime
    ) -> None:
        from overland.store.reports import keep_idempotency_key

        if key is not None:
            keep_idempotency_key(session, sender, key, body_digest=body_digest, report_id=report_id, now=now)

    def moderator_id(self, secret: str) -> int:
        """The id of the live moderator token whose secret is ``secret``: :class:`Unauthorized` without
        a known token, :class:`Forbidden` with a token that may only report."""
        from overland.store.schema import Token

        token_id = self.token_id(secret)
        with self._reading() as session:
            token = session.get(Token, token_id)
            if token is None or not token.moderator:
                msg = (
                    "this token may send reports but not moderate them "
                    "(an administrator makes a moderator's token with `overland admin token create NAME --moderator`)"
                )
                raise Forbidden(msg)
        return token_id

    def review(self, report_id: int, *, approve: bool) -> dict[str, Any]:
        """Approve a report (shown and used by the plans from now on) or reject it (kept, hidden)."""
        from overland.store.reports import report_view, review

        with self._writing() as session:
            return report_view(review(session, report_id, approve=approve, now=self.service.now()), with_hidden=True)

    def set_hidden(self, report_id: int, *, hidden: bool) -> None:
        """Hide a report (it leaves the lists, statistics and calibration) or show it again."""
        from overland.store.reports import set_hidden

        with self._writing() as session:
            set_hidden(session, report_id, hidden=hidden)

    # -- reading ---------------------------------------------------------------------------

    def find(
        self,
        *,
        crossing: str | None = None,
        stage: str | None = None,
        limit: int | None = None,
        before: int | None = None,
        include_hidden: bool = False,
    ) -> list[dict[str, Any]]:
        """Reports as data, newest first (hidden ones only with ``include_hidden``)."""
        from overland.store.reports import list_reports, report_view

        if not self.service.has_reports_database():
            return []
        with self._reading() as session:
            rows = list_reports(
                session, crossing=crossing, stage=stage, limit=limit, before=before, include_hidden=include_hidden
            )
            return [report_view(r, with_hidden=include_hidden) for r in rows]

    def moderation_list(
        self, *, limit: int, only_pending: bool = False, before: int | None = None
    ) -> list[dict[str, Any]]:
        """The newest reports, hidden and pending ones included (or only the pending ones), each with
        its ``state`` and the name of the token that sent it ("(no token)" for the queue's)."""
        from sqlalchemy import select

        from overland.store.reports import list_reports, report_view
        from overland.store.schema import Token

        with self._reading() as session:
            rows = list_reports(session, limit=limit, include_hidden=True, only_pending=only_pending, before=before)
            names = dict(session.execute(select(Token.id, Token.name)).all())
            return [
                report_view(r, with_hidden=True)
                | {"token": names.get(r.token_id, "(local)") if r.token_id else sender(r)}
                for r in rows
            ]

    def get(self, report_id: int) -> dict[str, Any]:
        """One visible report; :class:`UnknownIdError` when there is none (or it is hidden)."""
        from overland.store.reports import get_report, report_view

        with self._reading() as session:
            return report_view(get_report(session, report_id))

    def observed_stages(self) -> list[dict[str, Any]]:
        """Every stage the visible reports passed: how many and the newest day."""
        catalog = self.service.catalog
        rows: dict[str, dict[str, Any]] = {}
        for obs in self.service.observations():
            if obs.crossing not in catalog.crossings or obs.stage not in catalog.crossings[obs.crossing].stages:
                continue
            row = rows.setdefault(
                obs.ref, {"stage": obs.ref, "name": catalog.node_name(obs.ref), "reports": 0, "last": None}
            )
            row["reports"] += 1
            row["last"] = max(row["last"] or obs.day.isoformat(), obs.day.isoformat())
        return sorted(rows.values(), key=lambda r: r["stage"])

    def observed(self, crossing: str, stage: str, *, mode: Mode | None = None) -> dict[str, Any]:
        """What the reports saw at a stage (waits, processing, outcomes) and, per mode, the time plans use.

        Worked out once per stage while the reports stay the same (a write reads them again)."""
        every = self.service.observations()
        kept, answers = self._observed
        if kept is not every:
            answers = {}
            self._observed = (every, answers)
        key = (crossing, stage, mode, self.service.today())
        answer = answers.get(key)
        if answer is None:
            answer = self._work_out_observed(every, crossing, stage, mode)
            if len(answers) >= OBSERVED_KEPT:
                answers.clear()
            answers[key] = answer
        return answer

    def _work_out_observed(
        self, every: tuple[Observation, ...], crossing: str, stage: str, mode: Mode | None
    ) -> dict[str, Any]:
        from overland.planner.calibration import as_distribution, calibrate, observed_summary, quantile
        from overland.store.reports import outcomes

        catalog = self.service.catalog
        _, _, found = catalog.stage(f"{crossing}/{stage}")
        seen = [o for o in every if o.crossing == crossing and o.stage == stage and (mode is None or o.mode is mode)]
        with self._reading() as session:
            ends = outcomes(session, crossing=crossing, stage=stage)
        summary = observed_summary(seen)
        calibration = calibrate(catalog, seen, as_of=self.service.today(), learned=self.service.learned)
        estimates = []
        for used in calibration.stages:
            fact = calibration.catalog.crossings[crossing].stages[stage].processing_for(used.mode)
            assert fact is not None
            estimates.append({
                "mode": used.mode.value, "reports": used.reports, "data_p50_minutes": round(used.prior_median, 1),
                "p50_minutes": round(used.median, 1), "p90_minutes": round(quantile(as_distribution(fact.value), 0.9), 1),
                "observed_share": round(used.observed_share, 3),
            })  # fmt: skip
        return {
            "stage": f"{crossing}/{stage}", "name": found.name, "mode": mode.value if mode else None,
            "reports": summary["observations"], "first": summary["first"], "last": summary["last"],
            "wait_minutes": summary["wait_minutes"], "processing_minutes": summary["processing_minutes"],
            "outcomes": dict(ends), "estimates": estimates,
        }  # fmt: skip

    # -- tokens --------------------------------------------------------------------------

    def create_token(self, name: str, *, moderator: bool = False) -> tuple[int, str]:
        """A new token called ``name``: its id and its secret (shown once, kept only as a digest); a
        ``moderator``'s token may also approve and reject the reports sent without a token."""
        from overland.store.reports import create_token

        with self._writing() as session:
            token, secret = create_token(session, name, now=self.service.now(), moderator=moderator)
            return token.id, secret

    def tokens(self) -> list[dict[str, Any]]:
        """Every token: id, name, made, revoked, reports sent (never the secret)."""
        from overland.store.reports import tokens

        with self._reading() as session:
            return [
                {
                    "id": t.id,
                    "name": t.name,
                    "created_at": t.created_at,
                    "revoked_at": t.revoked_at,
                    "reports": count,
                    "moderator": t.moderator,
                }
                for t, count in tokens(session)
            ]

    def revoke_token(self, name: str) -> None:
        """Refuse the token called ``name`` from now on (its reports stay)."""
        from overland.store.reports import revoke_token

        with self._writing() as session:
            revoke_token(session, name, now=self.service.now())
