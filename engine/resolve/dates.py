"""Time expressions -> ISO 8601 dates or date-times, relative to when the user spoke.

The phrasing travellers use ("november second", "the 11th of this month",
"day after tomorrow", "next friday at 9 pm", "tomorrow morning", "2:45pm")
is handled by the rules below; what they do not cover goes to dateparser
(English only, future preferred), and its answer is kept only when the
phrase named a date at all. What cannot be resolved is None, never a guess.

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
* "11/02" is month/day (US order); "in 3 days", "a week from today" count from the reference.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12})
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                        "sunday"])}
WEEKDAYS.update({"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
                 "sat": 5, "sun": 6})
_ORD_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
              "eighth": 8, "ninth": 9}
_ORD_TEENS = {"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
              "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
              "thirtieth": 30}
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
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


def _normalise(text: str) -> str:
    s = text.lower().replace("\u2019", "'")
    s = re.sub(r"[!?,;\"]|(?<!\d)\.(?!\d)", " ", s)  # keep 2:45, 9.30, 11/02
    return _ordinal_words_to_digits(re.sub(r"\s+", " ", s).strip())


def _time_of_day(s: str) -> tuple[time | None, str]:
    """Find a clock time; returns it and the text without it."""
    if m := re.search(r"\b(noon|midday)\b", s):
        return time(12, 0), s[: m.start()] + s[m.end():]
    if m := re.search(r"\bmidnight\b", s):
        return time(0, 0), s[: m.start()] + s[m.end():]
    m = re.search(r"\b(\d{1,4}|" + "|".join(_NUM_WORDS) + r")(?:[:.](\d{2}))?\s*(?:o'clock\s*)?"
                  r"(am|pm|a\.m\.?|p\.m\.?|a|p)\b", s)
    if m:
        raw, minute = m.group(1), int(m.group(2) or 0)
        hour = _NUM_WORDS.get(raw)
        if hour is None:
            n = int(raw)
            hour, minute = (divmod(n, 100) if n >= 100 else (n, minute))  # ATIS: "838 am"
        if not (1 <= hour <= 12 and minute < 60):
            return None, s
        pm = m.group(3).startswith("p")
        hour = hour % 12 + (12 if pm else 0)
        return time(hour, minute), s[: m.start()] + s[m.end():]
    if m := re.search(r"\b([01]?\d|2[0-3]):([0-5]\d)\b", s):
        return time(int(m.group(1)), int(m.group(2))), s[: m.start()] + s[m.end():]
    return None, s


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
    count = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)"
    if m := (re.search(rf"\bin {count} (day|week)s?\b", s)
             or re.search(rf"\b{count} (day|week)s? from (today|now)\b", s)):
        n = {"a": 1, "an": 1}.get(m.group(1)) or _NUM_WORDS.get(m.group(1)) or int(m.group(1))
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
        try:
            if year:
                return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
            return _next_month_day(ref, month, day)
        except ValueError:
            return None
    month_re = "|".join(sorted(MONTHS, key=len, reverse=True))
    m = (re.search(rf"\b({month_re})\s+(\d{{1,2}})(?:th)?\b(?:\s+(\d{{4}}))?", s)
         or re.search(rf"\b(\d{{1,2}})(?:th)?\s+(?:of\s+)?({month_re})\b(?:\s+(\d{{4}}))?", s))
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
    wd_re = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
    if m := re.search(rf"\b(next\s+)?({wd_re})\b(\s+next week)?", s):
        target = WEEKDAYS[m.group(2)]
        if m.group(1) or m.group(3):
            monday_next = ref + timedelta(days=7 - ref.weekday())
            return monday_next + timedelta(days=target)
        return ref + timedelta(days=(target - ref.weekday()) % 7)
    return None


def _dateparser(s: str, ref: datetime) -> datetime | None:
    import dateparser  # imported on first use only: it costs start-up time

    return dateparser.parse(s, languages=["en"], settings={
        "RELATIVE_BASE": ref.replace(tzinfo=None), "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": False})


@lru_cache(maxsize=8192)
def _resolve(text: str, ref: datetime) -> str | None:
    s = _normalise(text)
    tod, rest = _time_of_day(s)
    day = _date_part(rest, ref.date())
    if day is None and tod is None:
        if not _DATE_WORDS.search(rest):
            return None  # "morning", "evening", "early": a period, no date to book
        found = _dateparser(rest, ref)
        if found is None:
            return None
        day = found.date()
    if tod is None:
        return day.isoformat()
    if day is None:  # a time alone: its next occurrence
        day = ref.date() if tod >= ref.time().replace(tzinfo=None) else ref.date() + timedelta(days=1)
    return datetime.combine(day, tod, tzinfo=ref.tzinfo).isoformat(timespec="minutes")


def resolve_time(text: str, reference: datetime) -> str | None:
    """ISO 8601 date ("2026-11-02") or date-time ("2026-11-02T21:00+08:00"), or None.

    ``reference`` is the moment the user spoke, timezone-aware, in the user's timezone.
    """
    return _resolve(text, reference.replace(second=0, microsecond=0))


def warm_up() -> None:
    """Load dateparser's English data at start-up, not on the first request that needs it."""
    _dateparser("a fortnight from now", datetime(2026, 1, 1))
