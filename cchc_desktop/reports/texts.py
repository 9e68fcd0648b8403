"""Report texts: the narrative sections a user types per report type and period (SPEC §3), the
figures they cite, placeholders filled from the indicators, and "copy from the previous period".

A text may cite any computed figure as a placeholder — ``{ho_so.tiep_nhan}`` becomes "3.620" — and
any figure the user stored for the period as ``{so_lieu.<tên>}`` (a report text whose section key is
``so_lieu.<tên>``). Write ``{{`` and ``}}`` for literal braces. An unknown placeholder is an error
naming it (``PlaceholderError``), never a silent blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import models as m
from ..core import services
from ..core.enums import ReportType
from ..core.errors import CchcError, ConflictError
from ..core.formatting import format_count, format_date, format_percent
from ..core.indicators import Figure, IndicatorSet
from ..core.periods import PeriodSpec
from ..core.sections import FIGURE_PREFIX, SectionDef, section_name
from .document import Block, BulletList, Inline, Paragraph, Run
from .legal import one_stop_basis


class PlaceholderError(CchcError):
    """A report text cites a placeholder the builder does not know."""

    def __init__(self, section: str, names: list[str]) -> None:
        listed = ", ".join(f"{{{n}}}" for n in names)
        what = "chỗ điền số liệu không xác định" if len(names) == 1 else "các chỗ điền số liệu không xác định"
        super().__init__(
            f"Mục “{section}” của báo cáo có {what}: {listed}. Hãy sửa lại theo danh sách số liệu có thể "
            "chèn, hoặc nhập số liệu đó trong phần “Số liệu trích dẫn” của kỳ báo cáo."
        )
        self.section = section
        self.names = names


# --------------------------------------------------------------------------- storage


# The organisation's own texts: those a unit's data package brought (``unit_id`` set) are kept beside them
# and never read into the organisation's reports.
OWN_TEXT = m.ReportText.unit_id.is_(None)


def load_texts(session: Session, report_type: ReportType, period_key: str) -> dict[str, str]:
    """Every stored section of one report (section key → body)."""
    rows = session.execute(
        select(m.ReportText.section_key, m.ReportText.body).where(
            m.ReportText.report_type == report_type, m.ReportText.period_key == period_key, OWN_TEXT
        )
    )
    return {key: body or "" for key, body in rows}


def load_versions(session: Session, report_type: ReportType, period_key: str) -> dict[str, int]:
    """The version of every stored section of one report (section key → version): what an editor passes
    back to ``save_texts`` so a save over someone else's newer text is refused."""
    rows = session.execute(
        select(m.ReportText.section_key, m.ReportText.version).where(
            m.ReportText.report_type == report_type, m.ReportText.period_key == period_key, OWN_TEXT
        )
    )
    return {key: version for key, version in rows}


def save_texts(
    session: Session, report_type: ReportType, period_key: str, texts: Mapping[str, str], *, user: str | None = None,
    expected_versions: Mapping[str, int | None] | None = None,
) -> dict[str, int]:
    """Create or update sections through the services; returns the version of each section saved (or
    unchanged). ``expected_versions``: for each section of ``texts`` it names, the version the editor
    loaded (``None``: the section did not exist then). A section changed, created or deleted by someone
    else since is refused (``ConflictError`` saying what they changed) and nothing is overwritten."""
    versions: dict[str, int] = {}
    checked = expected_versions or {}
    for key, body in texts.items():
        existing = session.scalar(
            select(m.ReportText).where(
                m.ReportText.report_type == report_type,
                m.ReportText.period_key == period_key,
                m.ReportText.section_key == key,
                OWN_TEXT,
            )
        )
        expected = checked.get(key)
        if key in checked and existing is not None:
            # the section as loaded (version 0: not there yet, so its creation is news too)
            services.check_version(session, m.ReportText, existing, expected or 0,
                                   name=section_name(report_type, key))  # fmt: skip
        if existing is None:
            if expected is not None:
                raise ConflictError(
                    f"Không lưu được: {section_name(report_type, key)} đã bị người khác xóa sau khi bạn mở "
                    "(xem Thùng rác). Bấm “Tải lại” để mở bản mới nhất rồi nhập lại thay đổi của bạn.",
                    table=m.ReportText.__tablename__,
                )
            existing = services.create(
                session,
                m.ReportText,
                {"report_type": report_type, "period_key": period_key, "section_key": key, "body": body},
                user=user,
            )
        elif existing.body != body:
            existing = services.update(session, m.ReportText, existing.id, {"body": body}, user=user)
        versions[key] = existing.version
    return versions


