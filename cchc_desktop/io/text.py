"""Text helpers shared by the readers, the header mapping and the value parsers.

``fold`` is the key used for every accent- and case-insensitive comparison: "Ngày tiếp nhận",
"NGAY TIEP NHAN" and "ngay  tiep-nhan" all fold to ``"ngay tiep nhan"``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Unicode NFC (Vietnamese IMEs and cp1258 files emit decomposed tone marks)."""
    return unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """NFC, no surrounding blanks, inner runs of blanks (also non-breaking spaces, line breaks) as one space."""
    return _SPACES.sub(" ", nfc(text)).strip()


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case, no diacritics, ``đ`` as ``d``, every run of other characters as one space."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", bare).strip()


def contains_words(haystack: str, needle: str) -> bool:
    """True when the folded ``needle`` appears in the folded ``haystack`` as whole words."""
    if not needle:
        return False
    return f" {needle} " in f" {haystack} "


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA" (the letters Excel shows above a column)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """"A" → 0, "AA" → 26; the inverse of ``column_letter``."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + (ord(ch) - 64)
    return value - 1
