"""Header detection and column mapping.

The header row is found under any title rows by scoring the first rows against the known column
names of the import kind (accent- and case-insensitive, with the synonyms real exports use); a
two-row header with merged group cells is read as "group + sub-header" per column. The mapping
(column → field) can be corrected by the user and saved as JSON for the next file.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.defaults import DEFAULT_CRITERIA
from ..core.errors import CchcError
from ..core.files import atomic_write_text
from .parsing import fold, is_empty

HEADER_SCAN_ROWS = 40
MAX_CRITERIA = 12  # answer columns of a survey form: criterion 1 … 12 of the campaign's questionnaire


def criterion_key(order: int) -> str:
    """The field key of a survey form's answer to the criterion with this ``sort_order``."""
    return f"criterion_{order}"


def criterion_order(key: str) -> int | None:
    """The criterion ``sort_order`` a field key names (``criterion_3`` → 3), else ``None``."""
    prefix, _, number = key.partition("_")
    return int(number) if prefix == "criterion" and number.isdigit() else None


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str  # Vietnamese name shown to the user (and written in the rejects file)
    synonyms: tuple[str, ...] = ()
    required: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


def _c(key: str, label: str, *synonyms: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(key, label, synonyms, required)


def _criterion_columns() -> tuple[ColumnSpec, ...]:
    """Answer columns: "Tiêu chí 3", "Câu 3", "Câu hỏi 3", or the default questionnaire's wording."""
    out = []
    for n in range(1, MAX_CRITERIA + 1):
        names = [f"Câu {n}", f"Câu hỏi {n}", f"TC{n}", f"TC {n}"]
        if n <= len(DEFAULT_CRITERIA):
            names += [DEFAULT_CRITERIA[n - 1].name, DEFAULT_CRITERIA[n - 1].short_name]
        out.append(ColumnSpec(criterion_key(n), f"Tiêu chí {n}", tuple(names)))
    return tuple(out)


KINDS: dict[str, tuple[ColumnSpec, ...]] = {
    "dossiers": (
        _c("code", "Số hồ sơ", "Mã hồ sơ", "Mã số hồ sơ", "Số biên nhận", "Mã biên nhận", required=True),
        _c("procedure_code", "Mã TTHC", "Mã thủ tục", "Mã thủ tục hành chính", "Mã TTHC quốc gia", required=True),
        _c("procedure_name", "Tên TTHC", "Tên thủ tục", "Tên thủ tục hành chính", "Thủ tục hành chính", "Thủ tục"),
        _c("applicant", "Người nộp", "Chủ hồ sơ", "Tổ chức, cá nhân", "Tên tổ chức, cá nhân", "Người đứng tên",
           "Người nộp hồ sơ", "Tên người nộp"),
        _c("unit", "Đơn vị", "Đơn vị xử lý", "Đơn vị giải quyết", "Cơ quan giải quyết", "Tên đơn vị",
           "Đơn vị thụ lý", "Phòng ban xử lý", "Cơ quan thực hiện"),
        _c("unit_code", "Mã đơn vị", "Mã cơ quan", "Mã đơn vị xử lý", "Mã ĐVXL", "Mã cơ quan giải quyết"),
        _c("field", "Lĩnh vực", "Tên lĩnh vực"),
        _c("channel", "Hình thức nộp", "Kênh nộp", "Hình thức tiếp nhận", "Kênh tiếp nhận", "Nguồn hồ sơ"),
        _c("received", "Ngày tiếp nhận", "Ngày nhận", "Thời gian tiếp nhận", "Ngày nộp", "Ngày nhận hồ sơ",
           required=True),
        _c("due", "Ngày hẹn trả", "Hạn xử lý", "Hạn giải quyết", "Ngày hẹn trả kết quả", "Hẹn trả"),
        _c("extended_due", "Ngày hẹn trả sau gia hạn", "Ngày hẹn lại", "Gia hạn đến", "Hạn sau gia hạn"),
        _c("apology_letter", "Phiếu xin lỗi", "Số phiếu xin lỗi", "Văn bản xin lỗi", "Số thư xin lỗi",
           "Thư xin lỗi", "Phiếu xin lỗi, hẹn lại"),
        # dated events of the 2025 regime (io.event_columns)
        _c("extended_on", "Ngày gia hạn", "Ngày xin gia hạn"),
        _c("apology_date", "Ngày thư xin lỗi", "Ngày phiếu xin lỗi"),
        _c("supplement_requested_on", "Ngày yêu cầu bổ sung", "Ngày yêu cầu bổ sung hồ sơ", "Ngày YCBS"),
        _c("supplement_received_on", "Ngày nhận bổ sung", "Ngày nhận hồ sơ bổ sung", "Ngày bổ sung"),
        _c("stopped_on", "Ngày dừng", "Ngày dừng giải quyết", "Ngày dừng xử lý"),
        _c("stop_notice", "Số thông báo dừng", "Thông báo dừng giải quyết"),
        _c("resolved", "Ngày trả kết quả", "Ngày có kết quả", "Ngày hoàn thành", "Ngày trả", "Ngày giải quyết",
           "Ngày kết thúc"),
        _c("outcome", "Kết quả", "Trạng thái", "Tình trạng", "Kết quả giải quyết"),
        _c("supplement_requests", "Số lần bổ sung", "Yêu cầu bổ sung", "Số lần yêu cầu bổ sung"),
        _c("note", "Ghi chú"),
    ),
    "procedures": (
        _c("code", "Mã TTHC", "Mã thủ tục", "Mã thủ tục hành chính", "Mã số", "Mã TTHC quốc gia", required=True),
        _c("name", "Tên TTHC", "Tên thủ tục", "Tên thủ tục hành chính", "Thủ tục hành chính", required=True),
        _c("field", "Lĩnh vực", "Tên lĩnh vực"),
        _c("unit", "Đơn vị", "Đơn vị thực hiện", "Cơ quan thực hiện", "Đơn vị giải quyết"),
        _c("online_level", "Mức độ", "Mức độ DVC", "Mức độ dịch vụ công", "DVC trực tuyến", "Mức độ DVCTT"),
        _c("duration", "Thời hạn giải quyết", "Thời hạn", "Thời gian giải quyết"),
        _c("abolished_on", "Ngày bãi bỏ", "Bãi bỏ ngày"),
        _c("iso_process_number", "Số quyết định ISO", "Quy trình ISO", "Số QĐ ISO"),
        _c("iso_process_date", "Ngày quyết định ISO", "Ngày QĐ ISO"),
        _c("steps_match", "Quy trình khớp phần mềm", "Khớp phần mềm một cửa", "Khớp quy trình"),
        _c("steps_checked_on", "Ngày kiểm tra", "Ngày rà soát"),
        _c("published_in_qms", "Công bố trong HTQLCL", "Đã công bố ISO", "Công bố HTQLCL"),
    ),
    "decisions": (
        _c("ubnd_number", "Số quyết định", "Số QĐ", "Quyết định công bố", "Số quyết định UBND", "Số QĐ UBND",
           required=True),
        _c("ubnd_date", "Ngày quyết định", "Ngày ban hành", "Ngày QĐ", "Ngày quyết định UBND", required=True),
        _c("summary", "Trích yếu", "Nội dung"),
        _c("procedure_codes", "Mã TTHC", "Mã thủ tục", "Các TTHC", "Danh sách mã TTHC"),
        _c("iso_number", "Số quyết định ISO", "Số QĐ ISO", "Quyết định ISO"),
        _c("iso_date", "Ngày quyết định ISO", "Ngày QĐ ISO"),
        _c("letter_number", "Số công văn", "Công văn đề nghị cập nhật"),
        _c("letter_date", "Ngày công văn"),
    ),
    "tasks": (
        _c("document_number", "Số văn bản", "Văn bản giao", "Số hiệu văn bản", "Số ký hiệu"),
        _c("document_date", "Ngày văn bản", "Ngày ban hành"),
        _c("content", "Nội dung", "Nội dung nhiệm vụ", "Nhiệm vụ", "Trích yếu", required=True),
        _c("assigned_by", "Cơ quan giao", "Người giao", "Giao bởi"),
        _c("lead_unit", "Đơn vị chủ trì", "Đơn vị thực hiện", "Đơn vị"),
        _c("assigned_on", "Ngày giao", "Ngày nhận"),
        _c("due_on", "Hạn hoàn thành", "Thời hạn", "Hạn xử lý", "Hạn", required=True),
        _c("extended_due_on", "Hạn sau gia hạn", "Gia hạn đến"),
        _c("extension_approved", "Được gia hạn", "Gia hạn được chấp thuận"),
        _c("completed_on", "Ngày hoàn thành", "Ngày báo cáo kết quả"),
        _c("note", "Ghi chú"),
    ),
    "documents": (
        _c("year", "Năm", required=True),
        _c("month", "Tháng", required=True),
        _c("outgoing", "Văn bản đi", "Tổng văn bản đi", "Số văn bản đi"),
        _c("outgoing_secret", "Văn bản mật", "Văn bản đi mật", "Mật"),
        _c("outgoing_electronic", "Văn bản đi điện tử", "Gửi điện tử", "Văn bản đi gửi điện tử"),
        _c("decisions", "Quyết định", "Quyết định ban hành", "Số quyết định"),
        _c("decisions_electronic", "Quyết định điện tử", "Quyết định gửi điện tử"),
        _c("incoming", "Văn bản đến", "Tổng văn bản đến"),
        _c("incoming_electronic", "Văn bản đến xử lý điện tử", "Văn bản đến điện tử", "Xử lý điện tử"),
    ),
    "survey_forms": (
        _c("campaign", "Đợt khảo sát", "Tên đợt khảo sát", "Cuộc khảo sát", "Năm khảo sát", required=True),
        _c("number", "Số phiếu", "Phiếu số", "Số thứ tự phiếu", "STT phiếu", "Mã phiếu", required=True),
        _c("group", "Nhóm đối tượng", "Đối tượng", "Nhóm", "Đối tượng khảo sát", "Nhóm khảo sát"),
        _c("filled_on", "Ngày khảo sát", "Ngày điền phiếu", "Ngày trả lời", "Ngày lấy phiếu"),
        *_criterion_columns(),
    ),
    "survey_totals": (
        _c("campaign", "Đợt khảo sát", "Tên đợt khảo sát", "Cuộc khảo sát", "Năm khảo sát", required=True),
        _c("criterion", "Tiêu chí", "Câu hỏi", "Nội dung khảo sát", required=True),
        _c("option", "Phương án", "Phương án trả lời", "Mức độ hài lòng", "Câu trả lời", required=True),
        _c("count", "Số phiếu", "Số lượng", "Số người chọn", required=True),
    ),
}
KIND_LABELS = {
    "dossiers": "hồ sơ",
    "procedures": "thủ tục hành chính",
    "decisions": "quyết định công bố",
    "tasks": "nhiệm vụ",
    "documents": "số liệu văn bản",
    "survey_forms": "phiếu khảo sát",
    "survey_totals": "tổng hợp khảo sát theo phương án",
}

_PAREN = re.compile(r"\([^)]*\)|\[[^]]*\]")


@functools.lru_cache(maxsize=8_192)
def _header_key_text(text: str) -> str:
    key = fold(_PAREN.sub(" ", text))
    key = re.sub(r"[*:;.\-_/\\]+", " ", key)
    return " ".join(key.split())


def header_key(text: Any) -> str:
    """A header cell as a matching key: folded, without "(dd/mm/yyyy)" notes, stars and punctuation."""
    if is_empty(text):
        return ""
    return _header_key_text(str(text))


@functools.cache
def _index(kind: str) -> list[tuple[str, str]]:
    """(folded name, field key), longest names first."""
    pairs = [(header_key(name), spec.key) for spec in KINDS[kind] for name in spec.names]
    return sorted(pairs, key=lambda p: -len(p[0]))


def match_header(kind: str, text: Any) -> str | None:
    """The field a header names: an exact match, else the longest known name it contains as words."""
    key = header_key(text)
    if not key:
        return None
    index = _index(kind)
    for name, field_key in index:
        if key == name:
            return field_key
    padded = f" {key} "
    for name, field_key in index:
        if len(name) >= 4 and f" {name} " in padded:
            return field_key
    return None


@dataclass
class Header:
    """Where the header is and how its columns map: ``mapping`` is column index → field key."""

    first_row: int  # index in the scanned rows of the header's first row
    height: int  # 1 or 2
    names: list[str]
    mapping: dict[int, str] = field(default_factory=dict)
    plan: Any = field(default=None, repr=False, compare=False)  # the importer's parsers for ``mapping``

    @property
    def data_start(self) -> int:
        return self.first_row + self.height

    def missing(self, kind: str) -> list[ColumnSpec]:
        mapped = set(self.mapping.values())
        return [s for s in KINDS[kind] if s.required and s.key not in mapped]


def _fill_groups(row: Sequence[Any], merged: Sequence[tuple[tuple[int, int], tuple[int, int]]], row_index: int) -> list[str]:
    """A group-header row with each merged (or blank-continued) cell's text repeated over its span."""
    out = ["" if is_empty(v) else str(v) for v in row]
    for (r0, c0), (r1, c1) in merged:
        if r0 <= row_index <= r1 and c0 < len(out) and out[c0]:
            for c in range(c0 + 1, min(c1 + 1, len(out))):
                out[c] = out[c] or out[c0]
    return out


def _map_row(kind: str, names: Sequence[str]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for col, name in enumerate(names):
        key = match_header(kind, name)
        if key is not None and key not in used:
            mapping[col] = key
            used.add(key)
    return mapping


def detect_header(
    kind: str,
    rows: Sequence[Sequence[Any]],
    merged: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
    first_row_number: int = 1,
) -> Header:
    """Find the header among the first rows (``rows`` as read, ``first_row_number`` the sheet row of
    ``rows[0]``); raises ``CchcError`` when no row names at least two known columns."""
    best: Header | None = None
    best_score = 1
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        names = ["" if is_empty(v) else str(v) for v in row]
        single = _map_row(kind, names)
        candidates = [Header(i, 1, names, single)]
        if i + 1 < len(rows):
            sheet_row = first_row_number + i - 1  # zero-based sheet row of this line
            top = _fill_groups(row, merged, sheet_row)
            below = ["" if is_empty(v) else str(v) for v in rows[i + 1]]
            width = max(len(top), len(below))
            top += [""] * (width - len(top))
            below += [""] * (width - len(below))
            combined: list[str] = []
            for t, b in zip(top, below, strict=True):
                combined.append(b if b and match_header(kind, b) else (f"{t} {b}".strip() if b else t))
            two = _map_row(kind, combined)
            if len(two) > len(single) and len(_map_row(kind, below)) >= 1:
                candidates.append(Header(i, 2, combined, two))
        for cand in candidates:
            if len(cand.mapping) > best_score:
                best, best_score = cand, len(cand.mapping)
    if best is None:
        raise CchcError(
            f"Không tìm thấy dòng tiêu đề cột của bảng {KIND_LABELS.get(kind, kind)} "
            "(ví dụ “Số hồ sơ”, “Ngày tiếp nhận”); hãy kiểm tra tệp hoặc chọn cột thủ công."
        )
    return best


# --------------------------------------------------------------------------- saved mappings


def mapping_to_json(kind: str, header: Header) -> dict[str, Any]:
    """The mapping as header text → field key, to reuse on a file with the same headers."""
    columns = {header.names[c]: key for c, key in sorted(header.mapping.items()) if c < len(header.names)}
    return {"kind": kind, "columns": columns}


def save_mapping(path: Path | str, kind: str, header: Header) -> None:
    atomic_write_text(path, json.dumps(mapping_to_json(kind, header), ensure_ascii=False, indent=2))


def load_mapping(path: Path | str, kind: str) -> dict[str, str]:
    """A saved mapping: header key → field key (an unknown field or another kind is refused)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise CchcError(f"Không đọc được tệp ánh xạ cột {path}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise CchcError(f"Tệp ánh xạ cột {path} không đúng định dạng.")
    if data.get("kind") not in (None, kind):
        raise CchcError(f"Tệp ánh xạ cột {path} dành cho loại dữ liệu khác ({data.get('kind')}).")
    known = {s.key for s in KINDS[kind]}
    out: dict[str, str] = {}
    for name, key in data["columns"].items():
        if key is not None and key not in known:
            raise CchcError(f"Tệp ánh xạ cột {path}: trường “{key}” không có trong bảng {KIND_LABELS[kind]}.")
        out[header_key(name)] = key
    return out


def apply_mapping(header: Header, saved: dict[str, str]) -> Header:
    """Override the detected mapping with a saved one (a ``None`` value drops the column)."""
    mapping = dict(header.mapping)
    for col, name in enumerate(header.names):
        key = header_key(name)
        if key in saved:
            target = saved[key]
            mapping = {c: k for c, k in mapping.items() if k != target and c != col}
            if target is not None:
                mapping[col] = target
    header.mapping = mapping
    return header