def save_figure(session: Session, report_type: ReportType, period_key: str, name: str, value: str) -> None:
    """A figure the narrative cites (e.g. ``so_tin_bai`` = "167"), usable as ``{so_lieu.so_tin_bai}``."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise CchcError(f"Tên số liệu “{name}” chỉ được gồm chữ thường không dấu, chữ số và dấu gạch dưới.")
    save_texts(session, report_type, period_key, {FIGURE_PREFIX + name: value})


@dataclass(frozen=True)
class CopyResult:
    source_key: str
    copied: int


def copy_from_previous(
    session: Session, report_type: ReportType, spec: PeriodSpec, *, overwrite: bool = False
) -> CopyResult:
    """Fill the report of ``spec`` from the previous period of the same kind (2024-H1 → 2023-H2),
    or, when that one is empty, from the report texts edited last. Sections already typed are kept
    unless ``overwrite``."""
    source = spec.previous().key
    texts = load_texts(session, report_type, source)
    if not any(body.strip() for body in texts.values()):
        latest = session.execute(
            select(m.ReportText.period_key)
            .where(m.ReportText.report_type == report_type, m.ReportText.period_key != spec.key, OWN_TEXT)
            .group_by(m.ReportText.period_key)
            .order_by(func.max(m.ReportText.updated_at).desc(), m.ReportText.period_key.desc())
            .limit(1)
        ).scalar()
        if latest is None:
            raise CchcError("Chưa có nội dung báo cáo của kỳ trước để sao chép.")
        source, texts = latest, load_texts(session, report_type, latest)
    current = load_texts(session, report_type, spec.key)
    wanted = {
        key: body
        for key, body in texts.items()
        if body.strip() and (overwrite or not current.get(key, "").strip())
    }
    save_texts(session, report_type, spec.key, wanted)
    return CopyResult(source, len(wanted))


# --------------------------------------------------------------------------- placeholders

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")


def _count(get: Callable[[IndicatorSet], int]) -> Callable[[IndicatorSet], str]:
    return lambda x: format_count(get(x))


def _rate(get: Callable[[IndicatorSet], Figure]) -> Callable[[IndicatorSet], str]:
    return lambda x: format_percent(get(x).value)


# name → (what it is, how to get it from the indicators)
PLACEHOLDERS: dict[str, tuple[str, Callable[[IndicatorSet], str]]] = {
    "ky.ten": ("Tên kỳ báo cáo (ví dụ “năm 2024”)", lambda x: x.spec.label),
    "ky.tu_ngay": ("Ngày đầu kỳ số liệu hồ sơ", lambda x: format_date(x.periods.dossiers.start)),
    "ky.den_ngay": ("Ngày cuối kỳ số liệu hồ sơ", lambda x: format_date(x.periods.dossiers.end)),
    "can_cu.mot_cua": (
        "Nghị định về cơ chế một cửa có hiệu lực trong kỳ",
        lambda x: one_stop_basis(x.periods.dossiers.start, x.periods.dossiers.end),
    ),
    "ho_so.ky_truoc": ("Hồ sơ kỳ trước chuyển sang", _count(lambda x: x.dossiers.carried_over)),
    "ho_so.tiep_nhan": ("Hồ sơ tiếp nhận trong kỳ", _count(lambda x: x.dossiers.received)),
    "ho_so.tong": ("Tổng số hồ sơ (kỳ trước + trong kỳ)", _count(lambda x: x.dossiers.total_handled)),
    "ho_so.truc_tuyen": ("Hồ sơ tiếp nhận trực tuyến", _count(lambda x: x.dossiers.received_online)),
    "ho_so.truc_tiep": ("Hồ sơ tiếp nhận trực tiếp", _count(lambda x: x.dossiers.received_direct)),
    "ho_so.buu_chinh": ("Hồ sơ tiếp nhận qua bưu chính công ích", _count(lambda x: x.dossiers.received_postal)),
    "ho_so.da_giai_quyet": ("Hồ sơ đã giải quyết", _count(lambda x: x.dossiers.resolved)),
    "ho_so.truoc_han": ("Hồ sơ giải quyết trước hạn", _count(lambda x: x.dossiers.early)),
    "ho_so.dung_han": ("Hồ sơ giải quyết đúng hạn", _count(lambda x: x.dossiers.on_time)),
    "ho_so.qua_han": ("Hồ sơ giải quyết quá hạn", _count(lambda x: x.dossiers.late)),
    "ho_so.ty_le_dung_han": ("Tỷ lệ giải quyết trước và đúng hạn", _rate(lambda x: x.dossiers.on_time_figure)),
    "ho_so.dang_giai_quyet": ("Hồ sơ đang giải quyết cuối kỳ", _count(lambda x: x.dossiers.in_progress)),
    "ho_so.trong_han": ("Hồ sơ đang giải quyết, còn trong hạn", _count(lambda x: x.dossiers.in_progress_within)),
    "ho_so.qua_han_dang_giai_quyet": (
        "Hồ sơ đang giải quyết, đã quá hạn", _count(lambda x: x.dossiers.in_progress_overdue)
    ),
    "ho_so.tra_lai": ("Hồ sơ trả lại, rút hồ sơ", _count(lambda x: x.dossiers.returned)),
    "truc_tuyen.so_tthc": ("Số TTHC trực tuyến có phát sinh hồ sơ", _count(lambda x: x.online.procedures_with_dossiers)),
    "truc_tuyen.ho_so": ("Hồ sơ của TTHC có cung cấp DVC trực tuyến", _count(lambda x: x.online.overall.denominator)),
    "truc_tuyen.truc_tuyen": ("Trong đó nộp trực tuyến", _count(lambda x: x.online.overall.numerator)),
    "truc_tuyen.ty_le": ("Tỷ lệ hồ sơ trực tuyến", _rate(lambda x: x.online.overall)),
    "truc_tuyen.ty_le_toan_trinh": ("Tỷ lệ trực tuyến của TTHC toàn trình", _rate(lambda x: x.online.full)),
    "truc_tuyen.ty_le_mot_phan": ("Tỷ lệ trực tuyến của TTHC một phần", _rate(lambda x: x.online.partial)),
    "nhiem_vu.tong": ("Nhiệm vụ UBND tỉnh giao", _count(lambda x: x.tasks.total)),
    "nhiem_vu.hoan_thanh": ("Nhiệm vụ đã hoàn thành", _count(lambda x: x.tasks.completed)),
    "nhiem_vu.truoc_han": ("Nhiệm vụ hoàn thành trước hạn", _count(lambda x: x.tasks.early)),
    "nhiem_vu.dung_han": ("Nhiệm vụ hoàn thành đúng hạn", _count(lambda x: x.tasks.on_time)),
    "nhiem_vu.qua_han": ("Nhiệm vụ hoàn thành quá hạn", _count(lambda x: x.tasks.late)),
    "nhiem_vu.chua_den_han": ("Nhiệm vụ đang thực hiện, chưa đến hạn", _count(lambda x: x.tasks.in_progress_not_due)),
    "nhiem_vu.qua_han_chua_hoan_thanh": (
        "Nhiệm vụ quá hạn chưa hoàn thành", _count(lambda x: x.tasks.in_progress_overdue)
    ),
    "nhiem_vu.ty_le": ("Tỷ lệ nhiệm vụ hoàn thành đúng hạn", _rate(lambda x: x.tasks.figure)),
    "khao_sat.so_phieu": ("Số phiếu khảo sát", _count(lambda x: x.survey.forms)),
    "khao_sat.ty_le_hai_long": ("Tỷ lệ hài lòng", _rate(lambda x: x.survey.satisfaction)),
    "iso.so_quyet_dinh": ("Số quyết định công bố TTHC trong kỳ", _count(lambda x: len(x.iso.decisions))),
    "iso.so_tthc": ("Số TTHC được công bố trong kỳ", _count(lambda x: x.iso.procedures_announced)),
    "iso.dung_han": ("Số TTHC có quy trình ISO đúng hạn", _count(lambda x: x.iso.within_deadline)),
    "iso.ty_le": ("Tỷ lệ TTHC có quy trình ISO đúng hạn", _rate(lambda x: x.iso.figure)),
    "iso.tthc_hieu_luc": ("Số TTHC đang có hiệu lực", _count(lambda x: x.steps_match.denominator)),
    "iso.thong_nhat": ("Số TTHC có quy trình ISO thống nhất với phần mềm", _count(lambda x: x.steps_match.numerator)),
    "van_ban.di": ("Văn bản đi", _count(lambda x: x.documents.outgoing)),
    "van_ban.mat": ("Văn bản đi mật", _count(lambda x: x.documents.secret)),
    "van_ban.quyet_dinh": ("Quyết định đi", _count(lambda x: x.documents.decisions)),
    "van_ban.dien_tu": (
        "Văn bản đi (kể cả quyết định) gửi điện tử", _count(lambda x: x.documents.figure.numerator)
    ),
    "van_ban.ty_le": ("Tỷ lệ văn bản đi gửi điện tử", _rate(lambda x: x.documents.figure)),
    "van_ban.den": ("Văn bản đến", _count(lambda x: x.documents.incoming)),
    "van_ban.den_dien_tu": ("Văn bản đến xử lý điện tử", _count(lambda x: x.documents.incoming_electronic)),
    "van_ban.ty_le_den": ("Tỷ lệ văn bản đến xử lý điện tử", _rate(lambda x: x.documents.incoming_figure)),
}


def placeholder_values(indicators: IndicatorSet, texts: Mapping[str, str]) -> dict[str, str]:
    """Every name a text may cite, with its Vietnamese text for this period."""
    values = {name: get(indicators) for name, (_what, get) in PLACEHOLDERS.items()}
    for key, body in texts.items():
        if key.startswith(FIGURE_PREFIX):
            values[key] = body.strip()
    return values


def unknown_placeholders(text: str, known: Mapping[str, str] | set[str]) -> list[str]:
    """The placeholders of ``text`` that are not in ``known`` (the editor checks as the user types)."""
    found = []
    for match in _TOKEN.finditer(text):
        name = match.group(1)
        if name is not None and name.strip() not in known and name.strip() not in found:
            found.append(name.strip())
    return found


def fill_placeholders(text: str, values: Mapping[str, str], section: str) -> str:
    """Replace every ``{name}`` by its value; an unknown one raises ``PlaceholderError``."""
    unknown = unknown_placeholders(text, values)
    if unknown:
        raise PlaceholderError(section, unknown)

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return values[match.group(1).strip()]

    return _TOKEN.sub(replace, text)


# --------------------------------------------------------------------------- text → blocks

_BULLET = re.compile(r"^\s*([-–•+])\s+")
_INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|\*(?P<italic>[^*]+?)\*|(?P<quoted>“[^”]+”)")
BLOCK_TOKEN = re.compile(r"^\s*\[\[\s*(?P<remove>-)?\s*(?P<key>[a-z_]+)\s*\]\]\s*$")


def inline_runs(line: str) -> tuple[Run, ...]:
    """Inline styles as people type them: ``**đậm**``, ``*nghiêng*``, and a quoted title “…” in italics
    (the quotes stay)."""
    out: list[Run] = []
    pos = 0
    for match in _INLINE.finditer(line):
        if match.start() > pos:
            out.append(Run(line[pos : match.start()]))
        if match.group("bold") is not None:
            out.append(Run(match.group("bold"), bold=True))
        elif match.group("italic") is not None:
            out.append(Run(match.group("italic"), italic=True))
        else:
            out.append(Run(match.group("quoted"), italic=True))
        pos = match.end()
    if pos < len(line):
        out.append(Run(line[pos:]))
    return tuple(out)


def text_blocks(text: str) -> list[Block]:
    """A typed text as document blocks: one paragraph per line; lines starting with "-" (or "–", "•")
    are first-level items, lines starting with "+" second-level items, as the reference writes them."""
    blocks: list[Block] = []
    bullets: list[tuple[Inline, ...]] = []
    marker = "-"

    def flush() -> None:
        nonlocal bullets
        if bullets:
            blocks.append(BulletList(tuple(bullets), marker=marker, level=2 if marker == "+" else 1))
            bullets = []

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        found = _BULLET.match(line)
        if found:
            this = "+" if found.group(1) == "+" else "-"
            if this != marker:
                flush()
                marker = this
            bullets.append(inline_runs(_BULLET.sub("", line)))
            continue
        flush()
        if line:
            blocks.append(Paragraph(inline_runs(line)))
    flush()
    return blocks


def compose(
    body: str, computed: Mapping[str, list[Block]], before: tuple[str, ...] = (), after: tuple[str, ...] = (),
) -> list[Block]:
    """A section made of typed text and computed blocks. Each computed block is a placeholder the user
    may move — a line ``[[nhiem_vu]]`` puts it there — or remove — ``[[-nhiem_vu]]``; a block the text
    does not mention keeps its default place (``before`` or ``after`` the typed text)."""
    placed: set[str] = set()
    removed: set[str] = set()
    middle: list[Block] = []
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            middle.extend(text_blocks("\n".join(chunk)))
            chunk.clear()

    for line in body.replace("\r\n", "\n").split("\n"):
        token = BLOCK_TOKEN.match(line)
        if token and token.group("key") in computed:
            flush()
            key = token.group("key")
            if token.group("remove"):
                removed.add(key)
            else:
                placed.add(key)
                middle.extend(computed[key])
            continue
        chunk.append(line)
    flush()
    head = [b for key in before if key not in placed | removed for b in computed.get(key, [])]
    tail = [b for key in after if key not in placed | removed for b in computed.get(key, [])]
    return [*head, *middle, *tail]


def draft_note(message: str) -> Paragraph:
    """A note to the drafter, highlighted in the draft so it cannot be missed before signing."""
    return Paragraph((Run(f"[{message}]", draft_note=True),))


def section_blocks(
    texts: Mapping[str, str], values: Mapping[str, str], section: SectionDef
) -> list[Block]:
    """The blocks of a typed section with its placeholders filled; an empty required section says so."""
    body = texts.get(section.key, "").strip()
    if not body:
        if section.required:
            return [draft_note(f"Chưa có nội dung mục “{section.title}”: nhập tại trang Báo cáo trước khi trình ký")]
        return []
    return text_blocks(fill_placeholders(body, values, section.title))


def section_with_blocks(
    texts: Mapping[str, str], values: Mapping[str, str], section: SectionDef, computed: Mapping[str, list[Block]],
    before: tuple[str, ...] = (), after: tuple[str, ...] = (),
) -> list[Block]:
    """A section whose computed blocks the user can move or remove (see ``compose``); an empty required
    section with no computed block left shows the drafter's note."""
    body = texts.get(section.key, "").strip()
    if not body:  # the typed part is missing: the note (if required) in its place
        head = compose("", computed, before, ())
        tail = compose("", computed, (), after)
        return [*head, *section_blocks(texts, values, section), *tail]
    return compose(fill_placeholders(body, values, section.title), computed, before, after)
