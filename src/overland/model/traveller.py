"""A traveller's day by default, per way of travelling: the quiet hours, daylight on warned roads,
hours at the wheel, a driver's break. Every value is a claim (sourced, derived or assumed)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from overland.model.crossing import Mode
from overland.model.place import Id
from overland.model.provenance import Fact, Strict

QuietHours = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$")]
Hours = Annotated[float, Field(gt=0, le=24)]


class Profile(Strict):
    """The day a traveller of ``modes`` keeps unless told otherwise.

    ``quiet_hours`` (``HH:MM-HH:MM`` in the local clock, or null) are spent in a bed:
    no driving and no standing at a post; ``dark_warned_roads`` allows driving after dark
    the legs the data warns about; ``max_drive_hours`` caps the driving between two nights
    (null: none); a driver stops ``break_minutes`` after ``break_after_hours`` of driving.
    """

    name: str
    modes: list[Mode] = Field(min_length=1)
    quiet_hours: Fact[QuietHours | None]
    dark_warned_roads: Fact[bool]
    max_drive_hours: Fact[Hours | None]
    break_after_hours: Fact[Hours] | None = None
    break_minutes: Fact[Annotated[float, Field(gt=0, le=180)]] | None = None

    @model_validator(mode="after")
    def _break_needs_both(self) -> Profile:
        if (self.break_after_hours is None) != (self.break_minutes is None):
            msg = "a break needs both 'break_after_hours' and 'break_minutes'"
            raise ValueError(msg)
        return self


class TravellersFile(Strict):
    """The travellers file: one profile per id; every mode in exactly one profile."""

    profiles: dict[Id, Profile] = Field(min_length=1)

    @model_validator(mode="after")
    def _each_mode_once(self) -> TravellersFile:
        seen: dict[Mode, str] = {}
        for name, profile in self.profiles.items():
            for mode in profile.modes:
                if mode in seen:
                    msg = f"mode {mode.value!r} is in two profiles ({seen[mode]} and {name}): give it one"
                    raise ValueError(msg)
                seen[mode] = name
        missing = [m.value for m in Mode if m not in seen]
        if missing:
            msg = f"no profile for {', '.join(missing)}: every mode needs one"
            raise ValueError(msg)
        return self
