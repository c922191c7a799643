"""Time expressions -> a value a bot can book with: ``{"value", "grain"}``, relative to when the user spoke.

About 490 lines, kept whole: the rules below are one ordered reading of a phrase (each helper one rule, tried in
the order :func:`_resolve` lists), and splitting them would scatter that order over files.

``value`` is an ISO 8601 date ("2026-12-05"), a date-time with the user's UTC offset
("2026-12-04T21:00-05:00"), or an interval ``{"from", "to"}`` of either, whose end is exclusive
(Duckling's convention: "dec 5 to dec 9" is from 2026-12-05 to 2026-12-10). ``grain`` is the
precision: ``minute``, ``hour``, ``day``, ``week``, ``month`` (``year``, ``quarter`` where said).
A value with grain ``week`` or ``month`` names the period that starts there ("next week":
2026-11-30, grain week).

The phrasing travellers use most ("november second", "the 11th of this month", "day after
tomorrow", "next friday at 9 pm", "2:45pm", "dec 5 to dec 9", "this weekend", "memorial day") is
handled by the rules below, first. What they do not cover -- parts of the day ("tomorrow
morning"), holidays, months, other relative phrases -- goes to Duckling
(:mod:`engine.resolve.duckling_time`), whose readings are held to the same future rule; then to
dateparser (English, future preferred), kept only when the phrase named a date at all. What
cannot be resolved is None, never a guess.

Rules:
* a date without a year is the next such date on or after the reference day;
* "the 11th" is the next 11th on or after the reference day ("of this month" /
  "of next month" pin the month);
* "friday" / "this friday" is the next Friday on or after the reference day;
  "next friday" and "friday next week" are the Friday of the next calendar week
  (weeks start on Monday);
* a time of day ("9 pm", "2:45pm", "noon", ATIS's "838 am") makes the value a
  date-time with the reference's UTC offset; a period ("morning") does not;
* a time of day alone is its next occurrence at or after the reference time;
* "11/02" is month/day (US order), "24/12" day/month (the only reading); "in 3 days", "in a fortnight",
  "a week from today" count from the reference; a timetable's "0730" is 07:30; "the first week of
  january" is Duckling's week;
* a range of days ("dec 5 to dec 9", "from the 3rd to the 10th", "march 3-7", "between dec 1 and
  dec 4") is an interval of days, the end on or after the start, a month said once applying to both;
* "this weekend" / "the weekend" is the coming one (the current one from Friday to Sunday), "next
  weekend" the one after it: Friday 18:00 to Monday 00:00 (Duckling's weekend), grain hour;
* a part of the day with its day ("tomorrow morning", "friday evening", "tonight") is Duckling's
  interval: morning 00:00-12:00, afternoon 12:00-19:00, evening and night 18:00-24:00;
  a part of the day alone ("in the morning", "evening") names no day: None;
* holidays: Duckling's (Christmas, New Year's Eve, Thanksgiving, Easter, ...) and the US ones it
  lacks (Memorial Day, Labor Day, Mother's and Father's Day, ...), the next on or after the reference;
* "before noon", "after 5pm tomorrow": Duckling's interval open at one end (``from`` or ``to`` null);
* of Duckling's readings, the first that has not ended before the reference is taken;
* Duckling and dateparser read at most 60 characters (:data:`duckling_time.MAX_CHARS`); Duckling answers
  under a deadline (:mod:`engine.resolve.duckling_time`), and a phrase it did not answer in time raises
  :class:`duckling_time.ResolutionTimeout` (the caller answers ``value: null`` with the reason).
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TypedDict

from ..safe_text import for_native, without_invisible
from ..tokenizer import TYPED_FORMS
from . import duckling_time

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12})
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                        "sunday"])}
WEEKDAYS.update({"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
                 "sat": 5, "sun": 6})
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))  # regex alternatives, longest first
WEEKDAY_PATTERN = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_COUNT = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)"
_ORD_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
              "eighth": 8, "ninth": 9}
_ORD_TEENS = {"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
              "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
              "thirtieth": 30}
NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
              "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_DATE_WORDS = re.compile(r"\b(today|tonight|tomorrow|yesterday|\d)\b|"
                         + "|".join(rf"\b{m}\b" for m in list(MONTHS) + list(WEEKDAYS)))


def _ordinal_words_to_digits(s: str) -> str:
    """'twenty first' -> '21st', 'fourteenth' -> '14th', '2nd' stays."""
    def tens(m: re.Match) -> str:
        return f"{(20 if m.group(1) == 'twenty' else 30) + _ORD_UNITS[m.group(2)]}th"
    s = re.sub(r"\b(twenty|thirty)[\s-]+(" + "|".join(_ORD_UNITS) + r")\b", tens, s)
    s = re.sub(r"\b(" + "|".join(_ORD_TEENS) + r")\b", lambda m: f"{_ORD_TEENS[m.group(1)]}th", s)
    s = re.sub(r"\b(" + "|".join(_ORD_UNITS) + r")\b", lambda m: f"{_ORD_UNITS[m.group(1)]}th", s)
    return re.sub(r"\b(\d{1,2})(st|nd|rd|th)\b", r"\1th", s)


def _typed_forms(s: str) -> str:
    """Shorthand and misspelt date words as the tokenizer reads them ("tommorow", "wensday", "2moro")."""
    return re.sub(r"[a-z0-9]+", lambda m: TYPED_FORMS.get(m.group(0), m.group(0)) if m.group(0) not in _KEEP
                  else m.group(0), s)


_KEEP = frozenset({"mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "thru", "pls", "plz",
                   "flt", "flts"})  # this module reads these abbreviations itself (or they name no date)


def _normalise(text: str) -> str:
    s = _typed_forms(without_invisible(text).lower().replace("\u2019", "'"))
    s = re.sub(r"[!?,;\"]|(?<!\d)\.(?!\d)", " ", s)  # keep 2:45, 9.30, 11/02
    s = re.sub(r"\b(?:a )?fortnight\b", "2 weeks", s)  # "in a fortnight": in 2 weeks, a day
    s = re.sub(r"^(?:at |the )?([01]\d)([0-5]\d)$", r"\1:\2", s.strip())  # the rail timetable's "0730"
    return _ordinal_words_to_digits(_spoken_clocks(re.sub(r"\s+", " ", s).strip()))


_HOUR_N = r"(1[0-2]|0?[1-9]|" + "|".join(NUM_WORDS) + r")\b"
_MINUTE_WORDS = {"quarter": 15, "half": 30, "five": 5, "ten": 10, "twenty": 20, "twenty five": 25, "twenty-five": 25}
_SPOKEN = re.compile(rf"\b(?:a )?(quarter|half|five|ten|twenty[- ]five|twenty|\d{{1,2}})(?: minutes)? "
                     rf"(past|after|to|of|till|before) {_HOUR_N}")
_HALF_HOUR = re.compile(rf"\bhalf {_HOUR_N}(?! ?(?:an?|of|weeks?|days?|hours?)\b)")  # British "half seven": 7:30
_HOUR_MINUTES = re.compile(rf"\b({'|'.join(NUM_WORDS)}) (thirty|fifteen|forty[- ]five)\b")  # "seven thirty"


def _spoken_clocks(s: str) -> str:
    """Clock times said in words as digits: "ten past six" -> "6:10", "quarter to 8" -> "7:45", "half seven" ->
    "7:30", "seven thirty" -> "7:30" (the hour's half of the day is settled later, as for "6:10")."""
    def hour_of(raw: str) -> int:
        return NUM_WORDS.get(raw) or int(raw)

    def spoken(m: re.Match) -> str:
        minutes = _MINUTE_WORDS.get(m.group(1).replace("-", " ")) or int(m.group(1))
        hour = hour_of(m.group(3))
        if minutes >= 60 or (m.group(1).isdigit() and m.group(2) not in ("past", "after") and "minutes" not in m.group(0)):
            return m.group(0)  # "2 to 3": a range, not a clock time
        if m.group(2) in ("past", "after"):
            return f"{hour}:{minutes:02d}"
        return f"{(hour - 2) % 12 + 1}:{60 - minutes:02d}"
    s = _SPOKEN.sub(spoken, s)
    s = _HALF_HOUR.sub(lambda m: f"{hour_of(m.group(1))}:30", s)
    return _HOUR_MINUTES.sub(lambda m: f"{NUM_WORDS[m.group(1)]}:"
                             f"{ {'thirty': 30, 'fifteen': 15}.get(m.group(2), 45):02d}", s)


def _time_of_day(s: str) -> tuple[time | None, str]:
    """Find a clock time; returns it and the text without it."""
    if m := re.search(r"\b(noon|midday)\b", s):
        return time(12, 0), s[: m.start()] + s[m.end():]
    if m := re.search(r"\bmidnight\b", s):
        return time(0, 0), s[: m.start()] + s[m.end():]
    m = re.search(r"\b(\d{1,4}|" + "|".join(NUM_WORDS) + r")(?:[:.](\d{2}))?\s*(?:o'clock\s*)?"
                  r"(am|pm|a\.m\.?|p\.m\.?|a|p)\b", s)
    if m:
        raw, minute = m.group(1), int(m.group(2) or 0)
        hour = NUM_WORDS.get(raw)
        if hour is None:
            n = int(raw)
            hour, minute = (divmod(n, 100) if n >= 100 else (n, minute))  # ATIS: "838 am"
        if not (1 <= hour <= 12 and minute < 60):
            return None, s
        pm = m.group(3).startswith("p")
        hour = hour % 12 + (12 if pm else 0)
        return time(hour, minute), s[: m.start()] + s[m.end():]
    if m := re.search(r"\b([01]?\d|2[0-3]):([0-5]\d)\b", s):
        hour = int(m.group(1))
        if not m.group(1).startswith("0"):
            hour = business_hour(hour)  # "today at 3:30": 15:30; "03:30" stays as written
        return time(hour, int(m.group(2))), s[: m.start()] + s[m.end():]
    if m := _BARE_HOUR.search(s):
        hour = int(m.group(1))
        if 1 <= hour <= 12:
            return time(business_hour(hour), 0), s[: m.start(1)] + s[m.end(1):]
    return None, s


def business_hour(hour: int) -> int:
    """A clock hour said without am/pm, as a traveller means it: 1 to 5 in the afternoon ("friday at 2",
    "before 5"), 6 to 11 in the morning ("the train at 7"), 12 noon; 13 to 23 as said."""
    return hour + 12 if 1 <= hour <= 5 else hour


# A bare hour after a word that introduces a clock time ("at 9", "before 10", "after 8"), not a count or a day.
_BARE_HOUR = re.compile(r"\b(?:at|around|about|by|after|before|until|till|from|leaving|departing)\s+(\d{1,2})"
                        r"(?:\s*o'clock)?(?!\s*(?:st|nd|rd|th|of|days?|weeks?|months?|nights?|people|adults|"
                        r"tickets|seats|passengers|minutes|hours|[:.]\d)\b)(?![\d:.])")


def _next_month_day(ref: date, month: int, day: int) -> date | None:
    for year in (ref.year, ref.year + 1, ref.year + 2, ref.year + 3, ref.year + 4):
        try:
            d = date(year, month, day)
        except ValueError:
            continue  # e.g. February 29th in a common year
        if d >= ref:
            return d
    return None


def _add_months(d: date, n: int) -> tuple[int, int]:
    m = d.month - 1 + n
    return d.year + m // 12, m % 12 + 1


def _date_part(s: str, ref: date) -> date | None:  # noqa: C901 - one rule per branch, in order
    if m := (re.search(rf"\bin {_COUNT} (day|week)s?\b", s)
             or re.search(rf"\b{_COUNT} (day|week)s? from (today|now)\b", s)):
        n = {"a": 1, "an": 1}.get(m.group(1)) or NUM_WORDS.get(m.group(1)) or int(m.group(1))
        return ref + timedelta(days=n * (7 if m.group(2) == "week" else 1))
    if re.search(r"\bday after tomorrow\b", s):
        return ref + timedelta(days=2)
    if re.search(r"\b(tomorrow|tmrw|tmr)\b", s):
        return ref + timedelta(days=1)
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", s):
        return ref
    if m := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", s):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if m := re.search(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b", s):
        month, day, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if month > 12 >= day:
            month, day = day, month  # "24/12": only day/month reads it (US order, month first, otherwise)
        try:
            if year:
                return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
            return _next_month_day(ref, month, day)
        except ValueError:
            return None
    m = (re.search(rf"\b({MONTH_PATTERN})\s+(\d{{1,2}})(?:th)?\b(?:\s+(\d{{4}}))?", s)
         or re.search(rf"\b(\d{{1,2}})(?:th)?\s+(?:of\s+)?({MONTH_PATTERN})\b(?:\s+(\d{{4}}))?", s))
    if m:
        a, b, year = m.groups()
        month, day = (MONTHS[a], int(b)) if a in MONTHS else (MONTHS[b], int(a))
        if year:
            try:
                return date(int(year), month, day)
            except ValueError:
                return None
        return _next_month_day(ref, month, day) if 1 <= day <= 31 else None
    if m := re.search(r"\b(\d{1,2})th\b", s):
        day = int(m.group(1))
        if not 1 <= day <= 31:
            return None
        if re.search(r"\bnext month\b", s):
            y, mo = _add_months(ref, 1)
            candidates = [(y, mo)]
        elif re.search(r"\bthis month\b", s):
            candidates = [(ref.year, ref.month)]
        else:
            candidates = [_add_months(ref, k) for k in range(0, 3)]
        for y, mo in candidates:
            try:
                d = date(y, mo, day)
            except ValueError:
                continue
            if d >= ref or re.search(r"\b(this|next) month\b", s):
                return d
        return None
    if m := re.search(rf"\b(next\s+)?({WEEKDAY_PATTERN})\b(\s+next week)?", s):
        target = WEEKDAYS[m.group(2)]
        if m.group(1) or m.group(3):
            monday_next = ref + timedelta(days=7 - ref.weekday())
            return monday_next + timedelta(days=target)
        return ref + timedelta(days=(target - ref.weekday()) % 7)
    return None


