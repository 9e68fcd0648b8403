"""The sections of each report a user types (SPEC §3): their keys and titles. One home for the editor,
the report builders and the audit trail, which names a report text by its section's title."""

from __future__ import annotations

from dataclasses import dataclass

from .enums import ReportType

FIGURE_PREFIX = "so_lieu."


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str  # what the editor shows
    required: bool = True  # an empty required section shows a visible note in the draft


CCHC_SECTIONS: tuple[SectionDef, ...] = (
    SectionDef("chi_dao_dieu_hanh", "I.1. Công tác chỉ đạo, điều hành (kế hoạch, tuyên truyền, kiểm tra)"),
    SectionDef("the_che", "I.2. Cải cách thể chế"),
    SectionDef(
        "can_cu_mot_cua",
        "I.3. Căn cứ pháp lý về cơ chế một cửa (để trống: nghị định có hiệu lực trong kỳ)",
        required=False,
    ),
    SectionDef("thu_tuc_hanh_chinh", "I.3. Cải cách thủ tục hành chính (nội dung bổ sung)", required=False),
    SectionDef("to_chuc_bo_may", "I.4. Cải cách tổ chức bộ máy hành chính nhà nước"),
    SectionDef("che_do_cong_vu", "I.5. Cải cách chế độ công vụ"),
    SectionDef("tai_chinh_cong", "I.6. Cải cách tài chính công"),
    SectionDef("chinh_quyen_so", "I.7. Chính quyền điện tử, chính quyền số (nội dung bổ sung)", required=False),
    SectionDef("kho_khan", "II. Khó khăn, vướng mắc, hạn chế và nguyên nhân"),
    SectionDef("phuong_huong", "III. Kế hoạch, nhiệm vụ trọng tâm kỳ tới"),
    SectionDef("de_xuat", "IV. Đề xuất, kiến nghị (không bắt buộc)", required=False),
    SectionDef("bao_cao_de", "Nơi báo cáo trong câu kết (mặc định: theo Nơi nhận, ví dụ “Sở Nội vụ”)", required=False),
)

QUALITY_SECTIONS: tuple[SectionDef, ...] = (
    SectionDef("mo_dau", "Mở đầu (bổ sung sau phần căn cứ)", required=False),
    *(SectionDef(f"muc_tieu_{n}", f"Mục tiêu {n} (nội dung bổ sung)", required=False) for n in range(1, 8)),
    SectionDef("ket_luan", "Câu kết (thay câu kết mặc định)", required=False),
)


def sections_for(report_type: ReportType) -> tuple[SectionDef, ...]:
    return CCHC_SECTIONS if report_type == ReportType.CCHC else QUALITY_SECTIONS


def section_title(report_type: ReportType | None, key: str) -> str:
    """The title the editor shows for a section key (“I.2. Cải cách thể chế”); a cited figure by its name
    (“số liệu trích dẫn so_tin_bai”); the key itself when no section of the report has it."""
    if key.startswith(FIGURE_PREFIX):
        return f"số liệu trích dẫn {key.removeprefix(FIGURE_PREFIX)}"
    if report_type is None:
        return key
    return next((s.title for s in sections_for(report_type) if s.key == key), key)


def section_name(report_type: ReportType, key: str) -> str:
    """How a refusal calls a section: “mục “I.2. Cải cách thể chế”” or “số liệu trích dẫn “so_tin_bai””."""
    if key.startswith(FIGURE_PREFIX):
        return f"số liệu trích dẫn “{key.removeprefix(FIGURE_PREFIX)}”"
    return f"mục “{section_title(report_type, key)}”"
