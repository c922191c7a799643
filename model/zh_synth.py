"""Generated Chinese travel requests: flights, trains and buses between cities, with dates and times.

CrossWOZ (the one Chinese corpus here) holds Beijing taxi and metro turns between points of interest, and
no dates: nothing of "11月2日从台北飞高雄" or "下周五下午的高铁去上海". This module writes such requests
from templates written for the project -- clauses for each frame slot around an opener (and short answers to a bot's question: a place or a time alone), in the phrasing of
mainland China, Taiwan and Hong Kong (高铁/高鐵, 航班/班機, 机票, 火车, 客运, 大巴, 来回/往返, 出发, 到达/抵達)
-- with the character spans of what was filled in. Places are drawn from the GeoNames Chinese city names
(``engine/resolve/data/zh_places.tsv``, CC BY 4.0), the stations and airports of
:mod:`engine.resolve.zh_places`; dates and times from a small grammar (Arabic and Chinese numerals, weekdays
三 ways, parts of the day, clock times). A share is converted to Traditional characters (OpenCC ``s2tw``,
character for character, so spans keep their offsets), a share typed without punctuation or with spaces.

Spans follow the English convention: the place name with its 站/机场, the date or clock words without the
window words around them (从/在/以后/之前 stay outside), a return date as ``return_time``.
"""
from __future__ import annotations

import random
import re
from functools import lru_cache

from engine.labels import OUT_OF_SCOPE
from engine.resolve import zh_places
from engine.tokenizer import tokenize

from .data import Example, spans_to_tags

BOOKING, GROUND = "atis_flight", "atis_ground_service"  # the Chinese tagger's travel intents

TICKETS = {
    "flight": ["机票", "航班", "飞机票", "飞机", "班机", "直飞航班", "特价机票", "经济舱机票"],
    "train": ["高铁票", "火车票", "动车票", "高铁", "火车", "动车", "车票", "卧铺", "二等座", "城际列车"],
    "bus": ["大巴", "汽车票", "客运", "长途汽车", "巴士", "大巴车票", "长途车", "国光客运"],
}
GO = {"flight": ["飞", "飞往", "飞到", "坐飞机去", "坐飞机到"], "train": ["坐高铁去", "坐火车去", "坐动车到", "搭高铁到"],
      "bus": ["坐大巴去", "坐客运到", "坐巴士去", "搭车去"]}
OPENERS = ["", "", "", "我想订", "我要订", "帮我订", "帮我查一下", "请帮我订", "麻烦帮我买", "我想买", "查一下", "我要买",
           "有没有", "你好，我想订", "请问有", "给我订", "我需要", "能帮我找", "想订", "订", "买", "我要两张", "帮我看看"]
CLOSERS = ["", "", "", "", "，谢谢", "谢谢", "吗", "？", "。", "，两个人", "，一个人", "，经济舱", "，要直达的",
           "，越早越好", "，便宜一点的", "的票", "，单程", "吧"]
DEPART = ["从{dep}出发", "从{dep}", "{dep}出发", "离开{dep}", "由{dep}出发", "我在{dep}", "在{dep}上车", "从{dep}走"]
ARRIVE = ["到{dst}", "去{dst}", "到达{dst}", "前往{dst}", "回{dst}", "抵达{dst}", "飞{dst}", "往{dst}"]
# "from A <verb> B": 从/由/自 (or nothing) before the departure, a verb of going between the two
FROM = ["从", "从", "由", "", "", "自"]
VERBS = ["到", "到", "去", "飞", "飞往", "飞到", "至", "往", "前往", "回", "出发到", "出发去", "坐高铁去", "坐火车到",
         "坐飞机去", "搭大巴去", "坐动车到", "搭高铁到", "坐客运到", "直飞", "-", "—", "→", "到达"]
BOTH_REVERSED = ["去{dst}，从{dep}出发", "到{dst}，{dep}出发", "去{dst} 从{dep}走", "到{dst}的，从{dep}"]
SHORT = ["{dst}", "{dst}吧", "到{dst}", "去{dst}", "{dst}。", "{time}", "{time}的", "{time}走", "{time}出发", "就{time}",
         "{dst}，{time}"]
SHORT_SHARE = 0.06
WHEN = ["{time}", "{time}", "{time}的", "{time}出发", "{time}走", "{time}以后", "{time}之前", "{time}左右", "在{time}",
        "{time}前后"]
RETURN = ["{ret}回来", "{ret}返回", "{ret}回", "回程{ret}", "返程是{ret}", "{ret}的回程"]
ROUND_TRIP = ["往返", "来回", "来回票", "往返票"]

