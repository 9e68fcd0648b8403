"""Diacritics- and case-insensitive text keys, shared by the search boxes (ui), the header and label
matching of the Excel import (io) and anything else that compares what people type."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=16384)
def fold(text: str | None) -> str:
    """Lower case without any diacritic: "Hồ sơ Đăng ký" → "ho so dang ky"."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()



# Characters XML 1.0 cannot carry (they would break every .xlsx and .docx written later): removed at input.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Characters that show nothing: the "format" category Cf of Unicode 14 (zero-width space and joiners,
# word joiner, BOM, soft hyphen, bidi marks…), the combining grapheme joiner and the variation
# selectors — two codes that differ only by them look the same to every reader.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef]"
)


def code_key(text: str) -> str:
    """The one normal form of a code or number someone typed or pasted (dossier code, procedure code,
    decision number): NFKC (full-width "ＨＳ－１" → "HS-1", compatibility forms unfolded), invisible
    characters removed, blanks collapsed. Codes are stored and compared in this form, so "HS\u200b-1",
    "HS\u00ad-1" and "ＨＳ-1" are all the code "HS-1"."""
    if text.isascii():
        return text.strip() if text.isprintable() and "  " not in text else " ".join(text.split())
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return unicodedata.normalize("NFC", " ".join(text.split()))


_NOT_WORD = re.compile(r"[^\w]+")


def name_key(text: str | None) -> str:
    """The matching key of a catalogue name (unit, field): ``fold`` without punctuation
    ("Khám bệnh, chữa bệnh" = "Kham benh chua benh", "Phòng KH-TC" = "phong kh tc")."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())
