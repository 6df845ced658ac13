"""Every claim of a catalog, where it sits, and a catalog with one claim's value changed.

A catalog's claims are found by walking its models field by field (no list of fields to
keep up to date): a :class:`~overland.model.provenance.Fact` holds one or more claims, and
a record that is itself a :class:`~overland.model.provenance.Provenance` (a rule, a
document, a direction, a seasonal warning) is a claim of its own. Each claim comes with
the file it was written in (``origin``: ``places``, ``legs``, ``travellers`` or a crossing
id, as in :class:`~overland.model.catalog.Problem`) and its field path in that file, so a
report can name the file, the line and the field.

:func:`with_value` builds the catalog with one claim's value replaced, copying the frozen
models along the path (``model_copy(update=...)``) and sharing everything else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from overland.model.catalog import Catalog
from overland.model.provenance import Claim, Fact, Provenance

Loc = tuple[str | int, ...]

PLACES, LEGS, TRAVELLERS, TRANSPORT, UNCERTAINTY = "places", "legs", "travellers", "transport", "uncertainty"
ENTRY = "entry-regimes"


@dataclass(frozen=True)
class ClaimRef:
    """One claim and where it is.

    ``loc`` is the field path of the fact (or of the record that is a claim) in the file
    ``origin``; ``index`` is the claim's place among the fact's claims (None when the fact
    has a single claim, or the record is a claim of its own). ``in_use`` is True for the
    claim the tools use: a fact's default (marked, or its only claim), or a record.
    """

    origin: str
    loc: Loc
    index: int | None
    claim: Provenance
    in_use: bool

    @property
    def path(self) -> Loc:
        """The claim's own field path (the fact's, with the claim's index when it has several)."""
        return self.loc if self.index is None else (*self.loc, self.index)

    @property
    def where(self) -> str:
        """The field path as written in a message, e.g. ``stages.gate.hours[1]``."""
        return dotted(self.path)


def dotted(loc: Loc) -> str:
    """A field path as text: ``stages.gate.hours[1]``."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(top)"


def roots(catalog: Catalog) -> Iterator[tuple[str, Loc, Any]]:
    """The top of each file's records: (origin, field path, object)."""
    yield PLACES, ("countries",), catalog.countries
    yield PLACES, ("places",), catalog.places
    yield LEGS, ("legs",), catalog.legs
    yield TRAVELLERS, ("profiles",), catalog.profiles
    yield TRANSPORT, ("services",), catalog.services
    yield ENTRY, ("regimes",), catalog.entry  # a claim shared by several passports counts once for each
    if catalog.uncertainty is not None:
        yield UNCERTAINTY, (), catalog.uncertainty
    for crossing_id, crossing in catalog.crossings.items():
        yield crossing_id, (), crossing


def claims(catalog: Catalog) -> Iterator[ClaimRef]:
    """Every claim of ``catalog``, file by file, in the order of the fields."""
    for origin, loc, obj in roots(catalog):
        yield from _visit(origin, loc, obj)


def _key(key: Any) -> str | int:
    return key.value if isinstance(key, Enum) else key


def _visit(origin: str, loc: Loc, obj: Any) -> Iterator[ClaimRef]:
    if isinstance(obj, Fact):
        chosen = obj.claim
        several = len(obj.root) > 1
        for i, claim in enumerate(obj.root):
            yield ClaimRef(origin, loc, i if several else None, claim, claim is chosen)
        return
    if isinstance(obj, Provenance) and not isinstance(obj, Claim):
        yield ClaimRef(origin, loc, None, obj, True)
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _visit(origin, (*loc, name), getattr(obj, name))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _visit(origin, (*loc, _key(key)), value)
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            yield from _visit(origin, (*loc, i), value)


def fact_at(catalog: Catalog, origin: str, loc: Loc) -> Any:
    """The object at ``loc`` in the file ``origin`` (a fact, a record, a value)."""
    for root_origin, root_loc, obj in roots(catalog):
        if root_origin == origin and loc[: len(root_loc)] == root_loc:
            for part in loc[len(root_loc) :]:
                obj = _child(obj, part)
            return obj
    msg = f"no {dotted(loc)} in {origin}"
    raise KeyError(msg)


def _child(obj: Any, part: str | int) -> Any:
    if isinstance(obj, BaseModel):
        return getattr(obj, str(part))
    if isinstance(obj, dict):
        return next(value for key, value in obj.items() if _key(key) == part)
    return obj[part]


def with_value(catalog: Catalog, ref: ClaimRef, value: Any) -> Catalog:
    """``catalog`` with the value of the claim ``ref`` replaced by ``value`` (not validated again).

    The models along the claim's path are copied, everything else is shared; the fact keeps
    its default, so a plan on the new catalog uses the new value where it used the old one.
    """
    if not isinstance(ref.claim, Claim):
        msg = f"{ref.origin}: {ref.where} is a record, not a claim with a value"
        raise TypeError(msg)
    fact = fact_at(catalog, ref.origin, ref.loc)
    index = ref.index if ref.index is not None else 0
    claims_ = list(fact.root)
    claims_[index] = _copy(claims_[index], {"value": value})
    new_fact = _copy(fact, {"root": claims_})
    for root_origin, root_loc, obj in roots(catalog):
        if root_origin == ref.origin and ref.loc[: len(root_loc)] == root_loc:
            new_root = _replace(obj, ref.loc[len(root_loc) :], new_fact)
            return _with_root(catalog, root_origin, root_loc, new_root)
    msg = f"no {ref.where} in {ref.origin}"
    raise KeyError(msg)


def _replace(obj: Any, loc: Loc, new: Any) -> Any:
    if not loc:
        return new
    part, rest = loc[0], loc[1:]
    if isinstance(obj, BaseModel):
        return _copy(obj, {str(part): _replace(getattr(obj, str(part)), rest, new)})
    if isinstance(obj, dict):
        return {key: (_replace(value, rest, new) if _key(key) == part else value) for key, value in obj.items()}
    items = list(obj)
    assert isinstance(part, int)
    items[part] = _replace(items[part], rest, new)
    return type(obj)(items)


def _copy(model: Any, update: dict[str, Any]) -> Any:
    """``model.model_copy(update=update)`` without the values it cached (a fact's default claim and value)."""
    copied = model.model_copy(update=update)
    fields = type(copied).model_fields
    for name in [n for n in copied.__dict__ if n not in fields]:
        del copied.__dict__[name]
    return copied


def _with_root(catalog: Catalog, origin: str, loc: Loc, new: Any) -> Catalog:
    if origin == PLACES:
        return dataclasses.replace(catalog, **{str(loc[0]): new})
    if origin == LEGS:
        return dataclasses.replace(catalog, legs=tuple(new))
    if origin == TRAVELLERS:
        return dataclasses.replace(catalog, profiles=new)
    return dataclasses.replace(catalog, crossings={**catalog.crossings, origin: new})
