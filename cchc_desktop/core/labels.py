"""Vietnamese names of the entities and their attributes: one place for forms, messages and exports."""

from __future__ import annotations

from . import models as m

ENTITY_LABELS: dict[type[m.Base], str] = {
    m.OrganisationProfile: "thông tin cơ quan",
    m.Unit: "đơn vị",
    m.Field: "lĩnh vực",
    m.AnnouncementDecision: "quyết định công bố",
    m.Procedure: "thủ tục hành chính",
    m.AnnouncementItem: "TTHC trong quyết định công bố",
    m.Dossier: "hồ sơ",
    m.DossierEvent: "sự kiện hồ sơ",
    m.Questionnaire: "bộ câu hỏi khảo sát",
    m.Criterion: "tiêu chí khảo sát",
    m.CriterionOption: "phương án trả lời",
    m.SurveyCampaign: "đợt khảo sát",
    m.RespondentGroup: "nhóm đối tượng khảo sát",
    m.SurveyForm: "phiếu khảo sát",
    m.SurveyAnswer: "câu trả lời",
    m.SurveyOptionCount: "số phiếu theo phương án",
    m.Task: "nhiệm vụ",
    m.DocumentCount: "số liệu văn bản tháng",
    m.ObjectiveYear: "mục tiêu chất lượng năm",
    m.QualityObjective: "mục tiêu chất lượng",
    m.ReportText: "nội dung báo cáo",
    m.IssuedReport: "báo cáo đã ban hành",
    m.WorkdayException: "ngày nghỉ/làm bù",
    m.Signer: "người ký",
    m.QualityDocument: "văn bản hệ thống quản lý chất lượng",
    m.UnitAlias: "tên gọi khác của đơn vị",
}

_COMMON = {
    "id": "ID",
    "created_at": "Ngày tạo",
    "updated_at": "Ngày cập nhật",
    "updated_by": "Người cập nhật",
}

