"""Domain enumerations.

Values are stored as readable English text in the database; every enum carries the
Vietnamese label the user reads (``.label``) so no widget or report keeps its own copy.
"""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """A str enum whose members also carry a Vietnamese label."""

    label: str

    # ``label`` has a default only for the type checker: after the class is built, ``Kind("value")`` looks a
    # member up by its value (EnumMeta), which mypy would otherwise read as a call missing ``label``.
    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    def __str__(self) -> str:  # pragma: no cover - convenience only
        return self.value

    @classmethod
    def from_label(cls, label: str) -> LabelledEnum:
        for member in cls:
            if member.label == label:
                return member
        raise ValueError(label)


class Channel(LabelledEnum):
    ONLINE = ("online", "Trực tuyến")
    DIRECT = ("direct", "Trực tiếp")
    POSTAL = ("postal", "Bưu chính công ích")


class OnlineLevel(LabelledEnum):
    FULL = ("full", "Toàn trình")
    PARTIAL = ("partial", "Một phần")
    NONE = ("none", "Không trực tuyến")


class DurationUnit(LabelledEnum):
    CALENDAR_DAYS = ("calendar_days", "ngày")
    WORKING_DAYS = ("working_days", "ngày làm việc")


class DossierOutcome(LabelledEnum):
    """How a dossier ended (SPEC §4, §11). Which Biểu 06a column each one counts in is decided by the
    outcome rule preset in ``core.indicators`` — never here."""

    RESOLVED = ("resolved", "Đã giải quyết")
    RETURNED = ("returned", "Trả lại")
    WITHDRAWN = ("withdrawn", "Rút hồ sơ")
    REFUSED = ("refused", "Từ chối giải quyết")
    STOPPED = ("stopped", "Dừng giải quyết")


class DossierEventKind(LabelledEnum):
    """Dated events of a dossier under Nghị định 118/2025/NĐ-CP and the forms of Thông tư 03/2025/TT-VPCP."""

    SUPPLEMENT_REQUESTED = ("supplement_requested", "Yêu cầu bổ sung hồ sơ")
    SUPPLEMENT_RECEIVED = ("supplement_received", "Nhận hồ sơ bổ sung (tính lại thời hạn)")
    EXTENDED = ("extended", "Gia hạn (thư xin lỗi, Mẫu 04)")
    STOPPED = ("stopped", "Dừng giải quyết (Mẫu 05)")
    RETURNED = ("returned", "Trả lại hồ sơ")
    WITHDRAWN = ("withdrawn", "Rút hồ sơ")
    REFUSED = ("refused", "Từ chối giải quyết")


class AssignedBy(LabelledEnum):
    PROVINCE = ("province", "UBND tỉnh")
    CHAIRMAN = ("chairman", "Chủ tịch UBND tỉnh")


class Comparator(LabelledEnum):
    EQ = ("=", "=")
    GE = (">=", "≥")
    GT = (">", ">")


class PeriodConvention(LabelledEnum):
    CALENDAR = ("calendar", "Theo năm/tháng dương lịch")
    CUT_OFF = ("cut_off", "Chốt số liệu ngày 15 → 14")


class WorkdayKind(LabelledEnum):
    DAY_OFF = ("day_off", "Ngày nghỉ thêm")
    MAKE_UP = ("make_up", "Ngày làm bù")


class AnnouncementAction(LabelledEnum):
    NEW = ("new", "Ban hành mới")
    AMENDED = ("amended", "Sửa đổi, bổ sung")
    ABOLISHED = ("abolished", "Bãi bỏ")


class ReportType(LabelledEnum):
    QUALITY = ("quality", "Báo cáo kết quả thực hiện mục tiêu chất lượng")
    CCHC = ("cchc", "Báo cáo công tác cải cách hành chính")
    BIEU_06A = ("bieu06a", "Biểu số 06a/VPCP/KSTT")


class SurveyMode(LabelledEnum):
    FORMS = ("forms", "Nhập từng phiếu")
    TOTALS = ("totals", "Nhập tổng số theo phương án")


class OnlineDenominator(LabelledEnum):
    ONLINE_PROCEDURES = ("online_procedures", "Chỉ hồ sơ của TTHC có cung cấp DVC trực tuyến")
    ALL = ("all", "Tất cả hồ sơ tiếp nhận")
