"""Synthetic typed travel requests: phrasings, places and dates the two corpora rarely show.

ATIS knows ~80 US cities, lowercased; SGD-travel's dates are nearly all in March or "this month"
and its requests follow a few crowd-worker patterns. Users also write "Chicago-bound", "bound for
Rome", "get me out of Houston tonight", "SFO-JFK on 11/02", "landing in Dubai on Jan 3" or
"origin: Madrid, destination: Porto". This module writes such requests from a small grammar —
clauses for each frame slot in random order around an opener — with the character spans of what
it filled in. Training mixes a fresh sample into every epoch (``model.train --synth N``); like
SGD-travel turns, they supervise the frame head only.

Spans follow SGD-travel's annotation: prepositions and "the" before "11th of March" stay outside,
"the 11th" alone keeps its "the", a date and a clock time are two spans, a return date is
``return_time``.
"""
from __future__ import annotations

import random
import re

from .data import Example, spans_to_tags
from engine.tokenizer import tokenize

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

OPENERS = ["", "", "I need a flight", "I need a bus", "Book me a flight", "book a train", "Find me a flight",
           "I want to fly", "I'd like to travel", "Looking for tickets", "looking for a one-way",
           "Can you get me a flight", "Could you find me a bus", "Any flights", "Hi, I need 2 tickets",
           "Hey, can you book me a round trip", "Please find a flight", "I have to travel", "We want to go",
           "I'm trying to get a seat", "one ticket", "Need a cheap flight", "I wanna fly", "bus tix",
           "I'd like to book 3 seats", "get me a train", "Search flights", "Is there a bus"]
CLOSERS = ["", "", "", " please", ", thanks", " for 2 people", ", economy", " for one person", ", one way",
           " with Delta", " if possible", ". Thanks!", " for me and my wife", ", direct only"]

DEPARTURE = ["from {dep}", "from {dep}", "out of {dep}", "leaving {dep}", "leaving from {dep}", "departing {dep}",
             "departing from {dep}", "starting in {dep}", "starting from {dep}", "I'm in {dep}",
             "I am currently in {dep}", "origin: {dep}", "origin {dep}", "pick me up in {dep}",
             "flying out of {dep}", "leave {dep}", "get me out of {dep}", "my trip starts in {dep}"]
DESTINATION = ["to {dst}", "to {dst}", "to {dst}", "into {dst}", "bound for {dst}", "{dst}-bound",
               "headed to {dst}", "heading to {dst}", "going to {dst}", "arriving in {dst}", "arriving at {dst}",
               "landing in {dst}", "to get to {dst}", "destination: {dst}", "my destination is {dst}",
               "I want to visit {dst}", "trip to {dst}", "fly into {dst}", "leave for {dst}", "leaving for {dst}",
               "I need to be in {dst}", "end up in {dst}", "back to {dst}"]
BOTH = ["{dep} to {dst}", "{dep} to {dst}", "from {dep} to {dst}", "from {dep} to {dst}", "{dep} - {dst}",
        "{dep}-{dst}", "{dep} -> {dst}", "{dep} > {dst}", "{dep} → {dst}", "between {dep} and {dst}", "to {dst} from {dep}",
        "{code_dep}-{code_dst}", "{code_dep} to {code_dst}", "{code_dep}-{code_dst}"]
DATE = ["on {date}", "on {date}", "{date}", "{date}", "for {date}", "leaving {date}", "departing {date}",
        "by {date}", "around {date}", "in {month}"]
CLOCK = ["at {clock}", "at {clock}", "around {clock}", "{clock}", "leaving at {clock}", "by {clock}",
         "departing {clock}", "no later than {clock}"]
RETURN = ["returning {ret}", "coming back {ret}", "back on {ret}", "return on {ret}", "with a return on {ret}",
          "return {ret}", "and back {ret}"]