class TimeValue(TypedDict):
    value: str | dict[str, str | None]
    grain: str


# US holidays Duckling does not know: name -> (month, weekday, n-th; -1 the last)
NTH_WEEKDAY_HOLIDAYS = {
    "memorial day": (5, 0, -1), "labor day": (9, 0, 1), "labour day": (9, 0, 1), "mother's day": (5, 6, 2),
    "mothers day": (5, 6, 2), "father's day": (6, 6, 3), "fathers day": (6, 6, 3), "mlk day": (1, 0, 3),
    "martin luther king day": (1, 0, 3), "presidents day": (2, 0, 3), "president's day": (2, 0, 3),
    "presidents' day": (2, 0, 3), "columbus day": (10, 0, 2),
}
FIXED_HOLIDAYS = {"independence day": (7, 4), "veterans day": (11, 11), "st patrick's day": (3, 17),
                  "saint patrick's day": (3, 17)}
_PERIOD = re.compile(r"\b(morning|afternoon|evening|night|tonight|noon)\b")
_BARE_PERIOD = re.compile(r"((in|during) the |early |late )*(morning|afternoon|evening|night)s?")
_RANGES = (re.compile(r"(?:between )?(.+?) and (.+)"),
           re.compile(r"(?:from )?(.+?) (?:to|through|thru|until|till|-) (.+)"),
           re.compile(r"(?:from )?(.*?\d)-(\d{1,2})"))
