"""Text in, answer out: the predictor's spans turned into the frame, resolved values, missing slots,
the out-of-scope and language decisions. The object the HTTP layer (``app/``) adapts.

About 330 lines, kept whole: the steps of one answer (language, scope, frame, values, constraints, intent, mode)
read top to bottom in the order an answer is built; each step's rules live in their own module (``frame``,
``timespans``, ``placespans``, ``timeframe``, ``mode``, ``language``, ``resolve``)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

from . import result as r
from . import placespans, timeframe, timespans
from .calibration import Calibration
from .frame import ALL_FRAME_LABELS, ARRIVAL, FRAME_SLOTS, build_frame, candidates, frame_slot
from .labels import OUT_OF_SCOPE
from .mode import asks, is_other_errand, is_taxi_only, mode_of, names_travel, supported_intent
from .resolve.stations import mode_of_station
from .chinese import ChineseReader
from .language import ENGLISH, Detected, LanguageDetector, script_language
from .predict import Prediction, Predictor
from .resolve.dates import resolve_time
from .resolve.duckling_time import ResolutionTimeout
from .resolve.places import PlaceIndex

PLACE_SLOTS = ("departure", "destination")
ANSWER_SLOTS = ALL_FRAME_LABELS + (ARRIVAL,)  # every slot an answer carries
PLACE_LABEL_ENDS = (".city_name", ".airport_name", ".state_name", ".country_name", ".state_code", ".airport_code")
TIME_SLOTS = ("time", "return_time")
ROUND_TRIP = re.compile(r"\b(round[\s-]?trip|return(ing)?|coming back|come back|fly back|back on)\b", re.I)


def intent_name(label: str) -> str:
    """ATIS intents without their corpus prefix: atis_flight#atis_airfare -> flight#airfare."""
    return "#".join(part.removeprefix("atis_") for part in label.split("#"))


def reference_moment(reference_time: datetime | None, tz: str | None) -> datetime:
    """When the user spoke, in the user's timezone (default: now, UTC)."""
    zone = ZoneInfo(tz) if tz else None
    if reference_time is None:
        return datetime.now(zone or dt_timezone.utc)
    return reference_time.astimezone(zone) if zone else reference_time