NEGATIVE = ["附近有什么好吃的餐馆", "帮我找一家评分高的酒店", "这个景点门票多少钱", "明天天气怎么样", "推荐一家川菜馆",
            "酒店有没有免费wifi", "我想订一间双人房", "{time}晚上订一桌四个人的", "景点的开放时间是几点", "谢谢，再见",
            "好的，没问题", "你好", "餐厅的电话是多少", "那家店的地址在哪里", "{time}入住，住两晚", "有没有便宜一点的宾馆",
            "帮我放一首歌", "提醒我{time}开会", "今天星期几", "我的订单取消了吗", "这家饭店人均消费多少", "附近有地铁站吗",
            "我想去看电影", "{dep}有什么好玩的景点", "{dep}的天气", "{dep}哪家酒店比较好", "{dep}有什么特产"]
NEGATIVE_SHARE = 0.15

_FIELD = re.compile(r"\{(\w+)\}")
SLOT_OF = {"dep": "departure", "dst": "destination", "time": "time", "ret": "return_time"}
WEEKDAYS = "一二三四五六日"
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals: 十, 十二, 二十, 三十一."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[units] if units else "") if n >= 10 else CN_DIGITS[n]


def number(n: int, rng: random.Random) -> str:
    return cn_number(n) if rng.random() < 0.3 else str(n)


