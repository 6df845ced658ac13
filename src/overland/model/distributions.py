"""Random variables: constant, uniform, exponential, triangular, lognormal, empirical, mixture.

In a data file a distribution is a mapping with a ``kind``; durations in a freight
scenario also say their ``unit`` (``s``, ``min``, ``h``, ``d``); a crossing's
``processing_minutes`` and opening delays are in minutes and take no unit::

    {kind: triangular, low: 2.0, mode: 3.0, high: 5.4, unit: min}
    {kind: uniform, low: 60, high: 120}
    {kind: exponential, mean: 3.1, unit: h}
    {kind: lognormal, mean: 2.0, sd: 1.0, unit: h}       # mean and sd of the value itself
    {kind: lognormal, median: 180, p90: 360}              # or its median and 90th percentile
    {kind: empirical, values: [45, 48, 50], weights: [1, 2, 1]}
    {kind: constant, value: 0, unit: h}
    {kind: mixture, parts: [{weight: 0.5, value: {kind: constant, value: 0}},
                            {weight: 0.5, value: {kind: uniform, low: 60, high: 120}}]}

The simulation draws through :meth:`Distribution.sampler`, which returns a
zero-argument callable in the model's time unit (hours) that pulls from a buffer
of draws made in bulk by a ``numpy.random.Generator``; the planner's Monte Carlo
draws whole arrays with :meth:`Distribution.draw`. Every distribution also knows its
:meth:`~Distribution.median` (the value a deterministic plan uses) and its
:meth:`~Distribution.cdf`.
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
Z90 = 1.2815515655446004  # the standard normal's 90th percentile


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

    def median(self) -> float:
        """The median (the smallest value with at least half the probability at or below it)."""
        raise NotImplementedError

    def cdf(self, x: float) -> float:
        """The probability of a value at or below ``x``."""
        raise NotImplementedError

    @property
    def atoms(self) -> tuple[float, ...]:
        """Values drawn with a probability of their own (constant and empirical values)."""
        return ()

    def scaled(self, factor: float) -> Distribution:
        """The same shape with every value multiplied by ``factor``."""
        raise NotImplementedError

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent draws, in the distribution's own unit."""
        return self._draw(rng, size)

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

    def median(self) -> float:
        return self.value

    def cdf(self, x: float) -> float:
        return 1.0 if x >= self.value else 0.0

    @property
    def atoms(self) -> tuple[float, ...]:
        return (self.value,)

    def scaled(self, factor: float) -> Constant:
        return self.model_copy(update={"value": self.value * factor})

    def sampler(self, rng: np.random.Generator, *, to_hours: bool = True) -> Callable[[], float]:
        value = self.value * (self.factor if to_hours else 1.0)
        return lambda: value

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        return np.full(size, self.value, dtype=float)

    def describe(self) -> str:
        return self._with_unit(f"constant {_g(self.value)}")


class Uniform(_Base):
    """Any value between ``low`` and ``high`` equally likely."""

    kind: Literal["uniform"]
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            msg = f"uniform needs low <= high (got {self.low}, {self.high})"
            raise ValueError(msg)
        return self

    def mean(self) -> float:
        return (self.low + self.high) / 2

    def median(self) -> float:
        return (self.low + self.high) / 2

    def cdf(self, x: float) -> float:
        if x >= self.high:
            return 1.0
        if x < self.low:
            return 0.0
        return (x - self.low) / (self.high - self.low)

    def scaled(self, factor: float) -> Uniform:
        return self.model_copy(update={"low": self.low * factor, "high": self.high * factor})

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    def describe(self) -> str:
        return self._with_unit(f"uniform({_g(self.low)}, {_g(self.high)})")


