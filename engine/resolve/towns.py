"""Towns and cities without an airport of their own, from GeoNames (``data/towns.tsv``, CC BY 4.0).

A train or a bus goes where no plane does ("a bus to Anaheim", "leaving Stevenage"): such a place resolves to
its town, ``{"city", "country", "airports": []}`` -- an empty airport list says it has none -- and, where
airportsdata files an airport under a joint name ("Raleigh/Durham"), that airport. Among towns of one name the
largest is taken only when it has at least three times the people of the next ("Reading": the English one);
otherwise the name resolves to nothing rather than to a guess; a name that is also an everyday word is read
as a town only typed with a capital and for a town of 100,000 people or more ("Reading" is; "man" is not). A state or country said with it ("Springfield,
IL") chooses among them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TOWNS = Path(__file__).resolve().parent / "data" / "towns.tsv"
WORD_TOWN_POPULATION = 100_000  # a town named like an everyday word needs this many people to be read as one
FLOOR = 15_000  # the smallest town the table lists (scripts/build_towns.py)
CLEAR_LEAD = 3.0  # the largest town of a name must have this many times the people of the next


@dataclass(frozen=True)
class Town:
    name: str
    country: str
    admin1: str
    population: int


# GeoNames entries that are no town of that name as travellers say it: Hong Kong's people filed under "Victoria"
NOT_TOWNS = frozenset({("Victoria", "HK")})


def load(fold) -> dict[str, list[Town]]:
    """Folded name -> its towns, the largest first."""
    out: dict[str, list[Town]] = {}
    for line in TOWNS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        name, country, admin1, population = line.split("\t")
        if (name, country) in NOT_TOWNS:
            continue
        out.setdefault(fold(name), []).append(Town(name, country, admin1, int(population)))
    for towns in out.values():
        towns.sort(key=lambda t: -t.population)
    return out


def choose(towns: list[Town], state_code: str | None = None, country: str | None = None) -> Town | None:
    """The town a name means: the only one, or one with a clear lead, among those in the state/country said."""
    found = [t for t in towns if (country is None or t.country == country)
             and (state_code is None or (t.country == "US" and t.admin1 == state_code))]
    if not found:
        return None
    if len(found) == 1 or found[0].population >= CLEAR_LEAD * found[1].population:
        return found[0]
    return None
