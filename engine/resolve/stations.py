"""Major railway and coach stations, by the names travellers use, to the city they serve.

A table written for this project (station names and the cities they are in are facts; no dataset is
copied): the busiest stations of the US Northeast Corridor and the large US, Canadian, British and
European hubs. A name may stand alone ("Penn Station", "Kings Cross"), follow its city ("Birmingham New
Street", "London Euston", "Toronto Union") or be followed by it ("Union Station in DC"). A name that
several cities share ("Union Station", "Victoria", "Central Station") needs its city said with it; alone it
resolves to nothing rather than to a guessed city.
"""
from __future__ import annotations

import re

# folded station name -> (the station as answered, the city it serves -- with its country where another country
# has a city of that name -- or None where several share the name)
STATIONS: dict[str, tuple[str, str | None]] = {
    # United States
    "penn station": ("Penn Station", "New York"), "new york penn": ("Penn Station", "New York"),
    "moynihan train hall": ("Moynihan Train Hall", "New York"), "grand central": ("Grand Central", "New York"),
    "grand central terminal": ("Grand Central", "New York"), "port authority": ("Port Authority", "New York"),
    "port authority bus terminal": ("Port Authority", "New York"), "south station": ("South Station", "Boston"),
    "back bay": ("Back Bay", "Boston"), "north station": ("North Station", "Boston"),
    "30th street": ("30th Street Station", "Philadelphia"), "30th street station": ("30th Street Station", "Philadelphia"),
    "union station": ("Union Station", None), "union": ("Union Station", None),
    "penn": ("Penn Station", None), "king street": ("King Street Station", "Seattle"),
    "ogilvie": ("Ogilvie Transportation Center", "Chicago"),
    # Canada
    "gare centrale": ("Gare Centrale", "Montréal"), "pacific central": ("Pacific Central", "Vancouver"),
    # United Kingdom
    "kings cross": ("King's Cross", "London, uk"), "st pancras": ("St Pancras", "London, uk"),
    "st pancras international": ("St Pancras", "London, uk"), "euston": ("Euston", "London, uk"),
    "paddington": ("Paddington", "London, uk"), "waterloo": ("Waterloo", "London, uk"),
    "liverpool street": ("Liverpool Street", "London, uk"), "marylebone": ("Marylebone", "London, uk"),
    "charing cross": ("Charing Cross", "London, uk"), "london bridge": ("London Bridge", "London, uk"),
    "fenchurch street": ("Fenchurch Street", "London, uk"), "victoria": ("Victoria", None),
    "victoria coach station": ("Victoria Coach Station", "London, uk"), "new street": ("New Street", "Birmingham, uk"),
    "piccadilly": ("Piccadilly", "Manchester, uk"), "lime street": ("Lime Street", "Liverpool, uk"),
    "waverley": ("Waverley", "Edinburgh, uk"), "haymarket": ("Haymarket", "Edinburgh, uk"),
    "queen street": ("Queen Street", "Glasgow, uk"), "temple meads": ("Temple Meads", "Bristol, uk"),
    "central": ("Central Station", None), "central station": ("Central Station", None),
    # Europe
    "gare du nord": ("Gare du Nord", "Paris, france"), "gare de lyon": ("Gare de Lyon", "Paris, france"),
    "gare de lest": ("Gare de l'Est", "Paris, france"), "gare montparnasse": ("Gare Montparnasse", "Paris, france"),
    "montparnasse": ("Gare Montparnasse", "Paris, france"), "gare saint lazare": ("Gare Saint-Lazare", "Paris, france"),
    "centraal": ("Centraal", "Amsterdam, netherlands"), "amsterdam centraal": ("Centraal", "Amsterdam, netherlands"),
    "termini": ("Termini", "Rome, italy"), "roma termini": ("Termini", "Rome, italy"), "atocha": ("Atocha", "Madrid, spain"),
    "chamartin": ("Chamartín", "Madrid, spain"), "sants": ("Sants", "Barcelona, spain"),
    "hauptbahnhof": ("Hauptbahnhof", None), "hbf": ("Hauptbahnhof", None),
    "santa lucia": ("Santa Lucia", "Venice, italy"), "milano centrale": ("Milano Centrale", "Milan, italy"),
}
BUS_STATIONS = frozenset({"Port Authority", "Victoria Coach Station"})  # the rest are railway stations


def mode_of_station(station: str) -> str:
    """"bus" for a coach station, "train" for a railway station."""
    return "bus" if station in BUS_STATIONS else "train"


_GENERIC = re.compile(r"\s+(?:train |railway |rail |bus |coach )?(?:station|terminal)$")


def fold_city(city: str) -> str:
    return city.split(",")[0].lower().replace("é", "e")


def find(key: str, is_city) -> tuple[str, str] | None:
    """(station, city) for a folded place name that is a station, its city said before or after it where the
    table does not know it ("toronto union", "union station in dc"); None otherwise. ``is_city(words)`` says
    whether words name a city (and returns its look-up key)."""
    m = re.fullmatch(r"(.+?)\s+(?:in|at)\s+(.+)", key)  # "union station in dc"
    candidates = [(m.group(1), m.group(2))] if m else []
    words = key.split()
    for i in range(len(words)):  # "birmingham new street": a city, then the station
        candidates.append((" ".join(words[i:]), " ".join(words[:i])))
    for name, city_words in candidates:
        for form in (name, _GENERIC.sub("", name)):
            if form not in STATIONS:
                continue
            station, city = STATIONS[form]
            said = is_city(city_words) if city_words else None
            if city_words and said is None:
                continue  # words before it that are no city: not this station
            if city and (not said or said == fold_city(city)):
                return station, city  # the table's city (with its country), also when the text says it
            if said:
                return station, said
    return None
