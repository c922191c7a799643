"""Chinese requests: the character-level tagger's spans turned into the same answer English gets.

A text the language check reads as Chinese (most of its letters Han characters, Simplified or
Traditional: :func:`engine.language.script_language`) goes to the Chinese artifact
(``model/artifacts/zh``, trained by ``python -m model.zh_train``) instead of being answered ``language: zh``
out of scope. Its tagger labels the frame slots directly; the frame is built by the same rules
(:func:`engine.frame.build_frame`), places resolved by :mod:`engine.resolve.zh_places`, times by
:mod:`engine.resolve.zh_time` (Duckling's locale from the characters: Traditional ``ZH_TW``, else ``ZH_CN``).

Scope, as in English (:mod:`engine.mode`): a turn the model judges not travel, a taxi or metro ride
(打车, 出租车, 地铁, 捷运: not a trip this service books) and a turn with nothing of a trip in it are out of
scope with an empty frame. The mode is the first mode word said (航班 飞机 机票: flight; 火车 高铁 动车:
train; 大巴 客运 巴士: bus), else a station's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from . import result as r
from . import timeframe
from .frame import ALL_FRAME_LABELS, FRAME_SLOTS, build_frame, candidates
from .labels import OUT_OF_SCOPE
from .predict import Prediction, Predictor
from .resolve.duckling_time import ResolutionTimeout
from .resolve.zh_places import ChinesePlaces, simplified
from .resolve.zh_time import locale_of, resolve_zh

CODE = "zh"
PLACE_SLOTS = ("departure", "destination")
GROUND = "atis_ground_service"  # the tagger's intent for a taxi or metro ride
MODE_WORDS = {
    "flight": ("飞机", "航班", "机票", "班机", "航空", "直飞", "乘机", "登机", "转机", "飞往", "飞到", "飞"),
    "train": ("火车", "高铁", "动车", "列车", "铁路", "车次", "卧铺", "硬座", "二等座", "一等座", "商务座", "台铁",
              "自强号", "莒光号", "城际", "复兴号", "和谐号", "京沪线"),
    "bus": ("大巴", "巴士", "客运", "汽车票", "长途汽车", "长途车", "班车", "国光", "统联", "旅游车", "汽车站"),
}
RIDE_WORDS = ("出租车", "打车", "打的", "的士", "滴滴", "网约车", "叫车", "计程车", "专车", "快车", "地铁", "捷运",
              "叫个车", "约车")
TRAVEL_WORDS = ("票", "出发", "到达", "抵达", "行程", "往返", "来回", "单程", "回程", "返程", "出行", "旅行", "订",
                "航", "车", "去", "到", "飞", "走")


# after a clock time: arrive by it ("9点前到北京", "8点抵达"); "11月2日到台北" is a day and a destination
_ARRIVES = re.compile(r"^\s*(?:(?:以前|之前|前)\s*(?:到达|抵达|到)|到达|抵达)")


def _piece(slot: dict) -> dict:
    return {k: slot[k] for k in ("text", "start", "end", "confidence")}


def mode_of(text: str) -> str | None:
    """The first mode of travel the (Simplified) text names, or None."""
    hits = [(text.find(w), mode) for mode, words in MODE_WORDS.items() for w in words if w in text]
    hits = [h for h in hits if not text[h[0]:].startswith("汽车站") or h[1] == "bus"]
    return min(hits)[1] if hits else None


def is_ride(text: str) -> bool:
    """A taxi or metro ride that names no flight, train or bus."""
    return any(w in text for w in RIDE_WORDS) and mode_of(text) is None


@dataclass
class ChineseReader:
    """The Chinese predictor and place resolver, built once at start-up."""

    predictor: Predictor
    places: ChinesePlaces

    def slot(self, slot: str, span: dict, text: str, reference: datetime) -> dict:
        out = {"text": span["text"], "start": span["start"], "end": span["end"], "confidence": span["confidence"]}
        if slot in PLACE_SLOTS:
            return out | {"value": self.places.resolve(span["text"])}
        try:
            found = resolve_zh(span["text"], reference, text[span["end"]:span["end"] + 3], locale_of(text))
        except ResolutionTimeout:
            return out | {"value": None, "grain": None, "unresolved": "deadline"}
        return out | {"value": found and found["value"], "grain": found and found["grain"]}

    def frame(self, pred: Prediction, reference: datetime, expected_slot: str | None) -> dict:
        spans = build_frame(pred.text, pred.tokens, pred.slot_entities, ALL_FRAME_LABELS)
        if expected_slot and spans.get(expected_slot) is None:
            kind = PLACE_SLOTS if expected_slot in PLACE_SLOTS else ("time", "return_time")
            filled = [s for s in ALL_FRAME_LABELS if spans[s] is not None]
            if len(filled) == 1 and filled[0] in kind:  # the bot asked for this slot: a lone span answers it
                spans[expected_slot], spans[filled[0]] = spans[filled[0]], None
        frame = {s: span and self.slot(s, span, pred.text, reference) for s, span in spans.items()}
        frame["arrival_time"] = None
        if not expected_slot:
            self.constraints(pred, frame, reference)
        if frame["time"] and frame["return_time"] and frame["time"]["value"] and frame["return_time"]["value"]:
            frame["return_time"]["value"] = timeframe.after_departure(frame["return_time"]["value"],
                                                                      frame["time"]["value"])
        return frame

    def constraints(self, pred: Prediction, frame: dict, reference: datetime) -> None:
        """Time as constraints, as in English (:mod:`engine.timeframe`): a day and a clock time said apart are
        one value with both pieces ("后天去广州的机票 下午三点以后": the day after tomorrow from 15:00); a time
        followed by an arrival verb (之前到, 前到达, 抵达) is the arrival constraint."""
        pieces = candidates(pred.slot_entities, pred.tokens, pred.text)["time"]
        if frame["time"] is None or not pieces:
            return
        if len(pieces) == 2:
            day, clock = (self.slot("time", {"text": pred.text[p.start:p.end], "start": p.start, "end": p.end,
                                             "confidence": p.confidence}, pred.text, reference) for p in pieces)
            if day["grain"] == "day" and clock["grain"] in ("hour", "minute"):
                joined = {"text": day["text"] + clock["text"], "start": clock["start"], "end": clock["end"],
                          "confidence": min(day["confidence"], clock["confidence"])}
                both = self.slot("time", joined, pred.text, reference)
                if both["value"] is not None:
                    frame["time"] = {**day, "confidence": joined["confidence"], "value": both["value"],
                                     "grain": both["grain"], "pieces": [_piece(day), _piece(clock)]}
        when = frame["time"]  # one span (not a day and a clock time apart): a clock time before an arrival verb
        if ("pieces" not in when and when["grain"] in ("hour", "minute")
                and _ARRIVES.match(simplified(pred.text[when["end"]:when["end"] + 6]))):
            frame["arrival_time"], frame["time"] = when, None

    def scope(self, pred: Prediction, text: str, frame: dict, expected_slot: str | None) -> r.OutOfScope | None:
        if expected_slot:
            return None
        if pred.out_of_scope:
            return {"reason": "not_travel", "confidence": round(pred.out_of_scope_probability, 4)}
        if is_ride(text) or (pred.intent == GROUND and mode_of(text) is None):
            return {"reason": "not_travel", "confidence": 1.0}  # a taxi or metro ride: not a trip booked here
        if not any(frame.values()) and mode_of(text) is None and not any(w in text for w in TRAVEL_WORDS):
            return {"reason": "not_travel", "confidence": round(pred.out_of_scope_probability or 0.0, 4)}
        return None

    def result(self, pred: Prediction, reference: datetime, expected_slot: str | None = None) -> r.ParseResult:
        """The answer for one Chinese prediction, in the shape of :meth:`engine.parser.Parser.result`'s."""
        text = simplified(pred.text)
        frame = self.frame(pred, reference, expected_slot)
        scope = self.scope(pred, text, frame, expected_slot)
        mode = entities = None
        if scope is None:
            stations = any(frame[s] and frame[s]["value"] and frame[s]["value"].get("station") for s in PLACE_SLOTS)
            mode = mode_of(text) or ("train" if stations else None)  # the stations of the table are rail stations
            name, conf = pred.intent, pred.intent_confidence
            if name in (OUT_OF_SCOPE, GROUND):
                name, conf = "atis_flight", next((c for n, c in pred.intent_ranking if n == "atis_flight"), 0.0)
            intent: r.Intent = {"name": name.removeprefix("atis_"), "confidence": round(conf, 4)}
            entities = [{"entity": e.label, "text": pred.text[e.start:e.end], "start": e.start, "end": e.end,
                         "confidence": round(e.confidence, 4)} for e in pred.entities]
        else:
            frame = dict.fromkeys(frame)
            intent = {"name": OUT_OF_SCOPE, "confidence": scope["confidence"]}
        answer: r.ParseResult = {
            "text": pred.text,
            "in_scope": scope is None,
            "out_of_scope": scope,
            "language": {"code": CODE, "confidence": 1.0},
            "intent": intent,
            "slots": {"departure": frame["departure"], "destination": frame["destination"], "time": frame["time"]},
            "return_time": frame["return_time"],
            "arrival_time": frame["arrival_time"],
            "mode": mode,
            "missing": [s for s in FRAME_SLOTS if frame[s] is None],
            "entities": entities or [],
            "model": {"name": self.predictor.name, "version": self.predictor.version},
        }
        return answer
