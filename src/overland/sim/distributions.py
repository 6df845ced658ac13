"""Random variables of a scenario: constant, exponential, triangular, lognormal, empirical.

In a scenario file a distribution is a mapping with a ``kind``; durations also say
their ``unit`` (``s``, ``min``, ``h``, ``d``)::

    {kind: triangular, low: 2.0, mode: 3.0, high: 5.4, unit: min}
    {kind: exponential, mean: 3.1, unit: h}
    {kind: lognormal, mean: 2.0, sd: 1.0, unit: h}       # mean and sd of the value itself
    {kind: empirical, values: [45, 48, 50], weights: [1, 2, 1]}
    {kind: constant, value: 0, unit: h}

The simulation draws through :meth:`Distribution.sampler`, which returns a
zero-argument callable in the model's time unit (hours) that pulls from a buffer
of draws made in bulk by a ``numpy.random.Generator``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from overland.model.provenance import Strict

if TYPE_CHECKING:  # numpy is imported lazily: the CLI's cold start matters
    import numpy as np

BUFFER = 4096  # draws made per call to the generator


class Unit(StrEnum):
    """Time units of a duration."""

    s = "s"
    min = "min"
    h = "h"
    d = "d"


HOURS_PER = {Unit.s: 1 / 3600, Unit.min: 1 / 60, Unit.h: 1.0, Unit.d: 24.0}


class _Base(Strict):
    unit: Unit | None = None

    @property
    def factor(self) -> float:
        """Multiply a value in this distribution's unit by this to get hours (1 without a unit)."""
        return HOURS_PER[self.unit] if self.unit is not None else 1.0

    def mean(self) -> float:
        """The mean, in the distribution's own unit."""
        raise NotImplementedError

    def scaled(self, factor: float) -> Distribution:
        """The same shape with every value multiplied by ``factor``."""
        raise NotImplementedError

    def sampler(self, rng: np.random.Generator, *, to_hours: bool = True) -> Callable[[], float]:
        """A zero-argument callable drawing one value (in hours for a duration)."""
        scale = self.factor if to_hours else 1.0
        draw = self._draw

        def bulk() -> list[float]:
            return (draw(rng, BUFFER) * scale).tolist()

        buffer: list[float] = []

        def sample() -> float:
            if not buffer:
                buffer.extend(reversed(bulk()))
            return buffer.pop()

        return sample

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        raise NotImplementedError

    def describe(self) -> str:
        """A short human-readable form, e.g. ``triangular(2, 3, 5.4) min``."""
        raise NotImplementedError

    def _with_unit(self, text: str) -> str:
        return f"{text} {self.unit}" if self.unit is not None else text


def _g(x: float) -> str:
    return f"{x:g}"


class Constant(_Base):
    """Always ``value``."""

    kind: Literal["constant"]
    value: float = Field(ge=0)

    def mean(self) -> float:
        return self.value

    def scaled(self, factor: float) -> Constant:
        return self.model_copy(update={"value": self.value * factor})

    def sampler(self, rng: np.random.Generator, *, to_hours: bool = True) -> Callable[[], float]:
        value = self.value * (self.factor if to_hours else 1.0)
        return lambda: value

    def describe(self) -> str:
        return self._with_unit(f"constant {_g(self.value)}")


class Exponential(_Base):
    """Exponential with the given ``mean`` (a Poisson process when used for gaps between arrivals)."""

    kind: Literal["exponential"]
    mean_: float = Field(gt=0, alias="mean")

    def mean(self) -> float:
        return self.mean_

    def scaled(self, factor: float) -> Exponential:
        return self.model_copy(update={"mean_": self.mean_ * factor})

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_, size)

    def describe(self) -> str:
        return self._with_unit(f"exponential mean {_g(self.mean_)}")


class Triangular(_Base):
    """Triangular between ``low`` and ``high`` with its peak at ``mode``."""

    kind: Literal["triangular"]
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            msg = f"triangular needs low <= mode <= high and low < high (got {self.low}, {self.mode}, {self.high})"
            raise ValueError(msg)
        return self

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def scaled(self, factor: float) -> Triangular:
        return self.model_copy(update={"low": self.low * factor, "mode": self.mode * factor, "high": self.high * factor})

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)

    def describe(self) -> str:
        return self._with_unit(f"triangular({_g(self.low)}, {_g(self.mode)}, {_g(self.high)})")


class Lognormal(_Base):
    """Lognormal given by the ``mean`` and standard deviation ``sd`` of the value itself."""

    kind: Literal["lognormal"]
    mean_: float = Field(gt=0, alias="mean")
    sd: float = Field(gt=0)

    def mean(self) -> float:
        return self.mean_

    def scaled(self, factor: float) -> Lognormal:
        return self.model_copy(update={"mean_": self.mean_ * factor, "sd": self.sd * factor})

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        sigma2 = math.log1p((self.sd / self.mean_) ** 2)
        return rng.lognormal(math.log(self.mean_) - sigma2 / 2, math.sqrt(sigma2), size)

    def describe(self) -> str:
        return self._with_unit(f"lognormal mean {_g(self.mean_)} sd {_g(self.sd)}")


class Empirical(_Base):
    """One of ``values``, drawn with the given ``weights`` (equal weights when left out)."""

    kind: Literal["empirical"]
    values: list[Annotated[float, Field(ge=0)]] = Field(min_length=1)
    weights: list[Annotated[float, Field(ge=0)]] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                msg = f"{len(self.weights)} weights for {len(self.values)} values: give one weight per value"
                raise ValueError(msg)
            if sum(self.weights) <= 0:
                msg = "the weights must not all be zero"
                raise ValueError(msg)
        return self

    def _probabilities(self) -> list[float]:
        weights = self.weights or [1.0] * len(self.values)
        total = sum(weights)
        return [w / total for w in weights]

    def mean(self) -> float:
        return sum(v * p for v, p in zip(self.values, self._probabilities(), strict=True))

    def scaled(self, factor: float) -> Empirical:
        return self.model_copy(update={"values": [v * factor for v in self.values]})

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        return rng.choice(np.asarray(self.values, dtype=float), size=size, p=self._probabilities())

    def describe(self) -> str:
        shown = ", ".join(_g(v) for v in self.values[:6]) + (", ..." if len(self.values) > 6 else "")
        return self._with_unit(f"empirical [{shown}]")


Distribution = Annotated[
    Constant | Exponential | Triangular | Lognormal | Empirical,
    Field(discriminator="kind"),
]


def _needs_unit(dist: _Base) -> _Base:
    if dist.unit is None:
        msg = "a duration needs a 'unit' (s, min, h or d)"
        raise ValueError(msg)
    return dist


def _no_unit(dist: _Base) -> _Base:
    if dist.unit is not None:
        msg = "a count has no 'unit'; remove it"
        raise ValueError(msg)
    return dist


Duration = Annotated[Distribution, AfterValidator(_needs_unit)]
"""A distribution of times; its ``unit`` is required."""

Count = Annotated[Distribution, AfterValidator(_no_unit)]
"""A distribution of counts (rounded to whole numbers when drawn); no unit."""
