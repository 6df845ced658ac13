"""The data files first proposed outside the catalog (entry regimes, passenger transport) keep the data's rules.

Their formats are described at the top of each file; both are loaded with the catalog now (the transport
services by :class:`overland.model.transport.Service`), and checked here as raw files as well, with the
provenance rules every claim in the data follows (sourced, derived or assumed, one default).
"""

from __future__ import annotations

import re
from typing import Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

import overland
from overland.io.data_files import _Loader, default_data_dir
from overland.model.provenance import Fact
from overland.model.transport import Service

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
COUNTRIES = {"CN", "KG", "KZ", "TJ", "UZ", "PK"}
NATIONALITIES = {"GB", "DE", "FR", "NL", "CH", "US", "AU", "RU", "IT", "ES", "PL", "JP", "KR"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Regime(_Strict):
    kind: Literal["visa-free", "e-visa", "visa-on-arrival", "visa"]
    days: int | None = Field(default=None, ge=1)


def _load(name: str):
    with (default_data_dir() / name).open(encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)


def test_entry_regimes_cover_every_country_and_nationality_with_valid_claims():
    data = _load("entry-regimes.yaml")
    assert set(data["regimes"]) == COUNTRIES
    for country, per_nationality in data["regimes"].items():
        assert set(per_nationality) == NATIONALITIES, country
        for nationality, fact in per_nationality.items():
            claims = Fact[Regime].model_validate(fact).root
            assert claims, (country, nationality)


def test_china_visa_free_entry_carries_its_end_date():
    data = _load("entry-regimes.yaml")
    claim = Fact[Regime].model_validate(data["regimes"]["CN"]["DE"]).claim
    assert claim.value.kind == "visa-free" and claim.value.days == 30
    assert claim.valid_until is not None and claim.valid_until.isoformat() == "2026-12-31"


@pytest.fixture(scope="module")
def nodes():
    catalog = overland.load_catalog()
    return catalog, set(catalog.places) | {f"{c.id}/{s}" for c in catalog.crossings.values() for s in c.stages}


def test_transport_services_join_known_places_and_keep_the_claim_rules(nodes):
    catalog, known = nodes
    services = _load("transport.yaml")["services"]
    assert services
    for service_id, raw in services.items():
        service = Service.model_validate(raw)
        assert service.from_ in known and service.to in known, service_id
        assert set(service.crossings) <= set(catalog.crossings), service_id
        for claim in service.departures.root if service.departures else []:
            assert all(re.match(HHMM, t) for t in claim.value.times or []), service_id
