"""Rewrite the example answers of the README and docs/ from the app (run after changing the model or the answer).

    .venv/bin/python scripts/readme_examples.py

Each curl example followed by a JSON block gets that block replaced with the answer the app gives
(the committed model; examples without a reference_time answered as on tests/test_readme.RECORDED;
a /model/parse ranking cut to three). tests/test_readme.py checks that they still agree.
"""
from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    from app import create_app
    from engine import parser as parser_mod
    from test_readme import RECORDED

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return RECORDED.astimezone(tz) if tz else RECORDED

    parser_mod.datetime = Clock
    app = create_app(config={"ACCESS_LOG": False})
    client = app.test_client()
    def answer(m: re.Match) -> str:
        call = re.search(r"curl -s localhost:8000(/\S+) .*?-d '(\{.*?\})'", m.group(1), re.S)
        app.config["RASA_ENTITIES"] = "roles" if "SLOT_RASA_ENTITIES=roles" in m.group(1) else "frame"
        body = client.post(call.group(1), json=json.loads(call.group(2))).get_json()
        if "intent_ranking" in body:
            body["intent_ranking"] = body["intent_ranking"][:3]
        return m.group(1) + "```json\n" + json.dumps(body, indent=2, ensure_ascii=False) + "\n```"

    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        new = re.sub(r"(```bash\n(?:(?!```).)*?curl -s localhost:8000/\S+ (?:(?!```).)*?```\n(?:(?!```).)*?)```json\n.*?\n```",
                     answer, text, flags=re.S)
        path.write_text(new, encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {'rewritten' if new != text else 'unchanged'}")


if __name__ == "__main__":
    main()