_OPEN_END = re.compile(r"(?<!day )(?<!days )(?<!week )(?<!weeks )\b(before|after|until|till|no later than|no earlier than)\b")
_WEEK_OF = re.compile(r"\bweek(?:end)?s? of\b")
_MONTH_DAY = re.compile(rf"\b({MONTH_PATTERN})\s+\d{{1,2}}(th)?\b|\b\d{{1,2}}(th)?\s+(of\s+)?({MONTH_PATTERN})\b")
_COARSE = ("day", "week", "month", "quarter", "year")
_GRAIN_STEP = {"second": timedelta(seconds=1), "minute": timedelta(minutes=1), "hour": timedelta(hours=1),
               "day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=31),
               "quarter": timedelta(days=92), "year": timedelta(days=366)}


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _holiday(s: str, ref: date) -> date | None:
    name = re.sub(r"^(on |the )+", "", s)
    if name in NTH_WEEKDAY_HOLIDAYS:
        month, weekday, n = NTH_WEEKDAY_HOLIDAYS[name]
        for year in (ref.year, ref.year + 1):
            if (d := _nth_weekday(year, month, weekday, n)) >= ref:
                return d
    if name in FIXED_HOLIDAYS:
        return _next_month_day(ref, *FIXED_HOLIDAYS[name])
    return None