@dataclass
class Parser:
    """Everything a request needs, built once at start-up."""

    predictor: Predictor
    places: PlaceIndex
    language: LanguageDetector | None = field(default=None)  # None: every text is read as English
    calibration: Calibration | None = field(default=None)  # None: span confidences as the network gives them
    chinese: ChineseReader | None = field(default=None)  # None: Chinese answered as another language

    def frame(self, pred: Prediction, expected_slot: str | None) -> dict[str, dict | None]:
        """Best span per frame slot (and return_time), time spans completed (:mod:`engine.timespans`);
        ``expected_slot`` settles short answers."""
        tagged = pred.slot_entities
        if not tagged and pred.out_of_scope and self.names_station(pred):
            tagged = pred.entities  # the frame head, leaning out of scope, tagged nothing: the fine tags' legs
        frame = build_frame(pred.text, pred.tokens, tagged, ALL_FRAME_LABELS)
        timespans.complete(pred.text, frame, tagged is not pred.slot_entities)  # holidays, offsets, cut ranges
        placespans.complete(pred.text, frame, self.places.resolve)  # "Penn" + "Station", "london kings" + "cross"
        if expected_slot and frame.get(expected_slot) is None:
            # The bot asked for one slot; an answer whose only span fills the other slot of the same kind
            # ("Boston." tagged destination when departure was asked) answers the question.
            kind = PLACE_SLOTS if expected_slot in PLACE_SLOTS else TIME_SLOTS
            filled = [s for s in ALL_FRAME_LABELS if frame[s] is not None]
            if len(filled) == 1 and filled[0] in kind:
                frame[expected_slot], frame[filled[0]] = frame[filled[0]], None
        return frame

    def slot(self, slot: str, span: dict, reference: datetime) -> r.PlaceSlot | r.TimeSlot:
        """A frame span with its resolved value (and, for times, the value's grain)."""
        if slot in PLACE_SLOTS:
            place: r.PlaceSlot = {"text": span["text"], "start": span["start"], "end": span["end"],
                                  "confidence": span["confidence"], "value": self.places.resolve(span["text"])}
            return place
        try:
            found = resolve_time(span["text"], reference)
        except ResolutionTimeout:  # over the request's budget: null, and why
            return {"text": span["text"], "start": span["start"], "end": span["end"],
                    "confidence": span["confidence"], "value": None, "grain": None, "unresolved": "deadline"}
        when: r.TimeSlot = {"text": span["text"], "start": span["start"], "end": span["end"],
                            "confidence": span["confidence"], "value": found and found["value"],
                            "grain": found and found["grain"]}
        return when

    @staticmethod
    def split_round_trip(text: str, frame: dict) -> None:
        """A round trip's range of days in one phrase ("round trip SEA-ORD dec 5 to dec 9"): ``time`` gets
        the first day, ``return_time`` (when nothing else filled it) the last day, both on the range's span.
        A range in a one-way turn stays an interval in ``time``: a window to leave in."""
        when = frame["time"]
        if when is None or frame["return_time"] is not None or when["grain"] != "day":
            return
        value = when["value"]
        if not isinstance(value, dict) or not (value["from"] and value["to"]) or not ROUND_TRIP.search(text):
            return
        first, last = date.fromisoformat(value["from"]), date.fromisoformat(value["to"]) - timedelta(days=1)
        if last > first:
            frame["time"] = {**when, "value": first.isoformat()}
            frame["return_time"] = {**when, "value": last.isoformat()}

    def constraints(self, pred: Prediction, frame: dict, reference: datetime) -> dict | None:
        """The departure time and arrival constraint from the tagger's time pieces (:mod:`engine.timeframe`),
        when the pieces say more than one span does: a day and a clock time apart, a window word, an arrival
        constraint. None: the frame's one time span says it all (resolved as before)."""
        if not any(e.label in ("time", ARRIVAL) or "_time." in e.label for e in pred.slot_entities + pred.entities):
            return None  # no time said: nothing to combine
        spans = candidates(pred.slot_entities, pred.tokens, pred.text, split=True)["time"]  # arrival spans too
        taken = [v for k, v in frame.items() if k != "time" and v]  # the return's and the places' words
        labelled = pred.entities + [e for e in pred.slot_entities if e.label == ARRIVAL]  # what says "arrival"
        fine = [e for e in labelled if not any(t["start"] < e.end and e.start < t["end"] for t in taken)]
        pieces = timeframe.pieces(pred.text, spans, fine)  # not the "3" of "returning jan 3"
        departs = [p for p in pieces if not p.arrival]
        arrives = [p for p in pieces if p.arrival]
        when = frame.get("time")
        grown = when is not None and not any(p.start == when["start"] and p.end == when["end"] for p in pieces) \
            and not any(when["start"] <= p.start and p.end <= when["end"] for p in pieces)
        clocks = [p for p in departs if timeframe.is_clock(pred.text[p.start:p.end])]
        if len(departs) > len([s for s in spans if s.label == "time"]):
            clocks = clocks or departs  # a piece split at its window word ("tuesday after 7 am")
        if grown or not (arrives or (clocks and len(departs) > 1) or any(p.relative for p in clocks)):
            return None  # a holiday, an offset or a range completed from the text, a range of days, one plain span

        late: list[str] = []

        def resolve(phrase: str):
            try:
                return resolve_time(phrase, reference)
            except ResolutionTimeout:
                late.append(phrase)
                return None
        out = {}
        for slot, group, hint in (("time", departs, None), ("arrival_time", arrives, None)):
            if slot == "arrival_time" and out.get("time") and out["time"]["value"] is not None:
                hint = timeframe.day_of(out["time"]["value"])
            late.clear()
            found = timeframe.combine(pred.text, group, resolve, hint)
            out[slot] = found and self._slot_of_pieces(pred.text, found)
            if out[slot] and out[slot]["value"] is None and late:
                out[slot]["unresolved"] = "deadline"
        return out

    @staticmethod
    def _slot_of_pieces(text: str, found: dict) -> r.TimeSlot:
        first = found["pieces"][0]
        slot: r.TimeSlot = {"text": text[first.start:first.end], "start": first.start, "end": first.end,
                            "confidence": round(min(p.confidence for p in found["pieces"]), 4),
                            "value": found["value"], "grain": found["grain"] if found["value"] is not None else None}
        if len(found["pieces"]) > 1:
            slot["pieces"] = [{"text": text[p.start:p.end], "start": p.start, "end": p.end,
                               "confidence": round(p.confidence, 4)} for p in found["pieces"]]
        return slot

    def _a_name(self, said: str) -> bool:
        """A place span that is a name ("A Coruña", "Orléans", "málaga" the index knows), not the tagger's guess
        over another language's words ("autobús de Sevilla", "Porto amanhã"): only those leave the vote."""
        words = said.split()
        if not words:
            return False
        if words[0][:1].isupper() and all(w[:1].isupper() or w in ("de", "del", "la", "le", "am", "sur", "upon")
                                          for w in words):
            return True
        return said.islower() and len(said) > 3 and self.places.resolve(said) is not None  # "málaga" as typed

    def stations_of_one_country(self, frame: dict) -> None:
        """A leg whose name is also a station in the other leg's country is that station ("from Waterloo to
        Southampton": London Waterloo), where the two legs would otherwise be in different countries."""
        legs = [frame[s] for s in PLACE_SLOTS]
        if not all(leg and leg["value"] for leg in legs) or legs[0]["value"]["country"] == legs[1]["value"]["country"]:
            return
        for leg, other in (legs, legs[::-1]):
            if "station" not in leg["value"] and (found := self.places.station_in(leg["text"], other["value"]["country"])):
                leg["value"] = found
                return

    def calibrate(self, frame: dict) -> None:
        """Each slot's confidence as the probability that its span is exactly right (:mod:`engine.calibration`)."""
        if self.calibration is None:
            return
        for slot, span in frame.items():
            if span is not None:
                span["confidence"] = self.calibration.apply("place" if slot in PLACE_SLOTS else "time",
                                                            span["confidence"])

    @staticmethod
    def nothing_of_travel(frame: dict, pred: Prediction, words: list[str], intent: str) -> bool:
        """A turn with no place, time, mode, travel word or entity, whose intent's question it does not ask
        ("book a table for two"): nothing in it is a trip, whatever the intent head leaned to. ``intent``: the
        answered name (``flight#airfare``)."""
        booking = intent in ("flight", "airfare")
        return (not any(frame.values()) and not pred.entities and not names_travel(words)
                and (booking or not asks(intent, pred.text)))

    def names_station(self, pred: Prediction) -> bool:
        """A leg of the fine tagger's is a station of the table ("the 7:15 from Kings Cross", "the 8:05 from
        Paddington"): the model, which has seen few, may judge such a turn another service's; a station is travel."""
        return any(frame_slot(e.label) in PLACE_SLOTS and (v := self.places.resolve(pred.text[e.start:e.end]))
                   and v.get("station") for e in pred.entities)

    def language_of(self, pred: Prediction) -> Detected:
        """The language of the text's words; the places the tagger found (the frame's departure and
        destination, the fine place entities) do not vote."""
        if self.language is None:
            return Detected(ENGLISH, None)
        places = [(e.start, e.end) for e in pred.slot_entities + pred.entities
                  if (e.label in PLACE_SLOTS or e.label.endswith(PLACE_LABEL_ENDS))
                  and self._a_name(pred.text[e.start:e.end])]
        words = [t.text for t in pred.tokens if not any(a <= t.start and t.end <= b for a, b in places)]
        return self.language.detect(pred.text, words, places)

    def result(self, pred: Prediction, reference: datetime, expected_slot: str | None = None) -> r.ParseResult:
        """The answer for one prediction (:class:`engine.result.ParseResult`, what ``/parse`` serves). A turn
        in another language, or judged not a travel request, answers ``in_scope: false`` with the reason,
        intent ``out_of_scope`` and an empty frame.

        With ``expected_slot`` the bot says it just asked a travel question, so the turn is an answer
        within a travel dialogue: a short reply ("Next Monday.", "NYC.") is not judged out of scope
        (alone it reads like any other service's date or place).
        """
        if pred.reader == "zh" and self.chinese is not None:
            return self.chinese.result(pred, reference, expected_slot)
        language = self.language_of(pred)
        words = [t.text for t in pred.tokens]
        scope = self.scope(pred, language, words, expected_slot)
        frame: dict = dict.fromkeys(ANSWER_SLOTS)
        entities: list[r.Entity] = []
        mode = None
        intent: r.Intent = {"name": OUT_OF_SCOPE, "confidence": scope["confidence"]} if scope else None
        if scope is None:
            frame = self.resolved_frame(pred, reference, expected_slot)
            entities = [{"entity": e.label, "text": pred.text[e.start: e.end], "start": e.start, "end": e.end,
                         "confidence": round(e.confidence, 4)} for e in pred.entities]
            said_mode = mode_of(words)
            intent = self.intent_of(pred, frame, said_mode is not None)
            mode = said_mode or next((mode_of_station(frame[s]["value"]["station"]) for s in PLACE_SLOTS
                                      if frame[s] and frame[s]["value"] and frame[s]["value"].get("station")), None)
            if not expected_slot and self.nothing_of_travel(frame, pred, words, intent["name"]):
                scope = {"reason": "not_travel", "confidence": round(pred.out_of_scope_probability or 0.0, 4)}
                frame, entities, mode = dict.fromkeys(frame), [], None
                intent = {"name": OUT_OF_SCOPE, "confidence": scope["confidence"]}
        # dict literals typed by engine.result (for a type checker; at run time they cost what a literal costs)
        answer: r.ParseResult = {
            "text": pred.text,
            "in_scope": scope is None,
            "out_of_scope": scope,
            "language": {"code": language.code, "confidence": language.confidence},
            "intent": intent,
            "slots": {"departure": frame["departure"], "destination": frame["destination"], "time": frame["time"]},
            "return_time": frame["return_time"],
            "arrival_time": frame["arrival_time"],
            "mode": mode,
            "missing": [s for s in FRAME_SLOTS if frame[s] is None],
            "entities": entities,
            "model": {"name": self.predictor.name, "version": self.predictor.version},
        }
        return answer

    def scope(self, pred: Prediction, language: Detected, words: list[str], expected_slot: str | None) -> r.OutOfScope | None:
        """Why the turn is not answered with a frame: another language, the model's judgement (not when the bot
        just asked a travel question, nor when it names a railway or coach station), a taxi or a ride; None when
        it is."""
        if not language.english:
            return {"reason": "language", "confidence": language.confidence}
        if expected_slot:
            return None
        if pred.out_of_scope and not self.names_station(pred):
            return {"reason": "not_travel", "confidence": round(pred.out_of_scope_probability, 4)}
        if is_taxi_only(words):
            return {"reason": "not_travel", "confidence": 1.0}  # a taxi or a ride: not a trip booked here
        if is_other_errand(words):
            return {"reason": "not_travel", "confidence": 1.0}  # the weather, a parcel, ...: another service's
        return None

    def resolved_frame(self, pred: Prediction, reference: datetime, expected_slot: str | None) -> dict:
        """Every slot with its value: the frame's spans, the time constraints, a round trip's range split, the
        calibrated confidences, a return after the departure."""
        spans = self.frame(pred, expected_slot)
        frame: dict = dict.fromkeys(ANSWER_SLOTS)
        for slot, span in spans.items():
            if span is not None:
                frame[slot] = self.slot(slot, span, reference)
        if not expected_slot:  # time and arrival_time from the time pieces, when they say more than one span does
            frame.update(self.constraints(pred, spans, reference) or {})
        self.split_round_trip(pred.text, frame)
        self.stations_of_one_country(frame)
        self.calibrate(frame)
        if frame["return_time"] and frame["time"] and frame["time"]["value"] and frame["return_time"]["value"]:
            frame["return_time"]["value"] = timeframe.after_departure(frame["return_time"]["value"],
                                                                      frame["time"]["value"])
        return frame

    @staticmethod
    def intent_of(pred: Prediction, frame: dict, names_mode: bool) -> r.Intent:
        """The travel intent: the best travel one where the model leaned out of scope (an answer to the bot's
        question), and in a booking request (a slot filled, or a mode named) no ATIS question intent the text
        does not ask."""
        name, conf = pred.intent, pred.intent_confidence
        if name == OUT_OF_SCOPE:
            name, conf = pred.travel_intent()
        if any(frame[s] for s in ALL_FRAME_LABELS) or names_mode:
            name, conf = supported_intent([(name, conf)] + [x for x in pred.intent_ranking if x[0] != OUT_OF_SCOPE],
                                          pred.text, "atis_flight")
        return {"name": intent_name(name), "confidence": round(conf, 4)}

    def predict_batch(self, texts: list[str]) -> list[Prediction]:
        """The predictions for ``texts``: Chinese ones (when the Chinese reader is loaded) from its model, the rest
        from the English one, one batched call each; each prediction says whose it is (``reader``)."""
        chinese = [i for i, t in enumerate(texts) if self.chinese is not None and script_language(t) == "zh"]
        if not chinese:
            return self.predictor.predict_batch(texts)
        preds: list = [None] * len(texts)
        zh = set(chinese)
        english = [i for i in range(len(texts)) if i not in zh]
        for i, p in zip(english, self.predictor.predict_batch([texts[i] for i in english]) if english else []):
            preds[i] = p
        for i, p in zip(chinese, self.chinese.predictor.predict_batch([texts[i] for i in chinese])):
            p.reader = "zh"
            preds[i] = p
        return preds

    def parse(self, texts: list[str], reference: datetime, expected_slot: str | None = None) -> list[r.ParseResult]:
        """One batched model call (per language) for all ``texts``."""
        return [self.result(p, reference, expected_slot) for p in self.predict_batch(texts)]