class Exponential(_Base):
    """Exponential with the given ``mean`` (a Poisson process when used for gaps between arrivals)."""

    kind: Literal["exponential"]
    mean_: float = Field(gt=0, alias="mean")

    def mean(self) -> float:
        return self.mean_

    def median(self) -> float:
        return self.mean_ * math.log(2)

    def cdf(self, x: float) -> float:
        return 1 - math.exp(-x / self.mean_) if x > 0 else 0.0

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

    def median(self) -> float:
        a, c, b = self.low, self.mode, self.high
        if c - a >= (b - a) / 2:
            return a + math.sqrt((b - a) * (c - a) / 2)
        return b - math.sqrt((b - a) * (b - c) / 2)

    def cdf(self, x: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if x <= a:
            return 0.0
        if x >= b:
            return 1.0
        if x <= c:
            return (x - a) ** 2 / ((b - a) * (c - a))
        return 1 - (b - x) ** 2 / ((b - a) * (b - c))

    def scaled(self, factor: float) -> Triangular:
        return self.model_copy(
            update={"low": self.low * factor, "mode": self.mode * factor, "high": self.high * factor}
        )

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)

    def describe(self) -> str:
        return self._with_unit(f"triangular({_g(self.low)}, {_g(self.mode)}, {_g(self.high)})")


class Lognormal(_Base):
    """Lognormal given by the ``mean`` and standard deviation ``sd`` of the value itself,
    or by its ``median`` and 90th percentile ``p90``."""

    kind: Literal["lognormal"]
    mean_: float | None = Field(default=None, gt=0, alias="mean")
    sd: float | None = Field(default=None, gt=0)
    median_: float | None = Field(default=None, gt=0, alias="median")
    p90: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_parametrisation(self) -> Lognormal:
        by_moments = self.mean_ is not None and self.sd is not None
        by_quantiles = self.median_ is not None and self.p90 is not None
        mixed = (self.mean_ is not None or self.sd is not None) and (self.median_ is not None or self.p90 is not None)
        if mixed or not (by_moments or by_quantiles):
            msg = "lognormal needs either 'mean' and 'sd', or 'median' and 'p90'"
            raise ValueError(msg)
        if self.median_ is not None and self.p90 is not None and not self.p90 > self.median_:
            msg = f"lognormal needs p90 > median (got median {self.median_}, p90 {self.p90})"
            raise ValueError(msg)
        return self

    @property
    def mu_sigma(self) -> tuple[float, float]:
        """The mean and standard deviation of the value's logarithm."""
        if self.median_ is not None and self.p90 is not None:
            return math.log(self.median_), math.log(self.p90 / self.median_) / Z90
        assert self.mean_ is not None and self.sd is not None  # one parametrisation or the other
        sigma2 = math.log1p((self.sd / self.mean_) ** 2)
        return math.log(self.mean_) - sigma2 / 2, math.sqrt(sigma2)

    def mean(self) -> float:
        mu, sigma = self.mu_sigma
        return math.exp(mu + sigma**2 / 2)

    def median(self) -> float:
        return self.median_ if self.median_ is not None else math.exp(self.mu_sigma[0])

    def cdf(self, x: float) -> float:
        if x <= 0:
            return 0.0
        mu, sigma = self.mu_sigma
        return 0.5 * (1 + math.erf((math.log(x) - mu) / (sigma * math.sqrt(2))))

    def scaled(self, factor: float) -> Lognormal:
        fields = ("mean_", "sd", "median_", "p90")
        return self.model_copy(update={f: getattr(self, f) * factor for f in fields if getattr(self, f) is not None})

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self.mu_sigma
        return rng.lognormal(mu, sigma, size)

    def describe(self) -> str:
        if self.median_ is not None and self.p90 is not None:
            return self._with_unit(f"lognormal median {_g(self.median_)} p90 {_g(self.p90)}")
        assert self.mean_ is not None and self.sd is not None
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

    def median(self) -> float:
        found = _smallest_atom_at_half(self)
        assert found is not None  # an empirical distribution is all atoms: one reaches one half
        return found

    def cdf(self, x: float) -> float:
        return sum(p for v, p in zip(self.values, self._probabilities(), strict=True) if v <= x)

    @property
    def atoms(self) -> tuple[float, ...]:
        return tuple(self.values)

    def scaled(self, factor: float) -> Empirical:
        return self.model_copy(update={"values": [v * factor for v in self.values]})

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        return rng.choice(np.asarray(self.values, dtype=float), size=size, p=self._probabilities())

    def describe(self) -> str:
        shown = ", ".join(_g(v) for v in self.values[:6]) + (", ..." if len(self.values) > 6 else "")
        return self._with_unit(f"empirical [{shown}]")