def _weekend(s: str, ref: datetime) -> TimeValue | None:
    m = re.fullmatch(r"(?:on |over |for )?(this |the |next )?weekend", s)
    if not m:
        return None
    wd = ref.weekday()
    friday = ref.date() + timedelta(days=(4 - wd) % 7 if wd < 5 else -(wd - 4))
    if m.group(1) == "next ":
        friday += timedelta(days=7)
    start = datetime.combine(friday, time(18, 0), tzinfo=ref.tzinfo)
    end = datetime.combine(friday + timedelta(days=3), time(0, 0), tzinfo=ref.tzinfo)
    return {"value": {"from": _iso_minutes(start), "to": _iso_minutes(end)}, "grain": "hour"}


def _range(s: str, ref: date) -> TimeValue | None:
    """A range of days said in one phrase: an interval of days (exclusive end), or None."""
    for pattern in _RANGES:
        if not (m := pattern.fullmatch(s)):
            continue
        left, right = m.group(1).strip(), m.group(2).strip()
        if _time_of_day(left)[0] or _time_of_day(right)[0]:
            return None  # clock times: Duckling's intervals
        if re.fullmatch(r"\d{1,2}", right):
            right = f"{right}th"
        said = re.search(rf"\b({MONTH_PATTERN})\b", right)
        if said and not re.search(rf"\b({MONTH_PATTERN})\b|/|\b({WEEKDAY_PATTERN})\b", left):
            left = f"{left} of {said.group(1)}"  # "the 5th through the 12th of december"
        start = _date_part(left, ref)
        end = _date_part(right, start) if start else None
        if start is None or end is None or end < start:
            return None
        return {"value": {"from": start.isoformat(), "to": (end + timedelta(days=1)).isoformat()}, "grain": "day"}
    return None