# Requests without a frame slot, in the same style: what users also type to a booking bot. Without
# them every generated sentence would hold a place, and the model learns to find one anywhere.
NEGATIVE = ["I need to check my {thing}", "could you check my {thing} please", "what's my {thing}",
            "can you find me a {item}", "I'd like a {item}", "I also need a {item}", "please cancel my {thing}",
            "how much is the {thing}", "is the {thing} included", "I want a {item} too", "that {item} works for me",
            "find me a {item} instead", "what about the {thing}", "is there a {item} available", "book the {item}",
            "I'd prefer a {item}", "no, that's all", "thanks, bye", "sounds good", "yes please", "perfect, book it",
            "change my {thing}", "send me the {thing}", "do you have a {item}"]
THINGS = ["balance", "savings balance", "checking account", "reservation", "booking", "refund", "baggage allowance",
          "seat", "ticket price", "payment", "account balance", "itinerary", "fare", "receipt", "confirmation number",
          "meal", "luggage fee", "password", "order"]
ITEMS = ["compact car", "window seat", "aisle seat", "rental car", "hotel room", "cheaper option", "direct flight",
         "later one", "bigger car", "economy ticket", "business class seat", "vegetarian meal", "nonstop option",
         "medium-sized car", "table for two", "refundable fare", "pet-friendly room"]
NEG_OPENERS = ["", "", "", "Okay, ", "Sure, ", "Thanks. ", "Also, ", "Hmm, ", "Great, ", "No, ", "Actually, "]
NEGATIVE_SHARE = 0.25

SLOT_OF = {"dep": "departure", "code_dep": "departure", "dst": "destination", "code_dst": "destination",
           "date": "time", "month": "time", "clock": "time", "ret": "return_time"}
_FIELD = re.compile(r"\{(\w+)\}")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def date_phrase(rng: random.Random) -> tuple[str, str]:
    """(text before the span, the date's span text): "the " of "the 11th of March" stays outside."""
    month, day = rng.randrange(12), rng.randint(1, 28)
    m_full, m_abbr = MONTHS[month], MONTHS[month][:3]
    d_ord, weekday = ordinal(day), rng.choice(DAYS)
    forms = [
        ("", f"{m_full} {day}"), ("", f"{m_full} {d_ord}"), ("", f"{m_abbr} {day}"), ("", f"{m_abbr}. {d_ord}"),
        ("", f"{m_abbr}. {day}"), ("the ", f"{d_ord} of {m_full}"), ("", f"{d_ord} of {m_full}"),
        ("", f"the {d_ord}"), ("", f"{month + 1}/{day}"), ("", f"{month + 1:02d}/{day:02d}"),
        ("", f"{d_ord} {m_full}"), ("", f"{day} {m_abbr}"), ("", f"{weekday}"), ("", f"this {weekday}"),
        ("", f"next {weekday}"), ("", f"{weekday} next week"), ("", f"{weekday[:3]}"), ("", "tomorrow"),
        ("", "tmrw"), ("", "today"), ("", "tonight"), ("", "later today"), ("the ", "day after tomorrow"),
        ("", "this weekend"), ("", "next weekend"), ("", "next week"), ("", f"{m_full} {d_ord}, 2027"),
        ("", f"{weekday}, {m_abbr} {day}"),
    ]
    return rng.choice(forms)


def clock_phrase(rng: random.Random) -> str:
    h, mm = rng.randint(1, 12), rng.choice(["00", "15", "30", "45", "05", "50"])
    ampm = rng.choice(["am", "pm", " am", " pm", " a.m.", " p.m.", "AM", " PM"])
    return rng.choice([f"{h}{ampm}", f"{h}:{mm}{ampm}", f"{h}:{mm}{ampm}", f"{h} in the morning",
                       f"{h}:{mm} in the evening", f"{h} in the afternoon", f"{rng.randint(0, 23):02d}:{mm}",
                       "noon", "midnight"])


def as_typed(text: str, rng: random.Random, shouting: bool = True) -> str:
    """Casing as people type: a capital first letter or not, sometimes all lowercase, rarely all caps
    (only where the change keeps every character offset)."""
    text = text[0].upper() + text[1:] if rng.random() < 0.6 else text
    casing = rng.random()
    if casing < 0.3 and len(text.lower()) == len(text):
        return text.lower()
    if shouting and casing > 0.97 and len(text.upper()) == len(text):
        return text.upper()
    return text