Simple = Annotated[
    Constant | Uniform | Exponential | Triangular | Lognormal | Empirical,
    Field(discriminator="kind"),
]


class Part(Strict):
    """One branch of a mixture: drawn with probability ``weight`` / (sum of the weights)."""

    weight: float = Field(gt=0)
    value: Simple


class Mixture(_Base):
    """One of several distributions, chosen with the parts' weights.

    "The afternoon opening is delayed to 15:00-16:00 with probability p" is a delay of
    ``constant 0`` with weight 1 - p and ``uniform(60, 120)`` minutes with weight p.
    """

    kind: Literal["mixture"]
    parts: list[Part] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_units_inside(self) -> Mixture:
        if any(part.value.unit is not None for part in self.parts):
            msg = "the parts of a mixture take no 'unit': give it once, on the mixture"
            raise ValueError(msg)
        return self

    def _probabilities(self) -> list[float]:
        total = sum(part.weight for part in self.parts)
        return [part.weight / total for part in self.parts]

    def mean(self) -> float:
        return sum(p * part.value.mean() for p, part in zip(self._probabilities(), self.parts, strict=True))

    def cdf(self, x: float) -> float:
        return sum(p * part.value.cdf(x) for p, part in zip(self._probabilities(), self.parts, strict=True))

    @property
    def atoms(self) -> tuple[float, ...]:
        return tuple(sorted({a for part in self.parts for a in part.value.atoms}))

    def median(self) -> float:
        atom = _smallest_atom_at_half(self)
        if atom is not None:
            return atom
        lo, hi = 0.0, 1.0
        while self.cdf(hi) < 0.5:
            hi *= 2
        for _ in range(200):
            mid = (lo + hi) / 2
            if self.cdf(mid) >= 0.5:
                hi = mid
            else:
                lo = mid
        return hi

    def scaled(self, factor: float) -> Mixture:
        parts = [part.model_copy(update={"value": part.value.scaled(factor)}) for part in self.parts]
        return self.model_copy(update={"parts": parts})

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        bounds = np.cumsum(self._probabilities())[:-1]
        choice = np.searchsorted(bounds, rng.random(size), side="right")
        out = np.empty(size, dtype=float)
        for i, part in enumerate(self.parts):
            where = np.flatnonzero(choice == i)
            out[where] = part.value.draw(rng, where.size)
        return out

    def describe(self) -> str:
        shown = " | ".join(
            f"{p:.0%} {part.value.describe()}" for p, part in zip(self._probabilities(), self.parts, strict=True)
        )
        return self._with_unit(f"mixture [{shown}]")


def _smallest_atom_at_half(dist: _Base) -> float | None:
    """The median when it falls on an atom: the smallest atom whose cdf reaches one half."""
    for atom in sorted(dist.atoms):
        if dist.cdf(atom) >= 0.5 - 1e-12 and (atom == 0 or dist.cdf(atom * (1 - 1e-12)) < 0.5 - 1e-12):
            return atom
    return None


Distribution = Annotated[
    Constant | Uniform | Exponential | Triangular | Lognormal | Empirical | Mixture,
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


def _in_minutes(dist: _Base) -> _Base:
    if dist.unit is not None:
        msg = "this value is in minutes (the field says so): remove 'unit'"
        raise ValueError(msg)
    return dist


Duration = Annotated[Distribution, AfterValidator(_needs_unit)]
"""A distribution of times; its ``unit`` is required."""

Count = Annotated[Distribution, AfterValidator(_no_unit)]
"""A distribution of counts (rounded to whole numbers when drawn); no unit."""

Minutes = Annotated[Distribution, AfterValidator(_in_minutes)]
"""A distribution of minutes, in a field whose name says so (``processing_minutes``); no unit."""
