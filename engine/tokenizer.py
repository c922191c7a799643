"""Tokenizer shared by training and serving.

Splits raw user text into tokens that carry character offsets into the text
the user sent, and normalises each token to the way ATIS is written
(lowercase, no punctuation, ordinals and times as ATIS spells them).

One surface piece may become several tokens ("9pm" -> "9" "pm",
"21st" -> "twenty" "first"); each keeps offsets into the original text, so a
span built from the first token's ``start`` and the last token's ``end``
always slices the user's text exactly.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .safe_text import INVISIBLE, without_invisible

# Combining marks belong to the letter before them ("e" + U+0301 is one letter).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"

# Chinese is read one character at a time (the Chinese tagger is character-level: Chinese has no spaces
# between words); each Han character is a token of its own, folded to its Simplified form.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"

# Zero-width characters and soft hyphens inside a word keep it whole ("Bos\u200bton" is one word, "boston").
# A piece is either a clock time, an arrow, one Han character, a run of other letters/digits with internal
# apostrophes or dots ("o'clock", "i'd", "st."), or one other visible character.
_PIECE = re.compile(
    r"""
      (?P<clock>\d{1,2}[:.]\d{2}(?![\d]))             # 2:45, 9.30
    | (?P<arrow>-+>|=+>|[\u2192\u27f6\u2794\u279c\u279d\u279e\u27a1]\ufe0f?|>(?=\s*\w))  # "SF -> LA", "SF → LA": "to"
    | (?P<han>[{han}])                                # one Chinese character
    | (?P<word>{letters}(?:['\u2019\u2018]{letters})*)  # words, contractions
    | (?P<other>\S)                                   # punctuation, symbols, emoji
    """.replace("{letters}", r"(?:(?![{han}])[^\W_]|[{marks}])(?:[{invisible}]*(?:(?![{han}])[^\W_]|[{marks}]))*")
     .replace("{marks}", _MARKS).replace("{invisible}", INVISIBLE).replace("{han}", HAN),
    re.VERBOSE,
)

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})

_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_ORDINAL_UNITS = ["", "first", "second", "third", "fourth", "fifth", "sixth",
                  "seventh", "eighth", "ninth"]
_ORDINAL_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
                  "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"]
_TENS = {2: "twenty", 3: "thirty"}
_ORDINAL_TENS = {2: "twentieth", 3: "thirtieth"}

# Abbreviations people type for months; ATIS spells months out.
MONTH_ABBREVIATIONS = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april",
    "jun": "june", "jul": "july", "aug": "august", "sep": "september",
    "sept": "september", "oct": "october", "nov": "november", "dec": "december",
}

# Shorthand people type for words the model knows (maps only words absent from the corpora).
TYPED_FORMS = {
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmrow": "tomorrow", "tomorow": "tomorrow", "2morrow": "tomorrow",
    "2day": "today", "tonite": "tonight", "nxt": "next", "wknd": "weekend", "pls": "please", "plz": "please",
    "thru": "through", "flt": "flight", "flts": "flights",
    # weekdays ("sun" left out: the airline, the weather)
    "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "weds": "wednesday",
    "thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday", "sat": "saturday",
    # date and time words as they are mistyped (every form a misspelling no one means otherwise; the words
    # that must stay as they are, "tom", "wendy", "sunny", "satin", are in tests/test_tokenizer.py)
    "tommorow": "tomorrow", "tommorrow": "tomorrow", "tomorrw": "tomorrow", "tomoro": "tomorrow",
    "tomorro": "tomorrow", "tommorw": "tomorrow", "tomorow": "tomorrow", "2moro": "tomorrow", "2morow": "tomorrow",
    "2mrw": "tomorrow", "tmw": "tomorrow", "tmro": "tomorrow", "tomrrow": "tomorrow", "tomorroe": "tomorrow",
    "tonigt": "tonight", "tonght": "tonight", "2nite": "tonight", "tonit": "tonight", "nite": "night",
    "wensday": "wednesday", "wendsday": "wednesday", "wednsday": "wednesday", "wedensday": "wednesday",
    "wedsday": "wednesday", "wednesdy": "wednesday", "wenesday": "wednesday", "wedneday": "wednesday",
    "thrusday": "thursday", "thursdy": "thursday", "thurday": "thursday", "thusday": "thursday",
    "thurdsay": "thursday", "tuseday": "tuesday", "tuesdy": "tuesday", "teusday": "tuesday", "tusday": "tuesday",
    "tueday": "tuesday", "firday": "friday", "fridy": "friday", "frday": "friday", "fiday": "friday",
    "saturdy": "saturday", "satuday": "saturday", "saterday": "saturday", "sattuday": "saturday",
    "saturaday": "saturday", "sundy": "sunday", "sunady": "sunday", "sundya": "sunday", "mondy": "monday",
    "monady": "monday", "mondya": "monday", "febuary": "february", "feburary": "february", "janurary": "january",
    "janary": "january", "agust": "august", "augst": "august", "septmber": "september", "setember": "september",
    "ocotber": "october", "octber": "october", "novmber": "november", "novemebr": "november",
    "decmber": "december", "decemeber": "december", "dicember": "december", "wkend": "weekend",
    "weeknd": "weekend", "mornin": "morning", "morining": "morning", "evning": "evening", "evenning": "evening",
    "afternon": "afternoon", "aftenoon": "afternoon", "nxet": "next",
}

_ORDINAL_RE = re.compile(r"^(\d{1,2})(st|nd|rd|th)$")
_NUM_ALPHA_RE = re.compile(r"^(\d+)(am|pm|a|p)$")


@dataclass(frozen=True)
class Token:
    """A normalised token and where it came from in the original text."""

    text: str  # normalised form, what the model sees
    start: int  # character offset into the original text (inclusive)
    end: int  # character offset into the original text (exclusive)
    shape: int = 1  # casing of the surface form, one of SHAPES


# Casing of what the user typed (the normalised text is lowercase): index 0 is padding.
SHAPES = ("<pad>", "lower", "title", "upper", "mixed", "digit")


def shape_of(surface: str) -> int:
    """Index into SHAPES of a surface form: "boston" 1, "Boston" 2, "SFO" 3, "McAllen" 4, "2nd" 5."""
    if any(c.isdigit() for c in surface):
        return 5
    cased = [c for c in surface if c.isupper() or c.islower()]
    if not cased or all(c.islower() for c in cased):
        return 1
    if all(c.isupper() for c in cased):
        return 3 if len(cased) > 1 else 2
    if cased[0].isupper() and all(c.islower() for c in cased[1:]):
        return 2
    return 4


def ordinal_words(n: int) -> list[str]:
    """1 -> ['first'], 21 -> ['twenty', 'first'], 30 -> ['thirtieth'] (1..39)."""
    if not 1 <= n <= 39:
        raise ValueError(f"ordinal out of range: {n}")
    if n < 10:
        return [_ORDINAL_UNITS[n]]
    if n < 20:
        return [_ORDINAL_TEENS[n - 10]]
    tens, units = divmod(n, 10)
    if units == 0:
        return [_ORDINAL_TENS[tens]]
    return [_TENS[tens], _ORDINAL_UNITS[units]]


@lru_cache(maxsize=None)
def _t2s():
    import opencc  # OpenCC's character table (t2s): one character in, one out, so offsets stay exact

    return opencc.OpenCC("t2s")


def simplified(char: str) -> str:
    """One Han character in its Simplified form (itself when it has none or OpenCC gives more than one)."""
    out = _t2s().convert(char)
    return out if len(out) == 1 else char


@lru_cache(maxsize=65_536)
def _normalise(surface: str, kind: str) -> tuple[tuple[str, int, int, int], ...]:
    """One surface piece as zero or more (text, start, end, shape), offsets relative to the piece.

    Cached: a piece's tokens depend on its own characters only, and users repeat words.
    """
    if kind == "other":
        return ()  # punctuation, symbols and emoji carry no slot value here
    if kind == "arrow":
        return (("to", 0, len(surface), 1),)  # "Boston -> NYC" reads as "boston to nyc"
    if kind == "han":
        return ((simplified(surface), 0, len(surface), 1),)  # 臺 -> 台: Traditional and Simplified read alike
    end = len(surface)
    text = without_invisible(unicodedata.normalize("NFKC", surface).translate(_APOSTROPHES).lower())
    if not text:
        return ()  # only invisible characters
    shape = shape_of(surface)
    if kind == "clock":
        # ATIS writes clock times without a separator: "8:38" -> "838".
        return ((re.sub(r"[:.]", "", text), 0, end, shape),)
    m = _ORDINAL_RE.match(text)
    if m and 1 <= int(m.group(1)) <= 39:
        return tuple((w, 0, end, shape) for w in ordinal_words(int(m.group(1))))
    m = _NUM_ALPHA_RE.match(text)
    if m:
        # "9pm" -> "9" "pm": split at the digit/letter boundary, offsets exact.
        split = len(m.group(1))
        suffix = {"a": "am", "p": "pm"}.get(m.group(2), m.group(2))
        return ((m.group(1), 0, split, 5), (suffix, split, end, shape_of(surface[split:])))
    return ((MONTH_ABBREVIATIONS.get(text) or TYPED_FORMS.get(text, text), 0, end, shape),)


def _normalise_piece(surface: str, kind: str, start: int) -> list[Token]:
    """Turn one surface piece starting at ``start`` into zero or more normalised tokens."""
    return [Token(text, start + a, start + b, shape) for text, a, b, shape in _normalise(surface, kind)]


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into normalised tokens with exact character offsets."""
    tokens: list[Token] = []
    for m in _PIECE.finditer(text):
        kind = m.lastgroup or "other"
        start, end = m.span()
        if kind == "word" and text[end:end + 1] == "." and m.group().lower() == "st":
            end += 1  # "St. Louis": ATIS keeps the abbreviation's dot
            tokens.append(Token("st.", start, end, shape_of(m.group())))
            continue
        tokens.extend(_normalise_piece(m.group(), kind, start))
    return tokens


def words(text: str) -> list[str]:
    """The normalised token texts only."""
    return [t.text for t in tokenize(text)]
