"""A plan as a calendar (ICS), a route (GPX) or a map layer (GeoJSON, RFC 7946)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from overland.model.catalog import Catalog
from overland.planner.trip import EventKind, Plan

_TITLES = {
    EventKind.drive: "Drive",
    EventKind.ride: "Ride",
    EventKind.wait: "Wait",
    EventKind.process: "At",
    EventKind.night: "Night",
    EventKind.vehicle_held: "Vehicle held",
    EventKind.transfer: "Transfer",
    EventKind.blocked: "Turned back",
}


def _title(catalog: Catalog, event) -> str:
    where = catalog.node_name(event.stage) if event.stage else catalog.node_name(event.place) if event.place else ""
    if event.kind in (EventKind.drive, EventKind.ride, EventKind.transfer) and event.to:
        where = event.note
    return f"{_TITLES.get(event.kind, event.kind.value.title())}: {where}"


def to_ics(plan: Plan, catalog: Catalog) -> str:
    """An iCalendar with one event per step that takes time, each in its own local clock."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//overland//trip plan//EN")
    calendar.add("version", "2.0")
    stamp = datetime.fromtimestamp(plan.depart.timestamp(), UTC)
    for n, event in enumerate(plan.events):
        if event.kind in (EventKind.depart, EventKind.arrive) and event.start == event.end:
            continue
        item = icalendar.Event()
        item.add("uid", f"{plan.origin}-{plan.destination}-{plan.depart.isoformat()}-{n}@overland")
        item.add("dtstamp", stamp)
        item.add("summary", _title(catalog, event))
        item.add("dtstart", event.start)
        item.add("dtend", max(event.end, event.start))
        item.add("description", event.note)
        if event.place:
            item.add("location", catalog.node_name(event.place))
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")


def route_points(plan: Plan, catalog: Catalog) -> list[tuple[str, str, float, float, datetime]]:
    """(node, name, lat, lon, time) of each place or stage the plan passes, in order, with when it is reached.

    Every node of the trip is there: where each drive, ride or transfer starts and the node it
    reaches (a town driven through, a post), so a line through the points follows the legs.
    """
    points: list[tuple[str, str, float, float, datetime]] = []

    def add(node: str | None, when: datetime) -> None:
        if node is None or (points and points[-1][0] == node):
            return
        place = catalog.node_place(node)
        if place is None or place.coordinates is None:
            return
        coords = place.coordinates.value
        points.append((node, catalog.node_name(node), coords.lat, coords.lon, when))

    for event in plan.events:
        add(event.stage or event.place, event.start)
        if event.kind in (EventKind.drive, EventKind.ride, EventKind.transfer):
            add(event.to, event.end)
    return points


def to_gpx(plan: Plan, catalog: Catalog) -> str:
    """A GPX 1.1 route through the places and checkpoints, with a waypoint at each."""
    import gpxpy.gpx

    gpx = gpxpy.gpx.GPX()
    gpx.creator = "overland"
    route = gpxpy.gpx.GPXRoute(name=f"{plan.origin} → {plan.destination}" + (f" via {plan.via}" if plan.via else ""))
    for node, name, lat, lon, when in route_points(plan, catalog):
        utc = when.astimezone(UTC)
        route.points.append(gpxpy.gpx.GPXRoutePoint(lat, lon, time=utc, name=name))
        gpx.waypoints.append(gpxpy.gpx.GPXWaypoint(lat, lon, time=utc, name=name, description=node))
    gpx.routes.append(route)
    return gpx.to_xml(version="1.1")


def to_geojson(plan: Plan, catalog: Catalog) -> str:
    """A GeoJSON FeatureCollection (RFC 7946: longitude first, WGS 84): the route and its stops."""
    points = route_points(plan, catalog)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[lon, lat] for _, _, lat, lon, _ in points]},
            "properties": {
                "kind": "route",
                "from": plan.origin,
                "to": plan.destination,
                "via": plan.via,
                "depart": plan.depart.isoformat(),
                "arrive": plan.arrive.isoformat() if plan.arrive else None,
            },
        }
    ]
    for node, name, lat, lon, when in points:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "kind": "stage" if "/" in node else "place",
                    "id": node,
                    "name": name,
                    "time": when.isoformat(),
                },
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=2) + "\n"