def _iso_minutes(d: datetime) -> str:
    return d.isoformat(timespec="minutes")


def _offset(s: str, ref: datetime) -> TimeValue | None:
    """"a week from friday", "two days after christmas": a count of days or weeks from a day."""
    m = re.fullmatch(rf"(?:in )?{_COUNT} (day|week)s? (?:from|after) (.+)", s)
    if not m or m.group(3) in ("today", "now"):
        return None
    anchor = _own_rules(m.group(3), ref)
    if anchor is None or anchor["grain"] != "day" or not isinstance(anchor["value"], str):
        return None
    n = {"a": 1, "an": 1}.get(m.group(1)) or NUM_WORDS.get(m.group(1)) or int(m.group(1))
    day = date.fromisoformat(anchor["value"]) + timedelta(days=n * (7 if m.group(2) == "week" else 1))
    return {"value": day.isoformat(), "grain": "day"}


_N = r"(\d{1,2}|" + "|".join(NUM_WORDS) + r")"
_PERIOD_PHRASE = re.compile(r"\b(?:in the |at |this |during the )?(morning|afternoon|evening|night)\b")
_CLOCKS = (re.compile(rf"\b(half|quarter) (past|after|to) {_N}\b"),
           re.compile(r"\b(\d{1,2})[:.](\d{2})\b"),
           re.compile(rf"\b{_N} o['\"]?clock\b"),
           re.compile(rf"\b(?:at|around|about|by) {_N}\b(?! ?(?:st|nd|rd|th)\b)"),
           re.compile(rf"\b{_N} (?=(?:in the |at )?(?:morning|afternoon|evening|night)\b)"),
           re.compile(rf"\b(?:morning|afternoon|evening|night) (?:at )?{_N}\b(?! ?(?:st|nd|rd|th)\b)"))


def _clock_in_period(s: str) -> tuple[time | None, str]:
    """A clock time said with a part of the day and no am/pm ("4:45 in the evening", "half past 10 in the
    morning", "morning 9"): the part of the day says which half of the day; returns it and the rest."""
    for i, pattern in enumerate(_CLOCKS):
        if not (m := pattern.search(s)) or re.search(rf"\b({MONTH_PATTERN})\s+$", s[: m.start(m.lastindex or 0)]):
            continue  # "march 13 in the morning": 13 is the day
        if i == 0:
            hour, minute = NUM_WORDS.get(m.group(3)) or int(m.group(3)), 30 if m.group(1) == "half" else 15
            if m.group(2) == "to":
                hour, minute = hour - 1, 60 - minute
        elif i == 1:
            hour, minute = int(m.group(1)), int(m.group(2))
        else:
            hour, minute = NUM_WORDS.get(m.group(1)) or int(m.group(1)), 0
            if not 1 <= hour <= 12:
                continue  # a bare number is an hour on a 12-hour clock
        if not (0 <= hour <= 23 and minute < 60):
            return None, s
        if hour <= 12 and re.search(r"\b(afternoon|evening|night|tonight)\b", s) and hour != 12:
            hour += 12
        elif hour == 12 and re.search(r"\bmorning\b", s):
            hour = 0
        return time(hour, minute), s[: m.start()] + " " + s[m.end():]
    return None, s


