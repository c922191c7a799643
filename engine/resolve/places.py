"""Place names -> {"city", "country", "airports"} from the airportsdata package.

One index built once at start-up: normalised city name -> airports with an IATA
code, international airports first. A short table of metropolitan airports puts a city's main airports first where
airportsdata files them under a neighbouring municipality. Handles a state or country suffix
("Portland, OR", "Paris, France"), an IATA code typed as such ("SFO"), and
common abbreviations through the small alias table below. Unknown places
resolve to None, never to a guessed airport.
"""
from __future__ import annotations

import re
from functools import lru_cache

import airportsdata

# Common ways people write a city. Keys are lowercase; values are airportsdata city names.
ALIASES = {
    "sf": "San Francisco", "san fran": "San Francisco", "frisco": "San Francisco",
    "nyc": "New York", "ny": "New York", "new york city": "New York", "the big apple": "New York",
    "la": "Los Angeles", "l.a.": "Los Angeles", "philly": "Philadelphia", "chi-town": "Chicago",
    "chitown": "Chicago", "vegas": "Las Vegas", "dc": "Washington", "washington dc": "Washington",
    "washington d.c.": "Washington", "nola": "New Orleans", "atl": "Atlanta", "sd": "San Diego",
    "mexico city": "Mexico City", "ciudad de mexico": "Mexico City", "cdmx": "Mexico City",
    "saint louis": "St. Louis", "st louis": "St. Louis", "st. louis": "St. Louis",
    "taipei city": "Taipei", "bombay": "Mumbai", "peking": "Beijing",
}

# Main airports of cities whose busiest airports airportsdata files under another municipality
# (DFW under "Dallas-Fort Worth", YYZ under "Mississauga", ...): listed first, in this order.
METRO_AIRPORTS = {
    "new york": ["JFK", "LGA", "EWR"], "washington": ["IAD", "DCA", "BWI"], "chicago": ["ORD", "MDW"],
    "dallas": ["DFW", "DAL"], "houston": ["IAH", "HOU"], "seattle": ["SEA"], "toronto": ["YYZ", "YTZ"],
    "vancouver": ["YVR"], "montreal": ["YUL"], "london": ["LHR", "LGW", "STN", "LTN", "LCY"],
    "paris": ["CDG", "ORY"], "berlin": ["BER"], "tokyo": ["HND", "NRT"], "osaka": ["KIX", "ITM"],
    "seoul": ["ICN", "GMP"], "shanghai": ["PVG", "SHA"], "beijing": ["PEK", "PKX"], "milan": ["MXP", "LIN"],
    "rome": ["FCO", "CIA"], "moscow": ["SVO", "DME", "VKO"], "sao paulo": ["GRU", "CGH"],
    "mexico city": ["MEX"], "los angeles": ["LAX"], "san francisco": ["SFO"], "miami": ["MIA"],
    "atlanta": ["ATL"], "boston": ["BOS"], "denver": ["DEN"], "baltimore": ["BWI"], "detroit": ["DTW"],
    "minneapolis": ["MSP"], "philadelphia": ["PHL"], "phoenix": ["PHX"], "orlando": ["MCO"],
    "las vegas": ["LAS"], "san diego": ["SAN"], "portland": ["PDX", "PWM"], "sydney": ["SYD"],
    "melbourne": ["MEL"], "stockholm": ["ARN"], "bangkok": ["BKK", "DMK"], "istanbul": ["IST", "SAW"],
    "dubai": ["DXB"], "delhi": ["DEL"], "new delhi": ["DEL"], "mumbai": ["BOM"], "nairobi": ["NBO"],
}

US_STATES = {
    "al": "Alabama", "ak": "Alaska", "az": "Arizona", "ar": "Arkansas", "ca": "California", "co": "Colorado",
    "ct": "Connecticut", "de": "Delaware", "fl": "Florida", "ga": "Georgia", "hi": "Hawaii", "id": "Idaho",
    "il": "Illinois", "in": "Indiana", "ia": "Iowa", "ks": "Kansas", "ky": "Kentucky", "la": "Louisiana",
    "me": "Maine", "md": "Maryland", "ma": "Massachusetts", "mi": "Michigan", "mn": "Minnesota",
    "ms": "Mississippi", "mo": "Missouri", "mt": "Montana", "ne": "Nebraska", "nv": "Nevada",
    "nh": "New Hampshire", "nj": "New Jersey", "nm": "New Mexico", "ny": "New York", "nc": "North Carolina",
    "nd": "North Dakota", "oh": "Ohio", "ok": "Oklahoma", "or": "Oregon", "pa": "Pennsylvania",
    "ri": "Rhode Island", "sc": "South Carolina", "sd": "South Dakota", "tn": "Tennessee", "tx": "Texas",
    "ut": "Utah", "vt": "Vermont", "va": "Virginia", "wa": "Washington", "wv": "West Virginia",
    "wi": "Wisconsin", "wy": "Wyoming", "dc": "District of Columbia",
}

