"""Chinese time expressions -> the same ``{"value", "grain"}`` English ones get (:mod:`engine.resolve.dates`).

Traditional characters are read as Simplified (下週五 is 下周五), numbers in Arabic or Chinese numerals
(十二月五日, 三点半, 8点). The day, the part of the day and the clock time are read by the rules below and
combined; what they do not read (most holidays, 周末, 下个月) goes to Duckling's Chinese grammar with the
user's region as its locale (国庆节 is 10-01 in ``ZH_CN``, 10-10 in ``ZH_TW``), held to the same future rule.

Rules (the English ones where the languages agree):

* a month and day without a year (11月2日, 12/5, 十二月五号) is the next such date on or after the reference
  day; 明年/今年/2027年 pin the year; a day alone (5号, 下个月3号) is the next such day, or in the month said;
* 周五 / 星期五 / 礼拜五 / 这周五 is the next Friday on or after the reference day; **下周五 is the Friday of
  the next calendar week** (weeks start on Monday: what Chinese readers mean, where Duckling reads this
  week's), 下下周五 the week after;
* 今天 明天 后天 大后天, and 今晚 明早 明晚 (a day with its part);
* a part of the day (凌晨 00-06, 早上 04-12, 上午 08-12, 中午 12-14, 下午 12-19, 傍晚 17-19, 晚上 18-24)
  with a day is that interval; with a clock time it says am or pm (下午三点 is 15:00); alone it names no day:
  None;
* a clock time (8点, 八点半, 8点15分, 一刻, 20:30) makes a date-time; an hour said without its part of the day is
  the English business hour (1 to 5 in the afternoon, 6 to 11 in the morning); a clock time alone is its next
  occurrence;
* 中秋节 and 端午节 (the lunar calendar's, which Duckling lacks) and 五一 / 十一 from a table; a holiday past
  this year is next year's;
* the window words after a phrase (以后/之后 "after", 以前/之前 "before") make an interval open at one end.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from . import duckling_time
from .dates import TimeValue, business_hour
from .zh_places import simplified

_NUM = "零〇一二两三四五六七八九十"
_N = f"(?:\\d{{1,4}}|[{_NUM}]{{1,3}})"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": None}
PARTS = {"凌晨": (0, 6), "清晨": (4, 9), "早上": (4, 12), "早晨": (4, 12), "上午": (8, 12), "中午": (12, 14),
         "下午": (12, 19), "傍晚": (17, 19), "晚上": (18, 24), "夜里": (18, 24), "夜间": (18, 24), "晚间": (18, 24)}
_PM_PARTS = ("下午", "傍晚", "晚上", "夜里", "夜间", "晚间", "晚")
RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3, "今早": 0, "今晚": 0, "明早": 1,
                 "明晚": 1}
# lunar-calendar holidays Duckling's Chinese grammar lacks (the Chinese calendar's dates)
LUNAR = {"中秋节": ["2026-09-25", "2027-09-15", "2028-10-03"], "中秋": ["2026-09-25", "2027-09-15", "2028-10-03"],
         "端午节": ["2026-06-19", "2027-06-09", "2028-05-28"], "端午": ["2026-06-19", "2027-06-09", "2028-05-28"]}
FIXED = {"五一": (5, 1), "十一": (10, 1)}  # the Labour Day and National Day holidays, by their numbers

_MONTH_DAY = re.compile(f"(?:(?P<year>\\d{{4}}|明年|今年)年?)?(?P<m>{_N})月(?P<d>{_N})[日号]?"
                        f"|(?P<m2>\\d{{1,2}})[/.](?P<d2>\\d{{1,2}})(?!\\d)")
_WEEK = re.compile("(?P<which>下下个?|下个?|这个?|本|)(?:周|星期|礼拜)(?P<day>[一二三四五六日天])")
_DAY_OF_MONTH = re.compile(f"(?P<which>下个月|这个月|本月)?(?P<d>{_N})[号日]")
_CLOCK = re.compile(f"(?P<h>{_N})(?:[点时]|:(?P<mm>\\d{{2}}))(?:(?P<half>半)|(?P<quarter>一刻|三刻)|(?P<min>{_N})分?|钟)?")
_WINDOW_AFTER = re.compile(r"^\s*(?:以后|之后|后|以後)")
_WINDOW_BEFORE = re.compile(r"^\s*(?:以前|之前|前(?!后))")


def cn_int(s: str) -> int | None:
    """'12' -> 12, '十二' -> 12, '二十五' -> 25, '三' -> 3, '两' -> 2 (0..99)."""
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    if "十" in s:
        tens, _, units = s.partition("十")
        t = digits.get(tens, None) if tens else 1
        u = digits.get(units, None) if units else 0
        return None if t is None or u is None else 10 * t + u
    return digits.get(s) if len(s) == 1 else None


def _next_date(ref: date, month: int, day: int, year: int | None = None) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        d = date(ref.year, month, day)
        return d if d >= ref else date(ref.year + 1, month, day)
    except ValueError:
        return None


def _day(s: str, ref: date) -> tuple[date | None, str]:
    """The day the phrase names by the rules, and the phrase without it."""
    if m := _MONTH_DAY.search(s):
        if m.group("m2"):
            month, day, year = int(m.group("m2")), int(m.group("d2")), None
        else:
            month, day = cn_int(m.group("m")), cn_int(m.group("d"))
            y = m.group("year")
            year = None if not y else ref.year + 1 if y == "明年" else ref.year if y == "今年" else int(y)
        if month and day and 1 <= month <= 12:
            return _next_date(ref, month, day, year), s[:m.start()] + s[m.end():]
        return None, s
    for word in sorted(RELATIVE_DAYS, key=len, reverse=True):
        if word in s:
            return ref + timedelta(days=RELATIVE_DAYS[word]), s.replace(word, "晚" if word.endswith("晚") else (
                "早上" if word.endswith("早") else ""), 1)
    if m := _WEEK.search(s):
        weekday = _WEEKDAY[m.group("day")]
        monday = ref - timedelta(days=ref.weekday())
        weeks = {"下": 1, "下个": 1, "下下": 2, "下下个": 2}.get(m.group("which"), 0)
        d = monday + timedelta(days=7 * weeks + weekday)
        if weeks == 0 and d < ref:
            d += timedelta(days=7)  # 周一 said on a Wednesday: the coming one
        return d, s[:m.start()] + s[m.end():]
    for name, days in LUNAR.items():
        if name in s:
            found = next((date.fromisoformat(x) for x in days if date.fromisoformat(x) >= ref), None)
            return found, s.replace(name, "", 1)
    for name, (month, day) in FIXED.items():
        if s.strip() == name or s.startswith(name + "的"):
            return _next_date(ref, month, day), s.replace(name, "", 1)
    if m := _DAY_OF_MONTH.search(s):
        day = cn_int(m.group("d"))
        which = m.group("which")
        if day and 1 <= day <= 31:
            if which == "下个月":
                y, mo = (ref.year + 1, 1) if ref.month == 12 else (ref.year, ref.month + 1)
                try:
                    return date(y, mo, day), s[:m.start()] + s[m.end():]
                except ValueError:
                    return None, s
            d = _next_date(ref, ref.month, day) if day >= ref.day or which else None
            if d is None or (which is None and day < ref.day):
                y, mo = (ref.year + 1, 1) if ref.month == 12 else (ref.year, ref.month + 1)
                try:
                    d = date(y, mo, day)
                except ValueError:
                    d = None
            return d, s[:m.start()] + s[m.end():]
    return None, s


def _part(s: str) -> str | None:
    found = [p for p in PARTS if p in s]
    if found:
        return max(found, key=len)
    return "晚上" if "晚" in s else None


def _clock(s: str, part: str | None) -> time | None:
    m = _CLOCK.search(s)
    if not m:
        return None
    hour = cn_int(m.group("h"))
    minute = int(m.group("mm")) if m.group("mm") else 30 if m.group("half") else (
        15 if m.group("quarter") == "一刻" else 45 if m.group("quarter") else cn_int(m.group("min")) if m.group("min") else 0)
    if hour is None or minute is None or hour > 24 or minute > 59:
        return None
    if part in _PM_PARTS and hour < 12:
        hour = hour + 12 if not (part in ("晚上", "夜里", "晚") and hour == 12) else 0
    elif part == "中午" and hour < 6:
        hour += 12
    elif part is None and not m.group("mm"):
        hour = business_hour(hour)
    return time(hour % 24, minute)


def _iso(d: datetime) -> str:
    return d.isoformat(timespec="minutes")


def _own(s: str, ref: datetime) -> TimeValue | None:
    """The phrase by the rules: a day, a part of the day, a clock time, combined; None when they read no day
    or clock time."""
    day, rest = _day(s, ref.date())
    part = _part(rest)
    clock = _clock(rest, part)
    if day is None and clock is None:
        return None
    if clock is not None:
        if day is None:  # a clock time alone: its next occurrence
            day = ref.date() if clock >= ref.time().replace(tzinfo=None) else ref.date() + timedelta(days=1)
        moment = datetime.combine(day, clock, tzinfo=ref.tzinfo)
        return {"value": _iso(moment), "grain": "minute" if clock.minute else "hour"}
    if part is not None:
        low, high = PARTS.get(part, PARTS["晚上"])
        start = datetime.combine(day, time(low), tzinfo=ref.tzinfo)
        end = datetime.combine(day, time(0), tzinfo=ref.tzinfo) + timedelta(hours=high)
        return {"value": {"from": _iso(start), "to": _iso(end)}, "grain": "hour"}
    return {"value": day.isoformat(), "grain": "day"}


def _duckling(s: str, ref: datetime, locale: str) -> TimeValue | None:
    """Duckling's first reading that has not ended before the reference (its Chinese grammar)."""
    wall = ref.replace(tzinfo=None)
    try:
        found = duckling_time.readings(s, wall, locale)
    except duckling_time.TooLong:
        return None
    for r in found:
        end = r.end if r.kind == "interval" and r.end else (r.start + timedelta(days=1) if r.start else None)
        if end is None or end <= wall:
            continue
        coarse = r.grain in ("day", "week", "month", "quarter", "year")

        def out(d: datetime | None) -> str | None:
            return None if d is None else d.date().isoformat() if coarse else _iso(d.replace(tzinfo=ref.tzinfo))
        if r.kind == "interval":
            return {"value": {"from": out(r.start), "to": out(r.end)}, "grain": r.grain}
        return {"value": out(r.start), "grain": r.grain}
    return None