FIELD_LABELS: dict[type[m.Base], dict[str, str]] = {
    m.OrganisationProfile: {
        "parent_agency": "Cơ quan chủ quản",
        "agency": "Cơ quan ban hành",
        "agency_short": "Tên cơ quan trong văn bản",
        "symbol": "Chữ viết tắt tên cơ quan",
        "place": "Địa danh",
        "report_receiver": "Đơn vị nhận báo cáo",
        "signer_authority": "Thẩm quyền ký",
        "signer_title": "Chức vụ người ký",
        "signer_name": "Họ tên người ký",
        "recipients_quality": "Nơi nhận báo cáo mục tiêu chất lượng",
        "recipients_cchc": "Nơi nhận báo cáo CCHC",
        "convention_dossiers": "Kỳ số liệu hồ sơ",
        "convention_tasks": "Kỳ số liệu nhiệm vụ",
        "convention_surveys": "Kỳ số liệu khảo sát",
        "convention_documents": "Kỳ số liệu văn bản",
        "iso_deadline_days": "Thời hạn ban hành quy trình ISO (ngày)",
        "classify_against_extended_due": "Đánh giá theo hạn đã gia hạn",
        "late_receipt_hour": "Giờ tiếp nhận muộn (tính từ ngày làm việc sau)",
        "online_denominator": "Mẫu số tỷ lệ hồ sơ trực tuyến",
        "outcome_rule": "Quy tắc tính hồ sơ kết thúc không có kết quả",
        "report_font_size": "Cỡ chữ báo cáo",
    },
    m.Unit: {
        "name": "Tên đơn vị",
        "short_name": "Tên viết tắt",
        "is_department": "Là cơ quan Sở",
        "code": "Mã đơn vị (một cửa)",
        "needs_review": "Cần bổ sung thông tin",
    },
    m.Field: {"name": "Tên lĩnh vực", "sort_order": "Thứ tự", "needs_review": "Cần bổ sung thông tin"},
    m.UnitAlias: {
        "name": "Tên trong tệp nhập",
        "name_key": "Khóa so khớp",
        "code": "Mã đơn vị (một cửa)",
        "unit_id": "Đơn vị",
        "is_room": "Là phòng thuộc Sở",
    },
    m.AnnouncementDecision: {
        "ubnd_number": "Số quyết định UBND",
        "ubnd_date": "Ngày quyết định UBND",
        "summary": "Trích yếu",
        "iso_number": "Số quyết định ban hành quy trình ISO",
        "iso_date": "Ngày quyết định ISO",
        "letter_number": "Số công văn đề nghị cập nhật CSDL",
        "letter_date": "Ngày công văn",
    },
    m.Procedure: {
        "code": "Mã TTHC",
        "name": "Tên thủ tục",
        "field_id": "Lĩnh vực",
        "unit_id": "Đơn vị giải quyết",
        "online_level": "Mức độ DVC trực tuyến",
        "resolution_days": "Thời hạn giải quyết",
        "resolution_unit": "Đơn vị thời hạn",
        "abolished_on": "Ngày bãi bỏ",
        "iso_process_number": "Số quyết định quy trình ISO",
        "iso_process_date": "Ngày quyết định quy trình ISO",
        "steps_match": "Quy trình ISO khớp phần mềm một cửa",
        "steps_checked_on": "Ngày rà soát quy trình",
        "published_in_qms": "Đã công bố trong HTQLCL",
        "needs_review": "Cần bổ sung thông tin",
    },
    m.AnnouncementItem: {"decision_id": "Quyết định", "procedure_id": "Thủ tục", "action": "Hình thức"},
    m.Dossier: {
        "code": "Mã hồ sơ",
        "procedure_id": "Thủ tục",
        "unit_id": "Đơn vị",
        "field_id": "Lĩnh vực",
        "applicant": "Tổ chức, cá nhân nộp",
        "channel": "Hình thức nộp",
        "received_on": "Ngày tiếp nhận",
        "received_time": "Giờ tiếp nhận",
        "due_on": "Ngày hẹn trả",
        "extended_due_on": "Ngày hẹn trả sau gia hạn",
        "apology_letter": "Phiếu xin lỗi, hẹn lại",
        "resolved_on": "Ngày trả kết quả",
        "outcome": "Kết quả",
        "supplement_requests": "Số lần yêu cầu bổ sung",
        "first_due_on": "Ngày hẹn trả ban đầu",
        "note": "Ghi chú",
    },
    m.DossierEvent: {
        "dossier_id": "Hồ sơ",
        "kind": "Sự kiện",
        "occurred_on": "Ngày",
        "document_number": "Số văn bản",
        "document_date": "Ngày văn bản",
        "new_due_on": "Hạn giải quyết mới",
        "note": "Ghi chú",
    },
    m.Questionnaire: {"name": "Tên bộ câu hỏi"},
    m.Criterion: {
        "questionnaire_id": "Bộ câu hỏi",
        "sort_order": "Thứ tự",
        "name": "Tiêu chí",
        "short_name": "Tên ngắn",
        "is_overall": "Là tiêu chí mức độ hài lòng chung",
    },
    m.CriterionOption: {"criterion_id": "Tiêu chí", "rank": "Thứ hạng", "label": "Phương án"},
    m.SurveyCampaign: {
        "title": "Tên đợt khảo sát",
        "year": "Năm",
        "held_on": "Ngày khảo sát",
        "report_number": "Số báo cáo kết quả",
        "report_date": "Ngày báo cáo",
        "questionnaire_id": "Bộ câu hỏi",
        "mode": "Cách nhập",
        "total_forms": "Tổng số phiếu",
        "unit_id": "Đơn vị gửi",
    },
    m.RespondentGroup: {"campaign_id": "Đợt khảo sát", "name": "Nhóm đối tượng"},
    m.SurveyForm: {
        "campaign_id": "Đợt khảo sát",
        "group_id": "Nhóm đối tượng",
        "number": "Số phiếu",
        "filled_on": "Ngày điền phiếu",
    },
    m.SurveyAnswer: {"form_id": "Phiếu", "criterion_id": "Tiêu chí", "option_id": "Phương án"},
    m.SurveyOptionCount: {"campaign_id": "Đợt khảo sát", "option_id": "Phương án", "count": "Số phiếu"},
    m.Task: {
        "document_number": "Số văn bản giao",
        "document_date": "Ngày văn bản giao",
        "content": "Nội dung nhiệm vụ",
        "assigned_by": "Cấp giao",
        "lead_unit_id": "Đơn vị chủ trì",
        "assigned_on": "Ngày giao",
        "due_on": "Hạn hoàn thành",
        "extended_due_on": "Hạn sau gia hạn",
        "extension_approved": "Được đồng ý gia hạn",
        "completed_on": "Ngày hoàn thành",
        "note": "Ghi chú",
    },
    m.DocumentCount: {
        "year": "Năm",
        "month": "Tháng",
        "outgoing": "Văn bản đi",
        "outgoing_secret": "Trong đó: văn bản mật",
        "outgoing_electronic": "Văn bản đi gửi điện tử",
        "decisions": "Quyết định đi",
        "decisions_electronic": "Quyết định gửi điện tử",
        "incoming": "Văn bản đến",
        "incoming_electronic": "Văn bản đến xử lý điện tử",
        "unit_id": "Đơn vị gửi",
    },
    m.ObjectiveYear: {
        "year": "Năm",
        "decision_number": "Số quyết định ban hành mục tiêu",
        "decision_date": "Ngày quyết định",
        "plan_number": "Số kế hoạch thực hiện",
        "plan_date": "Ngày kế hoạch",
        "publication_url": "Địa chỉ công bố các quy trình ISO",
    },
    m.QualityObjective: {
        "objective_year_id": "Năm",
        "number": "Số thứ tự",
        "title": "Nội dung mục tiêu",
        "indicator": "Chỉ số đo",
        "comparator": "So sánh",
        "target": "Chỉ tiêu (%)",
    },
    m.ReportText: {
        "report_type": "Loại báo cáo",
        "period_key": "Kỳ báo cáo",
        "section_key": "Mục",
        "body": "Nội dung",
        "unit_id": "Đơn vị gửi",
    },
    m.IssuedReport: {
        "report_type": "Loại báo cáo",
        "number": "Số văn bản",
        "issued_on": "Ngày ban hành",
        "period_key": "Kỳ báo cáo",
        "period_start": "Từ ngày",
        "period_end": "Đến ngày",
        "signer_name": "Người ký",
        "file_path": "Tệp",
        "signer_authority": "Thẩm quyền ký",
        "signer_title": "Chức vụ",
        "docx_content": "Tệp Word đã ban hành",
        "pdf_content": "Tệp PDF đã ban hành",
        "sha256": "Mã kiểm tra (SHA-256)",
    },
    m.Signer: {"name": "Họ tên", "authority": "Thẩm quyền ký", "title": "Chức vụ", "is_default": "Mặc định",
               "active": "Đang dùng"},  # fmt: skip
    m.QualityDocument: {"year": "Năm", "number": "Số, ký hiệu", "issued_on": "Ngày ban hành",
                        "description": "Trích yếu", "kind": "Loại văn bản"},  # fmt: skip
    m.WorkdayException: {"day": "Ngày", "kind": "Loại", "note": "Ghi chú"},
}


def field_label(model: type[m.Base], attr: str) -> str:
    return FIELD_LABELS.get(model, {}).get(attr) or _COMMON.get(attr) or attr


def entity_label(model: type[m.Base]) -> str:
    return ENTITY_LABELS.get(model, model.__tablename__)


def _is_acronym(word: str) -> bool:
    """"UBND", "TTHC", "ISO", "CSDL", "DVC", "HTQLCL", "QĐ-UBND", "ID": two or more capitals, no small letter."""
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence ("Vui lòng nhập …"): each word starts in lower case,
    except acronyms, which keep their capitals ("Số quyết định UBND" → "số quyết định UBND",
    "Mã TTHC" → "mã TTHC", never "mã tthc")."""
    return " ".join(word if _is_acronym(word) else word[:1].lower() + word[1:] for word in label.split(" "))