def generate(rng: random.Random, places: list[str], codes: list[str],
             negatives: float = NEGATIVE_SHARE) -> tuple[str, list[dict]]:
    """One request: (text, spans) with spans ``{"slot", "start", "end"}`` as in SGD-travel; a
    ``negatives`` share of them is a request without a frame slot."""
    if rng.random() < negatives:
        body = rng.choice(NEGATIVE).format(thing=rng.choice(THINGS), item=rng.choice(ITEMS))
        return as_typed(rng.choice(NEG_OPENERS) + body + rng.choice(["", ".", "?", "!"]), rng, shouting=False), []
    clauses: list[str] = []
    roll = rng.random()
    if roll < 0.55:
        clauses.append(rng.choice(BOTH))
    else:
        if roll < 0.8 or rng.random() < 0.5:
            clauses.append(rng.choice(DESTINATION))
        if roll >= 0.8 or rng.random() < 0.4:
            clauses.append(rng.choice(DEPARTURE))
    if rng.random() < 0.7:
        clauses.append(rng.choice(DATE))
    if rng.random() < 0.3:
        clauses.append(rng.choice(CLOCK))
    if rng.random() < 0.15:
        clauses.append(rng.choice(RETURN))
    first = clauses.pop(0)
    rng.shuffle(clauses)
    template = rng.choice(OPENERS)
    for k, clause in enumerate([first] + clauses):
        if clause.startswith(("I", "my")):  # a clause with its own subject: a new sentence or a comma
            sep = rng.choice([", ", ". ", " and "])
        else:
            sep = " " if k == 0 or rng.random() < 0.7 else ", "
        template = f"{template}{sep}{clause}" if template else clause
    template += rng.choice(CLOSERS)
    template += rng.choice(["", "", ".", "?", "!"]) if not template.endswith((".", "!")) else ""

    fixed = dict(zip(("dep", "dst"), rng.sample(places, 2))) | dict(zip(("code_dep", "code_dst"), rng.sample(codes, 2)))
    text, spans, pos = "", [], 0
    for m in _FIELD.finditer(template):
        text += template[pos: m.start()]
        field = m.group(1)
        before = ""
        if field in fixed:
            value = fixed[field]
        elif field in ("date", "ret"):
            before, value = date_phrase(rng)
        elif field == "month":
            value = rng.choice(MONTHS)
        else:  # clock
            value = clock_phrase(rng)
        text += before
        spans.append({"slot": SLOT_OF[field], "start": len(text), "end": len(text) + len(value)})
        text += value
        pos = m.end()
    return as_typed(text + template[pos:], rng), spans


def sample(n: int, places: list[str], codes: list[str], rng: random.Random,
           negatives: float = NEGATIVE_SHARE) -> list[Example]:
    """``n`` generated requests as frame-labelled examples (no fine tags, no intent), like SGD-travel turns."""
    out = []
    for _ in range(n):
        text, spans = generate(rng, places, codes, negatives)
        tokens = tokenize(text)
        out.append(Example(text, tokens, None, None, spans, spans_to_tags(tokens, spans)))
    return out


def international_airports() -> list[dict]:
    """airportsdata's international airports (its records, in its order)."""
    import airportsdata

    return [ap for ap in airportsdata.load("IATA").values() if "international" in ap["name"].lower()]


def typed_places(examples: list[Example]) -> list[str]:
    """The departure and destination spans of frame-labelled examples, as typed."""
    return [e.text[s["start"]: s["end"]] for e in examples for s in e.spans if s["slot"] in ("departure", "destination")]


def place_names(typed: list[str]) -> tuple[list[str], list[str]]:
    """Place names as people type them (``typed``: e.g. :func:`typed_places` of SGD-travel) plus
    the cities of the world's international airports, and those airports' IATA codes (airportsdata)."""
    airports = international_airports()
    names = sorted({ap["city"] for ap in airports if ap["city"]} | set(typed))
    codes = sorted({ap["iata"] for ap in airports if ap["iata"]})
    return names, codes
