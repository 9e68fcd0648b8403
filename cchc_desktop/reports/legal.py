"""Legal references per period (SPEC §11): the decree a report cites is the one in force for its period,
and the text is data — the default below is only what a report says when the user typed nothing in
its “căn cứ” section (``texts.LEGAL_SECTION``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class LegalText:
    """A legal text and the days it governed (``until`` None: still in force)."""

    citation: str
    since: dt.date
    until: dt.date | None = None

    def covers(self, start: dt.date, end: dt.date) -> bool:
        return self.since <= end and (self.until is None or self.until >= start)


ONE_STOP: tuple[LegalText, ...] = (
    LegalText(
        "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên "
        "thông trong giải quyết thủ tục hành chính và Nghị định số 107/2021/NĐ-CP ngày 06/12/2021 của Chính phủ "
        "sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP",
        dt.date(2018, 6, 21),
        dt.date(2025, 6, 30),
    ),
    LegalText(
        "Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ về thực hiện thủ tục hành chính theo cơ chế "
        "một cửa, một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia",
        dt.date(2025, 7, 1),
    ),
)


def one_stop_basis(start: dt.date, end: dt.date) -> str:
    """The one-stop decree(s) in force during [start, end]: "Nghị định số 61/2018/NĐ-CP … và Nghị định số
    107/2021/NĐ-CP …" before 01/7/2025, "Nghị định số 118/2025/NĐ-CP …" after; both for a period that
    straddles the change."""
    texts = [t for t in ONE_STOP if t.covers(start, end)] or [ONE_STOP[-1]]
    if len(texts) == 1:
        return texts[0].citation
    return "; ".join(
        f"{t.citation} (đến hết ngày {t.until:%d/%m/%Y})" if t.until else f"{t.citation} (từ ngày {t.since:%d/%m/%Y})"
        for t in texts
    )
