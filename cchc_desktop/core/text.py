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


_NOT_WORD = re.compile(r"[^\w]+")


def name_key(text: str | None) -> str:
    """The matching key of a catalogue name (unit, field): ``fold`` without punctuation
    ("Khám bệnh, chữa bệnh" = "Kham benh chua benh", "Phòng KH-TC" = "phong kh tc")."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())
