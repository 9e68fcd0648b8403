"""Vietnamese text ordering and diacritics-insensitive matching (pure Python, no Qt).

Sorting follows the Vietnamese alphabet — a ă â b c d đ e ê … o ô ơ … u ư … — with the tone marks as a
secondary key (ngang, huyền, hỏi, ngã, sắc, nặng) and case last, so "Đà Nẵng" sorts after "Dược" and
before "Eo". ``fold`` removes every diacritic and the case ("Hồ sơ" → "ho so") for searching.
The same two functions serve the in-memory sort proxy and the SQL functions registered on SQLite.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..core.text import fold

__all__ = ["fold", "matches", "vi_sort_bytes", "vi_sort_key"]

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Marks that make a different letter (breve, circumflex, horn) rather than a tone.
_MODIFIED = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
             ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}  # fmt: skip
# Tone marks in dictionary order; 0 is "ngang" (no mark).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_DIGIT_BASE = -20  # digits sort before letters
_OTHER_BASE = -40  # spaces and punctuation before digits


def _char_key(base: str, marks: str) -> tuple[int, int, int]:
    lower = base.lower()
    case = 0 if base == lower else 1
    letter = lower
    for mark in marks:
        letter = _MODIFIED.get((letter, mark), letter)
    if lower == "đ":
        letter = "đ"
    tone = max((_TONES.get(mark, 0) for mark in marks), default=0)
    if letter in _LETTER_RANK:
        primary = _LETTER_RANK[letter]
    elif letter.isdigit():
        primary = _DIGIT_BASE + int(letter) if letter in "0123456789" else _DIGIT_BASE + 10
    elif letter.isspace():
        primary = _OTHER_BASE
    else:
        primary = 1000 + ord(letter)
    return primary, tone, case


@lru_cache(maxsize=65536)
def vi_sort_key(text: str | None) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """A key for ``sorted``: alphabet first, then tones, then case (a tuple of three tuples)."""
    if not text:
        return (), (), ()
    decomposed = unicodedata.normalize("NFD", text)
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    base, marks = "", ""
    for ch in decomposed:
        if unicodedata.combining(ch):
            marks += ch
            continue
        if base:
            _push(_char_key(base, marks), primary, tones, cases)
        base, marks = ch, ""
    if base:
        _push(_char_key(base, marks), primary, tones, cases)
    return tuple(primary), tuple(tones), tuple(cases)


def _push(key: tuple[int, int, int], primary: list[int], tones: list[int], cases: list[int]) -> None:
    primary.append(key[0])
    tones.append(key[1])
    cases.append(key[2])


def vi_sort_bytes(text: str | None) -> bytes:
    """``vi_sort_key`` packed into bytes that compare the same way (for SQL ORDER BY)."""
    primary, tones, cases = vi_sort_key(text)
    out = bytearray()
    for p in primary:
        value = p + 100 if p < 1000 else min(p, 0xFFFF - 1) + 100
        out += value.to_bytes(2, "big")
    out += b"\x00\x00"
    out += bytes(tones) + b"\x00" + bytes(cases)
    return bytes(out)


def matches(haystack: str | None, needle: str) -> bool:
    """True when every word of ``needle`` appears in ``haystack``, ignoring diacritics and case."""
    folded = fold(haystack)
    return all(word in folded for word in fold(needle).split())
