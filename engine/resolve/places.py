"""Place names -> {"city", "country", "airports"} from the airportsdata package.

One index built once at start-up: folded city name (lowercase, accents off, "St."/"Saint" as "st")
-> airports with an IATA code, international airports first. Lookups are case- and
accent-insensitive ("são paulo", "MONTREAL", "Zurich"). A table of metropolitan airports puts a
city's main airports first, in the order a traveller means them (EZE before AEP for Buenos Aires),
under the city's own name (Montreal, not Dorval where YUL sits). Also handled: a state or country
suffix ("Portland, OR", "Paris, France"), IATA codes in any case ("SFO", "bos"; a lowercase
everyday word such as "man" or "can" stays a word), the multi-airport city codes (LON, NYC, PAR,
TYO, ...), common names and abbreviations (the alias table), and spelling mistakes ("chicgo") by
rapidfuzz against the cities with an international airport -- only when a word of the text is
unknown to the model's vocabulary (so "parish" is never Paris) and the first letter agrees.
Unknown places -- and places without an airport of their own -- resolve to None, never to a
guessed airport or country. A name in another script ("Москва", "Αθήνα") is transliterated
(anyascii, ISC) and looked up exactly, only among the cities a traveller flies to (the alias table,
the metropolitan table, cities with an international airport): "Moskva" is Moscow, "Rim" stays
None. A name that folds to nothing resolves to nothing.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import airportsdata
from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import stations, towns
from .place_tables import (AIRPORT_NICKNAMES, ALIASES, CITY_CODES, COUNTRIES, METRO_AIRPORTS, METRO_NAMES, US_STATES,
                           WORDS_NOT_CODES)


def max_edits(key: str) -> int:
    """Spelling mistakes forgiven (optimal string alignment: a swap of neighbours is one edit): one from
    five letters, two from ten; none under five. Measured on the values sets (model.values)."""
    return 0 if len(key) < 5 else 1 if len(key) < 10 else 2


_NAME_WORDS = re.compile(r"\b(international|intl|ntl|national|airport|airfield|aerodrome|regional|municipal|"
                         r"county|metropolitan|metro|field|memorial|air|terminal)\b")
# words of airports' names that name no airport by themselves ("Treasure Coast International": not "the coast")
_GENERIC_NAMES = frozenset("""coast valley bay lake lakes river mountain mountains island islands north south east
west central northern southern eastern western city county state beach springs falls harbor harbour port point
gulf creek hills park plains canyon desert area capital greater tri cities plateau peninsula delta lakeshore
shore shores bluff heights""".split())
_STATE_NAMES = {v.lower(): v for v in US_STATES.values()}
_REGIONS = frozenset(_STATE_NAMES) | frozenset(COUNTRIES)  # "Southwest Florida International": not "Florida"
US_TERRITORIES = {"PR": "US", "VI": "US", "GU": "US", "AS": "US", "MP": "US"}  # GeoNames' codes -> airportsdata's
_EXCLUDED = re.compile(r"\b(air force|air base|afb|army|naval|heliport|seaplane|military|raf)\b", re.I)


def fold(name: str) -> str:
    """The lookup key of a place name: lowercase, accents off, "St." / "Saint" as "st", one space (letters
    of other scripts dropped: "" for "Москва")."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[.\u2019']", "", s)
    s = re.sub(r"[-/_]", " ", s)
    s = re.sub(r"\bsaint\b", "st", s)
    return re.sub(r"\s+", " ", s).strip(" ,!?")