def _window(found: TimeValue, after: bool) -> TimeValue:
    value = found["value"]
    point = value["from"] if isinstance(value, dict) else value
    end = value["to"] if isinstance(value, dict) else point
    return {"value": {"from": point, "to": None} if after else {"from": None, "to": end or point},
            "grain": found["grain"]}


def locale_of(text: str) -> str:
    """Duckling's locale for a text: Traditional characters read as Taiwan's (ZH_TW), else mainland's."""
    return "ZH_TW" if simplified(text) != text else "ZH_CN"


def resolve_zh(phrase: str, reference: datetime, following: str = "", locale: str = "ZH_CN") -> TimeValue | None:
    """``{"value", "grain"}`` for a Chinese time phrase, or None. ``following``: the text right after the phrase
    (where 以后/之前 say it is a window). Raises :class:`duckling_time.ResolutionTimeout` past the deadline."""
    s = re.sub(r"\s+", "", simplified(phrase)).strip("的在从于，。")
    if not s:
        return None
    ref = reference.replace(second=0, microsecond=0)
    if "到" in s or "至" in s:
        left, right = re.split("到|至", s, maxsplit=1)
        a, b = _own(left, ref), _own(right, ref)
        if a and b and a["grain"] == b["grain"] == "day":
            end = date.fromisoformat(b["value"]) + timedelta(days=1)
            return {"value": {"from": a["value"], "to": end.isoformat()}, "grain": "day"}
    found = _own(s, ref)
    if found is None and not (s in PARTS or s == "晚"):
        found = _duckling(s, ref, locale)
    if found is None:
        return None
    if _WINDOW_AFTER.match(following):
        return _window(found, after=True)
    if _WINDOW_BEFORE.match(following):
        return _window(found, after=False)
    return found
