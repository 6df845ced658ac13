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
    return {**crossing.model_dump(mode="json", exclude_none=True, by_alias=True), "hours_by_direction": by_direction}


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


def backtest_view(result: Any) -> dict[str, Any]:
    """The backtest (``overland backtest --format json``): every fact with each model's score, the summaries
    overall and by crossing, stage, mode, decade, kind of fact and replay, the fit, what was left out."""
    from overland.planner.fitting import GROUPINGS, describe, grouped
    from overland.planner.scoring import pit_histogram, reliability, summarise

    models = result.models
    names = [m for m in ("before", "after", "shipped") if m in models]
    facts = []
    for n, item in enumerate(models["shipped"]):
        t = item.target
        facts.append(
            {
                "observation": t.observation, "crossing": t.crossing, "direction": t.direction,
                "mode": t.mode.value, "date": t.day.isoformat(), "kind": t.kind, "node": t.node,
                "stages": list(t.stages), "replay_from": t.anchor, "replay_start": t.start.isoformat(),
                "observed": t.observed_at.isoformat() if t.observed_at else f"{t.observed * 60:g} min",
                "clock_certainty": t.certainty, "quote": t.quote,
                "scores": {m: models[m][n].score.as_json() for m in names},
            }
        )  # fmt: skip
    return {
        "observations": result.observations,
        "samples": result.samples,
        "seed": result.seed,
        "written_only": result.written_only,
        "models": {
            "before": "every fitted number at the data's assumed value",
            "after": "each observation predicted by the numbers fitted on all the others (leave-one-out)"
            + (
                "; only the numbers the data has from a fit refitted, the rest as the data has them"
                if result.written_only
                else ""
            ),
            "shipped": "the data as it stands (in sample where its numbers were fitted on these observations)",
        },
        "summary": {m: summarise([s.score for s in models[m]]).as_json() for m in names},
        "clock_times": {m: summarise([s.score for s in models[m] if s.target.is_time]).as_json() for m in names},
        "groups": {
            by: {
                group: {m: summarise(grouped(models[m], by).get(group, [])).as_json() for m in names}
                for group in grouped(models["shipped"], by)
            }
            for by in GROUPINGS
        },
        "reliability": {m: reliability([s.score for s in models[m]]) for m in names},
        "pit_histogram": {m: pit_histogram([s.score for s in models[m]]) for m in names},
        "fitted": [
            {
                "stage": f.knob.stage,
                "what": f.knob.what,
                "assumed": describe(f.knob, f.knob.prior),
                "fitted": describe(f.knob, f.value),
                "value": f.value.model_dump(by_alias=True, exclude_none=True),
                "observations": f.observations,
                "facts": f.facts,
                "interval_score_sum_assumed": round(f.loss_before, 3),
                "interval_score_sum_fitted": round(f.loss_after, 3),
                "leave_one_out_choices": f.loo_choices,
                "already_fitted_in_the_data": f.knob.fitted_before,
            }
            for f in result.fitted
        ],
        "facts": facts,
        "skipped": [{"observation": k.observation, "fact": k.what, "why": k.why} for k in result.skipped],
    }