class PlaceIndex:
    """Lookup of city names and IATA codes; build once, query many times.

    ``known_words``: the model's vocabulary. Spelling correction only runs on text with a word
    outside it (a typo is a word nobody uses), so real words are never corrected into cities.
    Without it, there is no spelling correction.
    """

    def __init__(self, known_words: frozenset[str] | set[str] = frozenset()) -> None:
        self.known_words = frozenset(known_words)
        self.by_iata = {k: v for k, v in airportsdata.load("IATA").items() if v.get("iata")}
        self.by_city: dict[str, list[dict]] = {}
        for ap in self.by_iata.values():
            if _EXCLUDED.search(ap["name"]):
                continue
            city = fold(ap["city"])
            if not city:
                continue  # airportsdata has airports with no city: no name leads to them
            keys = [city, city.removesuffix(" city")] if city.endswith(" city") else [city]
            for k in keys:
                self.by_city.setdefault(k, []).append(ap)
        for aps in self.by_city.values():
            aps.sort(key=lambda a: ("international" not in a["name"].lower(), not a["icao"], a["iata"]))
        self.aliases = {fold(k): fold(v) for k, v in ALIASES.items()}
        # spelling correction only towards cities a traveller flies to: an international airport, a name
        # common enough to be in the model's vocabulary (GloVe's frequent words), or the tables
        self.fuzzy_keys = sorted({k for k, aps in self.by_city.items() if len(k) >= 4 and (
            "international" in aps[0]["name"].lower() or all(w in self.known_words for w in k.split()))}
            | set(METRO_AIRPORTS) | set(self.aliases.values()))
        self.flown_to = frozenset(self.fuzzy_keys) | frozenset(self.aliases)  # where transliterations may lead
        self.metro_city = {code: city for city, codes in METRO_AIRPORTS.items() for code in codes}
        self.by_name = self._airport_names()
        self.towns = towns.load(fold)
        self._state_codes = {v: k.upper() for k, v in US_STATES.items()}
        self._in_joint_names: dict[str, list[dict]] = {}  # a word -> the airports of joint names holding it
        for k, aps in self.by_city.items():
            for w in set(k.split()) if " " in k else ():
                self._in_joint_names.setdefault(w, []).extend(aps)

    def _airport_names(self) -> dict[str, str]:
        """Folded airport names -> IATA code, from airportsdata's names less their city and the generic words
        ("Chicago O'Hare International Airport": "ohare"; "General Edward Lawrence Logan ...": that, and
        "logan"): the airports travellers fly from (international, or a metropolitan table's), names only one
        airport has."""
        found: dict[str, set[str]] = {}
        for code, ap in self.by_iata.items():
            if "international" not in ap["name"].lower() and code not in self.metro_city or _EXCLUDED.search(ap["name"]):
                continue
            city_words = set(fold(ap["city"]).split()) | set(fold(self.metro_city.get(code, "")).split())
            rest = [w for w in _NAME_WORDS.sub(" ", fold(ap["name"])).split() if w not in city_words]
            if not rest:
                continue
            for key in {" ".join(rest), "".join(rest), rest[-1]}:
                if len(key) >= 4 and not key.isdigit() and key not in _GENERIC_NAMES and key not in _REGIONS:
                    found.setdefault(key, set()).add(code)
        names = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
        return {**names, **{k: v for k, v in AIRPORT_NICKNAMES.items() if v in self.by_iata}}

    def _city_key(self, words: str) -> str | None:
        key = self.aliases.get(words, words)
        return key if self._known(key) else None

    def _named_airport(self, key: str) -> dict | None:
        """An airport said by its name, its city before it or not ("Chicago Midway", "Heathrow")."""
        words = key.split()
        for i in range(len(words)):
            name, before = " ".join(words[i:]), " ".join(words[:i])
            if name in self.by_name:
                code = self.by_name[name]
                ap = self.by_iata[code]
                metro = self.metro_city.get(code)
                said_city = self._city_key(before) if before else None
                if before and (said_city is None or said_city not in (fold(ap["city"]), metro)):
                    continue  # "London Victoria" is no airport named Victoria elsewhere; "the coast" none at all
                city = ap["city"] if metro is None or fold(ap["city"]) in METRO_AIRPORTS else (
                    METRO_NAMES.get(metro) or metro.title())
                return {"city": city, "country": ap["country"], "airports": [code]}
        return None

    def _town(self, city: str, subd: str | None, country: str | None) -> dict | None:
        """A town without an airport of its own (GeoNames), with an airport filed under a joint name that holds
        it ("raleigh" in "Raleigh/Durham")."""
        town = towns.choose(self.towns.get(city, []), self._state_codes.get(subd) if subd else None, country)
        if town is None:
            return None
        joint = [a for a in self._in_joint_names.get(city, [])
                 if a["country"] == town.country and (town.country != "US" or a["subd"] == self._state_name(town))]
        return {"city": town.name, "country": town.country, "airports": [a["iata"] for a in joint[:3]]}

    def _town_name(self, raw: str, key: str) -> bool:
        """A name to read as a town: one no one uses as a word, or -- an everyday word as well ("Reading",
        "Bath") -- typed with a capital and the name of a town of 100,000 people or more ("man" stays a word)."""
        if not all(w in self.known_words for w in key.split()):
            return True
        return raw[:1].isupper() and self.towns[key][0].population >= towns.WORD_TOWN_POPULATION

    @staticmethod
    def _state_name(town) -> str | None:
        return US_STATES.get(town.admin1.lower())

    def _station(self, key: str) -> dict | None:
        """A railway or coach station: its city's place, with the station's name."""
        found = stations.find(key, self._city_key)
        if found is None:
            return None
        station, city = found
        place = self.resolve(city) if fold(city) != key else None
        return place and {**place, "station": station}


    def _people(self, city: str) -> dict[str, int]:
        """Country -> the people of its largest town of this name (GeoNames; a US territory's towns count as the
        US's, as airportsdata files their airports: San Juan's SJU is "US")."""
        people: dict[str, int] = {}
        for t in self.towns.get(city, []):
            people.setdefault(US_TERRITORIES.get(t.country, t.country), t.population)  # the largest first
        return people

    def _by_population(self, city: str, aps: list[dict]) -> list[dict]:
        """Airports of a name several countries share, the country whose town of that name has the most people
        first ("Birmingham": England's BHX before Alabama's BHM; "Hamilton": Ontario's before Bermuda's); the
        order within a country kept."""
        if len({a["country"] for a in aps}) < 2:
            return aps
        people = self._people(city)
        return sorted(aps, key=lambda a: -people.get(a["country"], 0))

    def _larger_town(self, raw: str, city: str, aps: list[dict]) -> dict | None:
        """The town of this name in a country with no airport of that name, when it has a clear lead
        (``towns.CLEAR_LEAD``) over every other town of the name and over the airports' town (counted at the
        table's floor, ``towns.FLOOR``, when it is too small to be listed): "York", "Durham" (NC, with RDU)."""
        lead = towns.choose(self.towns.get(city, []))
        if lead is None or US_TERRITORIES.get(lead.country, lead.country) in {a["country"] for a in aps} \
                or not self._town_name(raw, city):
            return None
        rival = max(self._people(city).get(aps[0]["country"], 0), towns.FLOOR)
        return self._town(city, None, lead.country) if lead.population >= towns.CLEAR_LEAD * rival else None

    def station_in(self, text: str, country: str) -> dict | None:
        """The place a name means as a station of ``country``, when the table has one by that name there: the
        other leg of a trip settles "Waterloo" (London's station, not Waterloo, Ontario) in "from Waterloo to
        Southampton"."""
        found = stations.find(fold(text.strip().strip(".,!? ")), self._city_key)
        if found is None:
            return None
        station, city = found
        place = self.resolve(city)
        return {**place, "station": station} if place and place["country"] == country else None

    def _known(self, key: str) -> bool:
        return key in self.by_city or key in self.aliases or key in METRO_AIRPORTS

    def _split_suffix(self, key: str) -> tuple[str, str | None, str | None]:
        """'portland, or' -> ('portland', 'Oregon', None); 'paris, france' -> ('paris', None, 'FR')."""
        m = re.match(r"^(.*?)(?:,\s*|\s+)([a-z][a-z\s]*)$", key)
        if m and m.group(1):
            city, suffix = m.group(1).strip(" ,"), m.group(2).strip()
            state = US_STATES.get(suffix) or _STATE_NAMES.get(suffix)
            known = self._known(city) or city in self.towns  # "Anaheim, CA": a town, without an airport
            if state and known:
                return city, state, None
            if suffix in COUNTRIES and known:
                return city, None, COUNTRIES[suffix]
        return key, None, None

    def _spelling(self, key: str) -> str | None:
        """The city a misspelt name means, or None (see the class's rules)."""
        edits = max_edits(key)
        if not edits or not self.known_words or all(w in self.known_words for w in key.split()):
            return None
        hits = [h for h in process.extract(key, self.fuzzy_keys, scorer=OSA.distance, score_cutoff=edits, limit=3)
                if h[0][0] == key[0] and not key.startswith(h[0])]  # "Portlandia", "Bostonians": words of their own
        if not hits or (len(hits) > 1 and hits[1][1] == hits[0][1]):
            return None  # nothing close, or two cities as close: not a guess to make
        return hits[0][0]

    def _airport(self, code: str) -> dict:
        ap = self.by_iata[code]
        return {"city": ap["city"], "country": ap["country"], "airports": [code]}

    @lru_cache(maxsize=4096)
    def resolve(self, text: str) -> dict | None:
        """``{"city", "country", "airports"}`` for a place name, or None when unknown."""
        raw = text.strip().strip(".,!? ")
        key = fold(raw)
        if key != (latin := fold(anyascii(raw))):  # another script: its transliteration, exactly a city flown to
            key = latin if latin in self.flown_to else ""
        if not key:
            return None
        if re.fullmatch(r"[a-z]{3}", key) and (raw.isupper() or key not in WORDS_NOT_CODES):
            code = key.upper()
            if code in CITY_CODES:
                key = fold(CITY_CODES[code])
            elif code in self.by_iata and (raw.isupper() or not self._known(key)):
                return self._airport(code)
        key = re.sub(r"^(the )?(city of |airport in )", "", key)
        said = key
        key = re.sub(r"\s+(international\s+)?airport$", "", key)
        if key in self.aliases:
            city, subd, country = self.aliases[key], None, None
        else:
            city, subd, country = self._split_suffix(key)
            city = self.aliases.get(city, city)
        if not self._known(city):
            if (named := self._named_airport(key) or self._station(said)) is not None:
                return named  # "Heathrow", "Chicago Midway", "Penn Station", "Birmingham New Street"
            if city in self.towns and self._town_name(raw, city):
                return self._town(city, subd, country)  # "Stevenage", "Anaheim": no airport, still a town
            if (corrected := self._spelling(city)) is not None:
                city = corrected
        metro = [self.by_iata[c] for c in METRO_AIRPORTS.get(city, []) if c in self.by_iata]
        local = self._by_population(city, self.by_city.get(city, []))
        aps = [a for a in metro + [a for a in local if a not in metro]
               if (subd is None or a["subd"] == subd) and (country is None or a["country"] == country)]
        if not aps:  # "Dublin, Ohio": the town of the state or country said, when it has no airport of that name
            return self._town(city, subd, country) if (subd or country) and city in self.towns else None
        if subd is None and country is None and not metro and (town := self._larger_town(raw, city, aps)) is not None:
            return town  # "York": the English city of 150,000, not York, Pennsylvania's airfield
        top = aps[0]  # one country: London means GB unless the text says otherwise
        if city in METRO_AIRPORTS and top in metro:
            name = METRO_NAMES.get(city) or city.title()
        else:
            name = local[0]["city"] if local and local[0]["country"] == top["country"] else top["city"]
        return {"city": name, "country": top["country"],
                "airports": [a["iata"] for a in aps if a["country"] == top["country"]]}
