"""The Duckling process: reads one JSON request per line on stdin, answers one JSON line on stdout.

Run by :mod:`engine.resolve.duckling_time` as ``python duckling_child.py <zoneinfo dir>`` (by path,
so it imports Duckling and the standard library only). It says ``{"ready": true}`` once Duckling is
loaded, then for each ``{"text", "ts", "locale"?}`` (``ts``: the reference wall-clock time as UTC seconds;
``locale``: ``EN`` by default, ``ZH_CN``, ``ZH_TW``, ``ZH_HK`` for Chinese, whose holidays differ by region)
answers ``{"found": [...]}`` -- Duckling's time entities -- or ``{"error": "..."}``. A panic in the
binding is answered as an error; the process ends at end of input (its worker gone).
"""
from __future__ import annotations

import json
import sys


def main(zoneinfo_dir: str) -> None:
    import duckling  # starts the Haskell runtime in this process

    zones = duckling.load_time_zones(zoneinfo_dir)
    locales = {"EN": duckling.default_locale_lang(duckling.parse_lang("EN"))}

    def locale_of(name: str):
        if name not in locales:
            if name not in ("ZH_CN", "ZH_TW", "ZH_HK"):
                raise ValueError(f"unknown locale {name!r}")
            locales[name] = duckling.parse_locale(name, duckling.default_locale_lang(duckling.parse_lang("ZH")))
        return locales[name]
    dims = duckling.parse_dimensions(["time"])
    out = sys.stdout
    out.write('{"ready": true}\n')
    out.flush()
    for line in sys.stdin:
        try:
            req = json.loads(line)
            locale = locale_of(req.get("locale", "EN"))
            context = duckling.Context(duckling.parse_ref_time(zones, "UTC", int(req["ts"])), locale)
            answer = {"found": duckling.parse(req["text"], context, dims, False)}
        except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException is a BaseException
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            answer = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1])
