"""Entry regimes: what a passport of each nationality needs to enter each country (data/entry-regimes.yaml).

Each regime is a fact (claims with sources; a regime with an end date carries ``valid_until``
and the claim for after it sits beside it), keyed by the country entered and the passport's
country, both ISO 3166 alpha-2 codes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from overland.model.place import CountryCode
from overland.model.provenance import Fact, Strict

NO_VISA = ("visa-free", "visa-on-arrival")  # kinds that need nothing arranged before the border


class Regime(Strict):
    """What entering needs: nothing but the passport, an e-visa, a visa on arrival, or a visa; and the
    longest stay per entry (None when the source gives none)."""

    kind: Literal["visa-free", "e-visa", "visa-on-arrival", "visa"]
    days: int | None = Field(default=None, ge=1)


class EntryRegimesFile(Strict):
    """The entry-regimes file: ``regimes[country entered][passport]``; ``claims`` holds shared claims
    (YAML anchors) the regimes refer to."""

    claims: dict[str, Any] = {}
    regimes: dict[CountryCode, dict[CountryCode, Fact[Regime]]]