def day_phrase(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        m, d = rng.randint(1, 12), rng.randint(1, 28)
        year = rng.choice(["", "", "", "2027年", "明年"])
        return year + f"{number(m, rng)}月{number(d, rng)}{rng.choice(['日', '号', '日', '號'])}"
    if r < 0.45:
        return rng.choice(["今天", "明天", "后天", "大后天", "明天", "后天", "今晚", "明早", "明晚"])
    if r < 0.7:
        week = rng.choice(["", "", "下", "这", "下个", "本"])
        name = rng.choice(["周", "星期", "礼拜", "週"])
        day = rng.choice(WEEKDAYS + ("天" if name != "周" else ""))
        return week + name + day
    if r < 0.8:
        return rng.choice(["下个月", "这个月", ""]) + f"{number(rng.randint(1, 28), rng)}{rng.choice(['号', '日'])}"
    if r < 0.87:
        return rng.choice(["国庆节", "春节", "元旦", "中秋节", "端午节", "劳动节", "圣诞节", "清明节", "五一"])
    if r < 0.93:
        return f"{rng.randint(1, 12)}/{rng.randint(1, 28)}"
    return rng.choice(["这周末", "下周末", "周末", "下周", "月底", "下个月初", "过两天"])


PARTS = {"早上": (6, 11), "上午": (8, 11), "中午": (11, 13), "下午": (1, 6), "晚上": (6, 11), "傍晚": (5, 7),
         "凌晨": (1, 5), "清晨": (5, 7)}


def clock_phrase(rng: random.Random, day: str = "") -> str:
    """A clock time or a part of the day: 下午三点, 晚上8点半, 15:30, 早上 (no part after 明早, 今晚)."""
    part = "" if day.endswith(("早", "晚")) or rng.random() < 0.3 else rng.choice(list(PARTS))
    r = rng.random()
    if r < 0.5 or (r < 0.75 and part):
        low, high = PARTS.get(part, (1, 12))
        h = rng.randint(low, high)
        tail = rng.choice(["点", "点", "點", "点半", "點半", "点一刻", "点钟",
                           f"点{number(rng.choice([5, 10, 15, 20, 30, 40, 45, 50]), rng)}分"])
        return part + number(h, rng) + tail
    if r < 0.75:
        return f"{rng.randint(0, 23)}:{rng.choice(['00', '15', '30', '45', '05', '50'])}"
    return part or rng.choice(["上午", "下午", "晚上", "早上"])


def time_phrase(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return day_phrase(rng)
    if r < 0.85:
        day = day_phrase(rng)
        return day + clock_phrase(rng, day)
    return clock_phrase(rng)


@lru_cache(maxsize=1)
def place_pool() -> tuple[list[str], list[str], list[str], list[str]]:
    """(large cities of Greater China, its towns, cities abroad, stations and airports by name) to draw from."""
    large, towns, abroad = [], [], []
    for name, (city, country, population) in zh_places.cities().items():
        if name.endswith("市"):
            continue
        if country not in zh_places.GREATER_CHINA:
            abroad.append(name)
        else:
            (large if population >= 300_000 and not name.endswith(("区", "镇", "街道", "乡")) else towns).append(name)
    named = [n + rng_suffix for n in zh_places.AIRPORTS for rng_suffix in ("机场",)] + list(zh_places.STATIONS)
    return sorted(large), sorted(towns), sorted(abroad), sorted(named)


def place(rng: random.Random) -> str:
    large, towns, abroad, named = place_pool()
    r = rng.random()
    if r < 0.5:
        return rng.choice(large)
    if r < 0.6:
        return rng.choice(towns)
    if r < 0.75:
        return rng.choice(abroad)
    if r < 0.88:
        name = rng.choice(named)
        return name.removesuffix("机场") + rng.choice(["机场", "国际机场"]) if name.endswith("机场") else (
            name + rng.choice(["", "站"]))
    return rng.choice(large) + rng.choice(["市", "站", "火车站", "机场", "南站", "东站", "北站", "高铁站"])


def fill(template: str, values: dict[str, str]) -> tuple[str, list[dict]]:
    """The template with its fields filled, and a span per field (``SLOT_OF`` names its slot)."""
    out, spans, pos = [], [], 0
    for m in _FIELD.finditer(template):
        out.append(template[pos:m.start()])
        start = sum(map(len, out))
        value = values[m.group(1)]
        out.append(value)
        spans.append({"slot": SLOT_OF[m.group(1)], "start": start, "end": start + len(value)})
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), spans


def request(rng: random.Random) -> tuple[str, str]:
    """One request template (fields unfilled) and its mode."""
    mode = rng.choice(["flight", "flight", "train", "train", "bus"])
    ticket = rng.choice(TICKETS[mode])
    r = rng.random()
    if r < 0.5:
        places = rng.choice(FROM) + "{dep}" + rng.choice(VERBS) + "{dst}" + rng.choice(["", "", "", "的"])
    elif r < 0.55:
        places = rng.choice(BOTH_REVERSED)
    elif r < 0.8:
        places = rng.choice(ARRIVE) if rng.random() < 0.7 else rng.choice(GO[mode]) + "{dst}"
    else:
        places = rng.choice(DEPART)
    when = rng.choice(WHEN) if rng.random() < 0.8 else ""
    ret = rng.choice(RETURN) if when and rng.random() < 0.15 else ""
    opener, closer = rng.choice(OPENERS), rng.choice(CLOSERS)
    trip = rng.choice(ROUND_TRIP) if ret and rng.random() < 0.5 else ""
    order = rng.random()
    if order < 0.45:
        body = f"{when}{places}{'' if places.endswith('的') else '的'}{trip}{ticket}"
    elif order < 0.7:
        body = f"{places}{rng.choice(['', '，', ' '])}{when}{trip}{ticket}"
    elif order < 0.85:
        body = f"{trip}{ticket}，{places}，{when}" if when else f"{ticket}，{places}"
    else:
        body = f"{when}{rng.choice(GO[mode])}{{dst}}" if when else f"{rng.choice(GO[mode])}{{dst}}"
    if ret:
        body += rng.choice(["，", "，", " ", ""]) + ret
    return opener + body + closer, mode


def as_typed(text: str, spans: list[dict], rng: random.Random) -> str:
    """Traditional characters for a share (offsets kept), punctuation dropped for another."""
    if rng.random() < 0.35:
        converted = _s2tw().convert(text)
        if len(converted) == len(text):
            text = converted
    if rng.random() < 0.3:
        text = "".join(" " if c in "，。？" else c for c in text)  # the same length: spans stay put
    return text


@lru_cache(maxsize=1)
def _s2tw():
    import opencc

    return opencc.OpenCC("s2tw")


def example(text: str, spans: list[dict], intent: str) -> Example:
    tokens = tokenize(text)
    return Example(text, tokens, spans_to_tags(tokens, spans), intent, spans)


def generate(rng: random.Random) -> Example:
    """One generated request (or, for :data:`NEGATIVE_SHARE`, a turn that is not one)."""
    values = {"dep": place(rng), "dst": place(rng), "time": time_phrase(rng), "ret": day_phrase(rng)}
    while values["dst"] == values["dep"]:
        values["dst"] = place(rng)
    if rng.random() < NEGATIVE_SHARE:
        text, spans = fill(rng.choice(NEGATIVE), values)
        text = as_typed(text, spans, rng)
        return example(text, [], OUT_OF_SCOPE)
    if rng.random() < SHORT_SHARE:  # an answer to the bot's question: a place or a time alone
        text, spans = fill(rng.choice(SHORT), values)
        return example(as_typed(text, spans, rng), spans, BOOKING)
    template, _mode = request(rng)
    text, spans = fill(template, values)
    return example(as_typed(text, spans, rng), spans, BOOKING)


def sample(n: int, rng: random.Random) -> list[Example]:
    return [generate(rng) for _ in range(n)]
