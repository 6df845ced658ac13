"""The JSON shapes shared by ``overland ... --format json`` and the HTTP API.

One function per shape, so the command line and the API never drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from overland.model.catalog import Catalog
from overland.model.crossing import Crossing
from overland.planner.schedule import Schedule
from overland.timing.hours import day_spans, format_spans


def places_view(catalog: Catalog) -> dict[str, dict[str, Any]]:
    """Every place with its claims, keyed by id, and the zone of its clock (``clock_zone``)."""
    return {
        place_id: {**place.model_dump(mode="json", exclude_none=True), "clock_zone": catalog.clock_of(place_id)}
        for place_id, place in catalog.places.items()
    }


def crossings_view(catalog: Catalog) -> list[dict[str, Any]]:
    """One row per crossing: id, name, kind, countries, border place and stages per direction."""
    return [
        {
            "id": c.id,
            "name": c.name,
            "kind": c.kind,
            "countries": c.countries,
            "border_place": c.border_place,
            "directions": {d.id: d.route for d in c.directions},
        }
        for c in catalog.crossings.values()
    ]


def reference_day(on: date) -> date:
    """The first Wednesday on or after ``on``: an ordinary working day to show weekly hours."""
    return on + timedelta(days=(2 - on.weekday()) % 7)


def hours_by_direction(catalog: Catalog, crossing: Crossing, day: date) -> list[dict[str, Any]]:
    """Each direction's stages in order, with their hours on ``day`` in the stage's clock and the home clock."""
    result = []
    for direction in crossing.directions:
        home = catalog.country_clock(direction.from_country)
        stages = []
        for stage_id in direction.route:
            stage = crossing.stages[stage_id]
            hours, held = stage.hours.claim_on(day)
            spans = day_spans(hours.value, stage.clock.value, day)
            always = hours.value.strip() == "24/7"
            stages.append(
                {
                    "stage": stage_id,
                    "clock": stage.clock.value,
                    "hours": hours.value,
                    "hours_hold_that_day": held,
                    "on_day": "24/7" if always else format_spans(spans, stage.clock.value),
                    "in_from_clock": "24/7" if always else format_spans(spans, home),
                }
            )
        result.append({"direction": direction.id, "from_clock": home, "day": day.isoformat(), "stages": stages})
    return result


def crossing_view(catalog: Catalog, crossing: Crossing, on: date) -> dict[str, Any]:
    """A crossing's fact sheet (``overland show --format json``): every claim, and hours as on ``on``'s week."""
    by_direction = hours_by_direction(catalog, crossing, reference_day(on))
    return {**crossing.model_dump(mode="json", exclude_none=True), "hours_by_direction": by_direction}


def schedule_view(schedule: Schedule) -> dict[str, Any]:
    """A stage's open windows and closed days (``overland hours --format json``)."""
    return {
        "stage": schedule.stage,
        "clock": schedule.clock,
        "from": schedule.start.isoformat(),
        "to": schedule.end.isoformat(),
        "windows": [{"start": a.isoformat(), "end": b.isoformat()} for a, b in schedule.windows],
        "closures": [{"date": c.day.isoformat(), "reason": c.reason} for c in schedule.closures],
        "hours": [
            {"first": u.first.isoformat(), "last": u.last.isoformat(), "value": u.value, "source": u.citation}
            for u in schedule.hours
        ],
        "notes": list(schedule.notes),
    }


def compare_view(origin: str, destination: str, depart: datetime, plans: Sequence[Any]) -> dict[str, Any]:
    """The crossings side by side (``overland compare --format json``), best first."""
    options = [
        {
            "via": p.via,
            "direction": p.direction,
            "arrive": p.arrive.isoformat() if p.arrive else None,
            "hours": round((p.arrive - p.depart).total_seconds() / 3600, 1) if p.arrive else None,
            "nights": p.night_count,
            "waiting_hours": round(p.waiting_hours, 1),
            "blockers": [b.reason for b in p.blockers],
        }
        for p in plans
    ]
    return {"from": origin, "to": destination, "depart": depart.isoformat(), "options": options}
