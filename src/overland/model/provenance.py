"""Where a value came from: sources, statuses and competing claims.

Every value in the crossing data is a :class:`Claim`: the value plus its
provenance. A :class:`Fact` holds one or more claims about the same thing;
when sources disagree every claim is kept and exactly one is the default.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, RootModel, model_validator

T = TypeVar("T")

SEED_FILES = (
    "000_20c60b193c1bfec8.txt",  # Wikipedia "Torugart Pass"
    "001_d50ea4359e5afc49.txt",  # TIBETMOTO: entering China at Torugart with your own vehicle
    "002_ea37b29e196322a1.txt",  # Wikipedia "Khorgos"
)
_SOURCE_RE = re.compile(r"^(seed:(?P<seed>\S+)|https?://\S+)$")


class Strict(BaseModel):
    """Base of every data model: unknown fields rejected, instances frozen.

    Validators are built on first use (``defer_build``), not when the class is defined: the
    base classes, the generic ``Claim[...]`` inside each ``Fact[...]`` and every model nested
    in a data file are never validated on their own, and models no command at hand reads
    (crossing reports, observations, freight scenarios) cost only their definition.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Status(StrEnum):
    """How a value is known."""

    sourced = "sourced"  # stated by the cited source
    derived = "derived"  # computed from other values; `derived_from` says how
    assumed = "assumed"  # nobody states it; `reason` says why we chose it


class Provenance(Strict):
    """The provenance fields shared by every claim.

    ``source`` is ``seed:<file name>`` for a seed document in data/seeds, or a URL
    from shared/facts. ``quote`` is the words of the source, ``as_of`` the date the
    source shows (free text, e.g. ``2025-11-25`` or ``2018 trip``). ``valid_from`` and
    ``valid_until`` (dates, both ends included) bound the period the value holds, when
    the source says so (a season, a trial regime, a clock change); left out, the value
    holds without a bound on that side.
    """

    status: Status
    source: str | None = None
    quote: str | None = None
    as_of: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    derived_from: str | None = None
    reason: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _status_needs_its_evidence(self) -> Provenance:
        if self.source is not None:
            match = _SOURCE_RE.match(self.source)
            if match is None:
                msg = f"source {self.source!r} must be 'seed:<file>' or an http(s) URL"
                raise ValueError(msg)
            seed = match.group("seed")
            if seed is not None and seed not in SEED_FILES:
                msg = f"unknown seed file {seed!r}; the seeds are {', '.join(SEED_FILES)}"
                raise ValueError(msg)
        if self.valid_from is not None and self.valid_until is not None and self.valid_until < self.valid_from:
            msg = f"valid_until {self.valid_until} is before valid_from {self.valid_from}"
            raise ValueError(msg)
        if self.status is Status.sourced and self.source is None:
            msg = "a 'sourced' value needs a 'source' (seed:<file> or URL)"
            raise ValueError(msg)
        if self.status is Status.derived and not self.derived_from:
            msg = "a 'derived' value needs 'derived_from' saying what it was derived from"
            raise ValueError(msg)
        if self.status is Status.assumed and not self.reason:
            msg = "an 'assumed' value needs a 'reason' saying why it was assumed"
            raise ValueError(msg)
        return self

    def holds_on(self, day: date) -> bool:
        """True when ``day`` lies in the claim's validity period (an open end holds on that side)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def citation(self) -> str:
        """One line saying how the value is known."""
        if self.status is Status.sourced:
            text = f"sourced: {self.source}"
            if self.as_of:
                text += f" ({self.as_of})"
        elif self.status is Status.derived:
            text = f"derived from {self.derived_from}"
        else:
            text = f"assumed: {self.reason}"
        return text


class Claim(Provenance, Generic[T]):
    """One source's statement of a value."""

    value: T
    default: bool = False


class Fact(RootModel[list[Claim[T]]], Generic[T]):
    """One or more claims about the same value; exactly one is the default.

    In YAML a fact with a single claim may be written as a mapping; several
    claims are a list with ``default: true`` on the one the tools use.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)  # as Strict's

    @model_validator(mode="before")
    @classmethod
    def _single_claim_as_list(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return [data]
        return data

    @model_validator(mode="after")
    def _exactly_one_default(self) -> Fact[T]:
        claims = self.root
        if not claims:
            msg = "a fact needs at least one claim"
            raise ValueError(msg)
        defaults = [c for c in claims if c.default]
        if len(claims) > 1 and len(defaults) != 1:
            msg = (
                f"{len(claims)} claims disagree and {len(defaults)} is marked default: "
                "mark exactly one with 'default: true'"
            )
            raise ValueError(msg)
        return self

    @cached_property
    def claim(self) -> Claim[T]:
        """The default claim."""
        if len(self.root) == 1:
            return self.root[0]
        return next(c for c in self.root if c.default)

    @cached_property
    def value(self) -> T:
        """The default claim's value."""
        return self.claim.value

    def claim_on(self, day: date) -> tuple[Claim[T], bool]:
        """The claim to use on ``day``, and whether any claim holds that day.

        The default wherever its validity holds; on a day outside it, the claim holding that
        day with the latest ``valid_from`` (a regime that replaced an older one), the first
        in the file on a tie; when no claim holds, the default all the same (and False).
        """
        chosen = self.claim
        if chosen.holds_on(day):
            return chosen, True
        holding = [c for c in self.root if c.holds_on(day)]
        if not holding:
            return chosen, False
        return max(holding, key=lambda c: c.valid_from or date.min), True

    @property
    def others(self) -> list[Claim[T]]:
        """The claims that are not the default."""
        chosen = self.claim
        return [c for c in self.root if c is not chosen]