COUNTRIES = {  # names people append to a city -> ISO 3166 alpha-2, as airportsdata stores it
    "usa": "US", "us": "US", "united states": "US", "america": "US", "canada": "CA", "mexico": "MX",
    "uk": "GB", "united kingdom": "GB", "england": "GB", "scotland": "GB", "france": "FR", "germany": "DE",
    "spain": "ES", "italy": "IT", "portugal": "PT", "netherlands": "NL", "ireland": "IE", "greece": "GR",
    "turkey": "TR", "australia": "AU", "new zealand": "NZ", "japan": "JP", "china": "CN", "taiwan": "TW",
    "korea": "KR", "south korea": "KR", "india": "IN", "thailand": "TH", "singapore": "SG", "kenya": "KE",
    "brazil": "BR", "argentina": "AR", "egypt": "EG", "south africa": "ZA", "uae": "AE", "russia": "RU",
    "nsw": "AU", "bc": "CA", "ontario": "CA", "quebec": "CA",
}

_STATE_NAMES = {v.lower(): v for v in US_STATES.values()}
_EXCLUDED = re.compile(r"\b(air force|air base|afb|army|naval|heliport|seaplane|military|raf)\b", re.I)


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower())


class PlaceIndex:
    """Lookup of city names and IATA codes; build once, query many times."""

    def __init__(self) -> None:
        self.by_iata = airportsdata.load("IATA")
        self.by_city: dict[str, list[dict]] = {}
        for ap in self.by_iata.values():
            if not ap.get("iata") or _EXCLUDED.search(ap["name"]):
                continue
            city = _key(ap["city"])
            keys = [city, city.removesuffix(" city")] if city.endswith(" city") else [city]
            for k in keys:
                self.by_city.setdefault(k, []).append(ap)
        for aps in self.by_city.values():
            aps.sort(key=lambda a: ("international" not in a["name"].lower(), not a["icao"], a["iata"]))

    def _split_suffix(self, text: str) -> tuple[str, str | None, str | None]:
        """'Portland, OR' -> ('portland', 'Oregon', None); 'Paris, France' -> ('paris', None, 'FR')."""
        m = re.match(r"^(.*?)(?:,\s*|\s+)([a-z.][a-z.\s]*)$", text)
        if m and m.group(1):
            city, suffix = m.group(1).strip(), m.group(2).strip().rstrip(".")
            state = US_STATES.get(suffix) or _STATE_NAMES.get(suffix)
            if state and (city in self.by_city or city in ALIASES):
                return city, state, None
            if suffix in COUNTRIES and (city in self.by_city or city in ALIASES):
                return city, None, COUNTRIES[suffix]
        return text, None, None

    @lru_cache(maxsize=4096)
    def resolve(self, text: str) -> dict | None:
        """``{"city", "country", "airports"}`` for a place name, or None when unknown."""
        raw = text.strip()
        if re.fullmatch(r"[A-Z]{3}", raw) and raw in self.by_iata and raw.lower() not in ALIASES:
            ap = self.by_iata[raw]
            return {"city": ap["city"], "country": ap["country"], "airports": [raw]}
        key = _key(raw).strip(".,!? ")
        key = re.sub(r"^(the )?(city of |airport in )", "", key)
        key = re.sub(r"\s+(international\s+)?airport$", "", key)
        if key in ALIASES:
            city, subd, country = _key(ALIASES[key]), None, None
        else:
            city, subd, country = self._split_suffix(key)
            city = _key(ALIASES.get(city, city))
        metro = [self.by_iata[c] for c in METRO_AIRPORTS.get(city, []) if c in self.by_iata]
        local = self.by_city.get(city, [])
        aps = [a for a in metro + [a for a in local if a not in metro]
               if (subd is None or a["subd"] == subd) and (country is None or a["country"] == country)]
        if not aps:
            return None
        top = aps[0]  # one country: London means GB unless the text says otherwise
        name = local[0]["city"] if local and local[0]["country"] == top["country"] else top["city"]
        return {"city": name, "country": top["country"],
                "airports": [a["iata"] for a in aps if a["country"] == top["country"]]}
