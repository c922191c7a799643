"""Chinese place names -> the same ``{"city", "country", "airports"}`` value English names get.

Traditional characters are folded to Simplified for the look-up (臺北 is 台北), and the words a name often
carries come off: 市 ("city"), 机场/國際機場 ("airport"), 站/火车站/高铁站 ("station"). In order:

1. **Airports by name** (浦东机场, 桃园机场, 首都机场): a table written for the project (the airport names
   travellers use and their IATA codes are facts) -> that airport alone.
2. **Stations** (北京南站, 上海虹桥, 台北車站, 左營, 香港西九龍): a table of the major rail stations of
   mainland China, Taiwan and Hong Kong -> their city's value with the station's own name (``station``).
   A city's name with 站 after it (杭州站, 台中火车站) is that city's station.
3. **Cities** (北京, 臺北市, 東京, 纽约): the GeoNames Chinese names (``data/zh_places.tsv``, CC BY 4.0,
   written by ``scripts/build_zh_places.py``) -> the city's airports from airportsdata, its main airports
   first (the metropolitan table of :mod:`engine.resolve.places`: 北京 PEK, PKX; 上海 PVG, SHA); a city
   with no airport keeps its place with ``airports: []`` (a train or a bus still goes there).

What none of these knows resolves to None, never to a guess.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .place_tables import METRO_AIRPORTS
from .places import PlaceIndex, fold

DATA = Path(__file__).resolve().parent / "data" / "zh_places.tsv"
GREATER_CHINA = frozenset({"CN", "TW", "HK", "MO"})

# airport name (Simplified, without 机场) -> IATA code
AIRPORTS = {
    "首都": "PEK", "北京首都": "PEK", "大兴": "PKX", "北京大兴": "PKX", "浦东": "PVG", "上海浦东": "PVG",
    "虹桥": "SHA", "上海虹桥": "SHA", "白云": "CAN", "广州白云": "CAN", "宝安": "SZX", "深圳宝安": "SZX",
    "双流": "CTU", "成都双流": "CTU", "天府": "TFU", "成都天府": "TFU", "江北": "CKG", "重庆江北": "CKG",
    "萧山": "HGH", "杭州萧山": "HGH", "禄口": "NKG", "南京禄口": "NKG", "咸阳": "XIY", "西安咸阳": "XIY",
    "天河": "WUH", "武汉天河": "WUH", "长水": "KMG", "昆明长水": "KMG", "高崎": "XMN", "厦门高崎": "XMN",
    "凤凰": "SYX", "三亚凤凰": "SYX", "美兰": "HAK", "海口美兰": "HAK", "滨海": "TSN", "天津滨海": "TSN",
    "流亭": "TAO", "胶东": "TAO", "青岛胶东": "TAO", "太平": "HRB", "哈尔滨太平": "HRB",
    "桃园": "TPE", "桃园国际": "TPE", "台湾桃园": "TPE", "松山": "TSA", "台北松山": "TSA", "小港": "KHH",
    "高雄小港": "KHH", "清泉岗": "RMQ", "台中清泉岗": "RMQ", "赤鱲角": "HKG", "香港国际": "HKG", "澳门国际": "MFM",
    "樟宜": "SIN", "成田": "NRT", "羽田": "HND", "关西": "KIX", "仁川": "ICN", "金浦": "GMP", "希思罗": "LHR",
    "戴高乐": "CDG", "肯尼迪": "JFK",
}
# station name (Simplified, without 站/车站) -> (the station as answered, its city's Chinese name)
STATIONS = {
    "北京南": ("北京南站", "北京"), "北京西": ("北京西站", "北京"), "北京北": ("北京北站", "北京"),
    "北京朝阳": ("北京朝阳站", "北京"), "北京丰台": ("北京丰台站", "北京"), "上海虹桥": ("上海虹桥站", "上海"),
    "上海南": ("上海南站", "上海"), "广州南": ("广州南站", "广州"), "广州东": ("广州东站", "广州"),
    "深圳北": ("深圳北站", "深圳"), "福田": ("福田站", "深圳"), "杭州东": ("杭州东站", "杭州"),
    "南京南": ("南京南站", "南京"), "成都东": ("成都东站", "成都"), "重庆北": ("重庆北站", "重庆"),
    "重庆西": ("重庆西站", "重庆"), "西安北": ("西安北站", "西安"), "武汉": ("武汉站", "武汉"),
    "汉口": ("汉口站", "武汉"), "郑州东": ("郑州东站", "郑州"), "长沙南": ("长沙南站", "长沙"),
    "天津西": ("天津西站", "天津"), "天津南": ("天津南站", "天津"), "苏州北": ("苏州北站", "苏州"),
    "济南西": ("济南西站", "济南"), "合肥南": ("合肥南站", "合肥"), "厦门北": ("厦门北站", "厦门"),
    "昆明南": ("昆明南站", "昆明"), "贵阳北": ("贵阳北站", "贵阳"), "南宁东": ("南宁东站", "南宁"),
    "台北车": ("台北车站", "台北"), "台北": ("台北车站", "台北"), "板桥": ("板桥站", "板桥"),
    "南港": ("南港站", "台北"), "左营": ("左营站", "高雄"), "高铁左营": ("左营站", "高雄"), "新左营": ("左营站", "高雄"),
    "台中高铁": ("台中高铁站", "台中"), "乌日": ("台中高铁站", "台中"), "高铁台南": ("台南高铁站", "台南"),
    "高铁嘉义": ("嘉义高铁站", "嘉义"), "高铁新竹": ("新竹高铁站", "新竹"), "高铁桃园": ("桃园高铁站", "桃园"),
    "西九龙": ("香港西九龙站", "香港"), "香港西九龙": ("香港西九龙站", "香港"), "红磡": ("红磡站", "香港"),
}
# airports airportsdata files under another town than the city travellers name (MFM is in Taipa, TFU in Tianfu)
MORE_AIRPORTS = {"Macau": ["MFM"], "Chengdu": ["TFU"], "Xi\u2019an": ["XIY"]}
RETIRED = frozenset({"NAY"})  # Beijing Nanyuan, closed in 2019
_TRIM = re.compile(r"(国际机场|机场|航站楼|火车站|高铁站|动车站|客运站|汽车站|车站|站)$")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # phrase-aware, but 臺/台-style names keep their length either way

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert(text)


@lru_cache(maxsize=1)
def cities() -> dict[str, tuple[str, str, int]]:
    """Simplified Chinese name -> (GeoNames name, country, population)."""
    out = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, city, country, population = line.split("\t")
            out[name] = (city, country, int(population))
    return out


class ChinesePlaces:
    """Chinese names resolved through the English :class:`PlaceIndex` (its airports, its value shape)."""

    def __init__(self, index: PlaceIndex) -> None:
        self.index = index
        self.cities = cities()

    def city(self, name: str) -> dict | None:
        """A GeoNames city by its Chinese name, with its airports (main ones first), or ``airports: []``."""
        found = self.cities.get(name) or self.cities.get(name.removesuffix("市"))
        if found is None:
            return None
        geoname, country, _ = found
        for key in dict.fromkeys([fold(geoname), fold(geoname).removesuffix(" city")]):
            metro = [self.index.by_iata[c] for c in METRO_AIRPORTS.get(key, []) if c in self.index.by_iata]
            local = [a for a in self.index.by_city.get(key, []) if a["country"] == country and a not in metro]
            aps = [a for a in metro if a["country"] == country] + local
            aps = [a for a in aps if a["iata"] not in RETIRED] + [self.index.by_iata[c] for c in MORE_AIRPORTS.get(geoname, [])
                                                                    if c in self.index.by_iata]
            if aps:
                return {"city": local[0]["city"] if local and not metro else geoname.removesuffix(" City"), "country": country,
                        "airports": [a["iata"] for a in aps]}
        extra = [c for c in MORE_AIRPORTS.get(geoname, []) if c in self.index.by_iata]
        return {"city": geoname, "country": country, "airports": extra}

    @lru_cache(maxsize=4096)
    def resolve(self, text: str) -> dict | None:
        """``{"city", "country", "airports"}`` (and ``station``) for a Chinese place name, or None."""
        raw = simplified(text.strip().strip("，。！？,.!? "))
        if not raw:
            return None
        trimmed = _TRIM.sub("", raw)
        said_airport = raw != trimmed and "机场" in raw[len(trimmed):]
        if said_airport and trimmed in AIRPORTS and AIRPORTS[trimmed] in self.index.by_iata:
            ap = self.index.by_iata[AIRPORTS[trimmed]]
            return {"city": ap["city"], "country": ap["country"], "airports": [AIRPORTS[trimmed]]}
        if said_airport:
            return self.city(trimmed)  # 北京机场: Beijing's airports
        station = STATIONS.get(trimmed) or STATIONS.get(raw)
        if station is not None and (raw != trimmed or trimmed not in self.cities or trimmed != station[1]):
            place = self.city(station[1])
            return place and {**place, "station": station[0]}
        place = self.city(trimmed)
        if place is not None and raw != trimmed:  # 杭州站, 台中火车站: the city's station
            return {**place, "station": text.strip()}
        return place if place is not None else (self.resolve_airport(trimmed) if trimmed in AIRPORTS else None)

    def resolve_airport(self, name: str) -> dict | None:
        code = AIRPORTS[name]
        ap = self.index.by_iata.get(code)
        return ap and {"city": ap["city"], "country": ap["country"], "airports": [code]}