def _own_rules(s: str, ref: datetime) -> TimeValue | None:
    if (found := _offset(s, ref)) is not None:
        return found
    if (found := _weekend(s, ref)) is not None:
        return found
    if (day := _holiday(s, ref.date())) is not None:
        return {"value": day.isoformat(), "grain": "day"}
    if (found := _range(s, ref.date())) is not None:
        return found
    tod, rest = _time_of_day(s)
    if _PERIOD.search(s) and not re.search(r"\b(noon|midnight)\b", s):
        if not re.search(r"\d\s*(am|pm|a\.m|p\.m|a|p)\b|\b(am|pm)\b", s):  # the part of the day sets am/pm
            tod, rest = _clock_in_period(s)
        if tod is None:
            return None  # a part of the day with no clock time: Duckling's interval
        rest = _PERIOD_PHRASE.sub(" ", rest)
    day = _date_part(rest, ref.date())
    if tod is None:
        return None if day is None else {"value": day.isoformat(), "grain": "day"}
    if day is None:  # a time alone: its next occurrence
        day = ref.date() if tod >= ref.time().replace(tzinfo=None) else ref.date() + timedelta(days=1)
    return {"value": _iso_minutes(datetime.combine(day, tod, tzinfo=ref.tzinfo)),
            "grain": "minute" if tod.minute else "hour"}


def _from_duckling(s: str, ref: datetime) -> TimeValue | None:
    """Duckling's first reading that has not ended before the reference (the future rule)."""
    wall = ref.replace(tzinfo=None)
    try:
        found = duckling_time.readings(s, wall)
    except duckling_time.TooLong:
        return None
    for r in found:
        step = _GRAIN_STEP.get(r.grain, timedelta(days=1))
        ends = r.end if r.kind == "interval" and r.end else (r.start + step if r.start else None)
        if ends is None or ends <= wall:
            continue
        grain = "minute" if r.grain == "second" else r.grain

        def out(d: datetime | None) -> str | None:
            if d is None:
                return None
            return d.date().isoformat() if grain in _COARSE else _iso_minutes(d.replace(tzinfo=ref.tzinfo))
        if r.kind == "interval":
            return {"value": {"from": out(r.start), "to": out(r.end)}, "grain": grain}
        return {"value": out(r.start), "grain": grain}
    return None


def _dateparser(s: str, ref: datetime) -> datetime | None:
    import dateparser  # imported on first use only: it costs start-up time

    s = for_native(s)
    if len(s) > duckling_time.MAX_CHARS:
        return None
    return dateparser.parse(s, languages=["en"], settings={
        "RELATIVE_BASE": ref.replace(tzinfo=None), "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": False})


@lru_cache(maxsize=8192)
def _resolve(text: str, ref: datetime) -> TimeValue | None:
    s = _normalise(text)
    if re.fullmatch(r"(?:at )?(\d{1,2})", s) and 1 <= int(s.split()[-1]) <= 12:
        s = f"at {s.split()[-1]}"  # a time span that is a bare number ("Thursday" ... "9"): an hour
    if not s or _BARE_PERIOD.fullmatch(s):
        return None  # "morning", "in the evening": a part of the day, no day to book
    if _OPEN_END.search(s) and (found := _from_duckling(s, ref)) is not None:
        return found  # "before noon", "after 5pm tomorrow": an interval open at one end
    if _WEEK_OF.search(s) and (found := _from_duckling(s, ref)) is not None:
        return found  # "the first week of january": a week, not the 1st
    found = _own_rules(s, ref)
    if found is None and _MONTH_DAY.search(s) and not _PERIOD.search(s):
        return None  # a month and day the rules read but found impossible ("February 30th"): no other reading
    if found is None:
        found = _from_duckling(s, ref)
    if found is None and _DATE_WORDS.search(s) and (parsed := _dateparser(s, ref)) is not None:
        found = {"value": parsed.date().isoformat(), "grain": "day"}
    return found


def resolve_time(text: str, reference: datetime) -> TimeValue | None:
    """``{"value", "grain"}`` for a time phrase (see the module's rules), or None.

    ``reference`` is the moment the user spoke, timezone-aware, in the user's timezone. Raises
    :class:`duckling_time.ResolutionTimeout` when Duckling did not answer before the deadline.
    """
    try:
        return _resolve(text, reference.replace(second=0, microsecond=0))
    except (OverflowError, ValueError):  # a reference at the ends of the calendar: no date to give
        return None


def warm_up() -> None:
    """Load dateparser's English data; Duckling loads per process (:func:`duckling_time.warm_up`)."""
    _dateparser("a fortnight from now", datetime(2026, 1, 1))
