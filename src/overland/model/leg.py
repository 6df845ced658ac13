"""Road legs between places and crossing stages."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from overland.model.crossing import Mode
from overland.model.provenance import Fact, Provenance, Strict

# A place id, or CROSSING/STAGE for a checkpoint.
Node = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)?$")]
Km = Annotated[float, Field(ge=0, le=5000, allow_inf_nan=False)]  # a leg joins neighbouring places
Speed = Annotated[float, Field(gt=0, le=130, allow_inf_nan=False)]


class Vehicle(StrEnum):
    """What moves the traveller on a road leg."""

    car = "car"  # own car, motorbike, a hired or pre-arranged car or bus
    truck = "truck"

    @classmethod
    def of(cls, mode: Mode) -> Vehicle:
        """The vehicle class of a traveller's mode."""
        return cls.truck if mode is Mode.truck else cls.car


class Surface(StrEnum):
    paved = "paved"
    mixed = "mixed"
    gravel = "gravel"


class SeasonalWarning(Provenance):
    """A hazard on a leg in some months (1 = January)."""

    text: str
    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1)


class Leg(Strict):
    """A road between two nodes (places or ``crossing/stage``), driven both ways unless ``one_way``."""

    start: Node
    end: Node
    km: Fact[Km]
    road: Fact[str] | None = None
    surface: Fact[Surface] | None = None
    speed_kmh: dict[Vehicle, Fact[Speed]] = Field(min_length=1)
    one_way: bool = False
    warnings: list[SeasonalWarning] = []
    note: str | None = None

    @model_validator(mode="after")
    def _car_speed_known(self) -> Leg:
        if Vehicle.car not in self.speed_kmh:
            msg = "speed_kmh needs a 'car' entry (trucks fall back to it)"
            raise ValueError(msg)
        return self

    def hours_for(self, vehicle: Vehicle) -> float:
        """Driving time in hours for ``vehicle`` (a truck without its own speed drives at the car's)."""
        speed = self.speed_kmh.get(vehicle) or self.speed_kmh[Vehicle.car]
        return self.km.value / speed.value


class LegsFile(Strict):
    """The legs file."""

    legs: list[Leg] = Field(min_length=1)
