"""The mode of travel a request names, and the intents a travel bot routes on.

**Mode**: ``flight``, ``train`` or ``bus`` from the words people use for them -- "flight", "fly", "plane",
"airline"; "train", "rail", "amtrak", "eurostar"; "bus", "coach", "greyhound", "megabus" -- the first
named when several are; ``None`` when the text names none (a bot asks, or offers all). A taxi or a
ride-hailing car is not a trip this service books: a turn that names only such a ride ("a cab from the
hotel to the station at 5") is out of scope (:func:`is_taxi_only`), as is one about the weather, the traffic,
or a parcel that names nothing only a trip has (:func:`is_other_errand`).

**Intents**: ATIS's question intents ("what does fare code QX mean": ``abbreviation``; ``aircraft``,
``meal``, ``capacity``, ...) are kept only where the text asks that question (one of its words is there);
otherwise the best intent the text does support is answered (:func:`supported_intent`), so a train request
is never ``abbreviation``.
"""
from __future__ import annotations

import re

MODE_WORDS = {
    "flight": ("flight", "flights", "fly", "flying", "flies", "flew", "plane", "planes", "airplane", "airline",
               "airlines", "airfare", "airfares", "nonstop", "non-stop", "layover", "jet", "jetblue"),
    "train": ("train", "trains", "rail", "railway", "railroad", "amtrak", "eurostar", "acela", "tgv", "thalys",
              "intercity", "lirr", "caltrain", "metra", "njt", "trainline"),
    "bus": ("bus", "buses", "busses", "coach", "coaches", "greyhound", "megabus", "flixbus", "busbud", "peterpan",
            "trailways"),
}
# Words that make a turn about travel even when it names no place, time or mode ("I want to book a trip")
TRAVEL_WORDS = frozenset({"travel", "travelling", "traveling", "trip", "trips", "ticket", "tickets", "fare", "fares",
                          "journey", "itinerary", "depart", "departing", "departure", "arrive", "arriving", "arrival",
                          "leave", "leaving", "return", "returning", "round", "one-way", "seat", "seats", "booking",
                          "reservation", "airport", "station", "schedule", "go", "going", "get"})
TAXI_WORDS = frozenset({"taxi", "taxis", "cab", "cabs", "uber", "lyft", "rideshare", "limo", "limousine",
                        "chauffeur", "shuttle", "ride"})
# Another service's subject: the weather, the traffic, a parcel ("is it going to snow in Denver on Friday", "send
# a package from New York to LA"): with no word only a trip has, not a trip (:func:`is_other_errand`). A house
# move is no such subject: movers travel ("I am moving to Phoenix from Los Angeles" books a trip).
OTHER_ERRANDS = frozenset({"weather", "forecast", "rain", "raining", "rainy", "snow", "snowing", "sunny", "temperature",
                           "humid", "humidity", "traffic", "package", "packages", "parcel", "parcels", "shipping",
                           "ship", "courier", "deliver", "delivery", "mail"})
_GENERIC_TRAVEL = frozenset({"go", "going", "get", "schedule"})  # words of any errand ("is it going to rain")
_BY_WORD = {w: mode for mode, words in MODE_WORDS.items() for w in words}

# Words that show a text asks ATIS's question for an intent; an intent not listed needs none. Measured on ATIS
# train (its labels): the abbreviation cues match 125 of its 130 abbreviation turns, the distance cues 17 of 17.
_ASKS = {
    "abbreviation": r"\bmean|stand(s)? for|abbreviat|\bcode\b|^\s*what(?: is|'s| are) (?:the )?[a-z0-9]{1,4}\s*\??\s*$|"
                    r"\b(?:fare|class|booking) (?:code|class)|\b[a-z]{1,2} ?\d{2}\b",
    "aircraft": r"aircraft|airplane|\bplane|\bjet\b|boeing|airbus|\btype of\b|\bkind of\b",
    "meal": r"\bmeal|\bfood|breakfast|lunch|dinner|snack|\beat",
    "capacity": r"capacity|\bseats?\b|how many (people|passengers)|\bhold",
    "distance": r"how far|how long|distance|\bmiles?\b|kilomet",
    "quantity": r"how many|number of",
    "ground_service": r"ground|transportation|taxi|\blimo|rental|\bcar\b|shuttle|\bbus",
    "ground_fare": r"ground|transportation|taxi|\blimo|rental|\bcar\b|shuttle|\bcost",
    "flight_no": r"number",
    "airline": r"airline|carrier|\bwhich (company|companies)",
    "city": r"\bcit(y|ies)\b|\bwhere\b",
    "airport": r"airport",
    "restriction": r"restrict",
    "flight_time": r"what time|\bwhen\b|schedule|\btimes?\b|depart|arriv|leave",
    "cheapest": r"cheap",
    "day_name": r"what day|which day",
}


_PLACE_AFTER = frozenset({"station", "stations", "terminal", "depot", "stop"})  # "the train station" is a place


def mode_of(words: list[str]) -> str | None:
    """The first mode named by the normalised words (:func:`engine.tokenizer.words`), or None ("the bus
    station" names a place, not a mode)."""
    for i, w in enumerate(words):
        if w in _BY_WORD and (i + 1 == len(words) or words[i + 1] not in _PLACE_AFTER):
            return _BY_WORD[w]
    return None


# ATIS train: 15 of the 16 ground-transport turns that name a taxi or a limousine start with one of these.
_QUESTION = ("what", "how", "is", "are", "which", "list", "show", "does", "do", "can", "where", "when")


def is_taxi_only(words: list[str]) -> bool:
    """A request for a taxi or a ride-hailing car that names no flight, train or bus ("a cab from the hotel to
    the station at 5", "get me an uber"); a question about the ground transport of a trip ("is there taxi service
    at the ontario airport", ATIS's ground_service) is not one."""
    rides = any(w in TAXI_WORDS for w in words) or any(a == "car" and b == "service" for a, b in zip(words, words[1:]))
    return (rides and mode_of(words) is None
            and not (words and words[0] in _QUESTION and words[:2] != ["can", "you"]))


def is_other_errand(words: list[str]) -> bool:
    """The turn is about another service's subject (``OTHER_ERRANDS``) and names nothing of travel."""
    return (any(w in OTHER_ERRANDS for w in words) and mode_of(words) is None
            and not any(w in TRAVEL_WORDS and w not in _GENERIC_TRAVEL for w in words))


def names_travel(words: list[str]) -> bool:
    """The words name a mode of travel or something only a trip has (a ticket, a fare, a departure)."""
    return mode_of(words) is not None or any(w in TRAVEL_WORDS for w in words)


def asks(intent: str, text: str) -> bool:
    """Every part of the (ATIS) intent is a question the text asks, or needs no words of its own."""
    parts = [p.removeprefix("atis_") for p in intent.split("#")]
    return all(p not in _ASKS or re.search(_ASKS[p], text, re.I) for p in parts)


def supported_intent(ranking: list[tuple[str, float]], text: str, fallback: str) -> tuple[str, float]:
    """The most probable intent of ``ranking`` (best first) whose question the text asks; ``fallback``
    (the booking intent) with its probability when none does."""
    for name, conf in ranking:
        if asks(name, text):
            return name, conf
    return fallback, next((c for n, c in ranking if n == fallback), 0.0)
