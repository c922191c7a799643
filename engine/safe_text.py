"""Text made safe for native code (Duckling's Rust/Haskell binding, lingua's Rust core) and for look-ups.

Whatever JSON can carry reaches the service: NUL and other control characters, lone surrogates
("\\ud800"), zero-width characters and soft hyphens inside words. Duckling's binding panics on a NUL
(``CString::new failed``) and a Rust string cannot hold a lone surrogate, so every native call gets
:func:`for_native`'s text, never the raw one. Offsets are never computed on it: spans are cut from
the text as sent, only values are read from the cleaned copy.
"""
from __future__ import annotations

import re

# Invisible characters that may sit inside a word without splitting it: soft hyphen, zero-width
# space / non-joiner / joiner, word joiner, invisible operators, BOM (zero-width no-break space).
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
# C0 and C1 controls (NUL among them) and DEL, but tab, newline and carriage return; lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def without_invisible(text: str) -> str:
    """``text`` without zero-width characters and soft hyphens ("Bos\\u200bton" -> "Boston")."""
    return _INVISIBLE.sub("", text)


def for_native(text: str) -> str:
    """``text`` as native code may safely read it: invisible characters removed, control characters
    (NUL included) as spaces, lone surrogates as U+FFFD. Valid UTF-8 with no NUL, whatever came in."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", without_invisible(text)))
