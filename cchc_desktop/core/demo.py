"""The deterministic demo database (SPEC §10): Sở Y tế Khánh Hòa, with records whose indicators
reproduce the reference report of 2024 exactly, plus ordinary variety in 2023 and early 2025.

Figures for the report year 2024 (statistical cut-off 15/12/2023 – 14/12/2024):
- dossiers: 187 carried over + 3.620 received = 3.587 resolved (3.585 early, 2 on time) + 220 in
  progress at the end, all within their deadline (12 of them waiting for supplements, within by the
  default outcome rule);
- online: 2.644 of the 3.390 dossiers of online-level TTHC (2.031 / 2.131 full, 613 / 1.259 partial),
  on 99 procedures; 230 more dossiers belong to TTHC with no online level;
- survey: 65 forms in 4 groups (the reference distributions); 2023 campaign of 60 forms (55 early);
- eleven announcement decisions of 2024 with 92 TTHC, all ISO processes within 30 days;
- 117 TTHC in force, all with matching steps; 186 tasks (121 early, 65 on time);
- documents 2024: 6.103 outgoing, 1.066 decisions, 33.732 incoming, all electronic.

Everything is derived from a seeded ``random.Random``, so two builds are identical.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from . import models as m
from .db import Database
from .defaults import seed_fields, seed_objectives, seed_questionnaire
from .demo_texts import add_report_texts
from .enums import (
    AnnouncementAction,
    AssignedBy,
    Channel,
    DossierEventKind,
    DossierOutcome,
    DurationUnit,
    OnlineLevel,
    PeriodConvention,
    SurveyMode,
)
from .workdays import WorkCalendar

D = dt.date
PERIOD_START = D(2023, 12, 15)
PERIOD_END = D(2024, 12, 14)
RETURNED_AFTER_CUT_OFF = D(2024, 12, 20)  # the 12 dossiers waiting for supplements at the cut-off
AGENCY_CODE = "000.00.31.H34"
DEMO_USER = "demo"

UNITS = (
    ("Sở Y tế", "SYT", True),
    ("Chi cục An toàn vệ sinh thực phẩm", "Chi cục ATVSTP", False),
    ("Trung tâm Giám định y khoa", "TT GĐYK", False),
)

# field name → (number of TTHC in force, unit index, typical resolution days, base procedure names)
PROCEDURE_PLAN: tuple[tuple[str, int, int, tuple[int, ...], tuple[str, ...]], ...] = (
    (
        "Khám bệnh, chữa bệnh",
        30,
        0,
        (10, 15, 20, 30),
        (
            "Cấp mới giấy phép hành nghề khám bệnh, chữa bệnh",
            "Cấp lại giấy phép hành nghề khám bệnh, chữa bệnh",
            "Điều chỉnh giấy phép hành nghề khám bệnh, chữa bệnh",
            "Cấp giấy phép hoạt động đối với phòng khám đa khoa",
            "Cấp giấy phép hoạt động đối với phòng khám chuyên khoa",
            "Cấp giấy phép hoạt động đối với phòng chẩn trị y học cổ truyền",
            "Điều chỉnh giấy phép hoạt động khi thay đổi quy mô, phạm vi hoạt động chuyên môn",
            "Cho phép áp dụng kỹ thuật mới, phương pháp mới trong khám bệnh, chữa bệnh",
            "Công bố cơ sở đủ điều kiện thực hiện khám sức khỏe",
            "Khám bệnh, chữa bệnh bảo hiểm y tế tại cơ sở y tế điều trị",
        ),
    ),
    (
        "Dược phẩm",
        30,
        0,
        (10, 15, 20, 30),
        (
            "Cấp chứng chỉ hành nghề dược",
            "Cấp lại chứng chỉ hành nghề dược",
            "Điều chỉnh nội dung chứng chỉ hành nghề dược",
            "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược cho nhà thuốc",
            "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược cho quầy thuốc",
            "Đánh giá đáp ứng thực hành tốt cơ sở bán lẻ thuốc",
            "Cho phép hủy thuốc gây nghiện, thuốc hướng tâm thần",
            "Duyệt dự trù thuốc gây nghiện, thuốc hướng tâm thần",
            "Xác nhận nội dung thông tin, quảng cáo thuốc",
            "Đăng ký hội thảo giới thiệu thuốc",
        ),
    ),
    (
        "Mỹ phẩm",
        8,
        0,
        (10, 15),
        (
            "Cấp số tiếp nhận phiếu công bố sản phẩm mỹ phẩm sản xuất trong nước",
            "Cấp giấy chứng nhận đủ điều kiện sản xuất mỹ phẩm",
            "Cấp lại giấy chứng nhận đủ điều kiện sản xuất mỹ phẩm",
            "Điều chỉnh giấy chứng nhận đủ điều kiện sản xuất mỹ phẩm",
        ),
    ),
    (
        "An toàn thực phẩm và dinh dưỡng",
        15,
        1,
        (10, 15, 20),
        (
            "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            "Cấp lại giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            "Đăng ký bản công bố sản phẩm dinh dưỡng y học",
            "Cấp giấy xác nhận nội dung quảng cáo thực phẩm",
            "Cấp giấy chứng nhận lưu hành tự do đối với thực phẩm xuất khẩu",
        ),
    ),
    (
        "Y tế dự phòng",
        10,
        0,
        (10, 15, 20),
        (
            "Công bố cơ sở đủ điều kiện tiêm chủng",
            "Cấp giấy chứng nhận phòng xét nghiệm đạt tiêu chuẩn an toàn sinh học cấp I, cấp II",
            "Công bố cơ sở đủ điều kiện quan trắc môi trường lao động",
            "Cấp giấy chứng nhận cơ sở đủ điều kiện cung cấp dịch vụ diệt côn trùng",
            "Công bố cơ sở đủ điều kiện khám bệnh nghề nghiệp",
        ),
    ),
    (
        "Trang thiết bị y tế",
        12,
        0,
        (10, 15, 20),
        (
            "Công bố tiêu chuẩn áp dụng đối với trang thiết bị y tế loại A",
            "Công bố đủ điều kiện mua bán trang thiết bị y tế loại B, C, D",
            "Công bố đủ điều kiện sản xuất trang thiết bị y tế",
            "Cấp giấy chứng nhận lưu hành tự do trang thiết bị y tế",
        ),
    ),
    (
        "Giám định y khoa",
        6,
        2,
        (30,),
        (
            "Khám giám định lần đầu do tai nạn lao động",
            "Khám giám định lần đầu do bệnh nghề nghiệp",
            "Khám giám định tái phát tai nạn lao động",
            "Khám giám định để xác định lao động nữ không đủ sức khỏe để chăm sóc con",
            "Khám giám định mức độ khuyết tật",
            "Khám giám định để thực hiện chế độ hưu trí",
        ),
    ),
    (
        "Dân số - Sức khỏe sinh sản",
        3,
        0,
        (15, 20),
        (
            "Cho phép thực hiện kỹ thuật hỗ trợ sinh sản",
            "Công nhận cơ sở đủ điều kiện thực hiện kỹ thuật xác định lại giới tính",
            "Cấp giấy chứng nhận cơ sở đủ điều kiện lưu giữ tinh trùng, noãn, phôi",
        ),
    ),
    (
        "Tổ chức cán bộ",
        3,
        0,
        (15, 20),
        (
            "Xét tặng danh hiệu Thầy thuốc nhân dân, Thầy thuốc ưu tú",
            "Thi tuyển, xét tuyển viên chức ngành y tế",
            "Xét thăng hạng chức danh nghề nghiệp viên chức y tế",
        ),
    ),
)
VARIANTS = ("", " (trường hợp cấp lần đầu)", " (trường hợp bị mất, hư hỏng)", " (trường hợp thay đổi thông tin)")

# The eleven 2024 decisions of the reference: UBND number, date, ISO decision, date, letter, date, TTHC.
DECISIONS_2024: tuple[tuple[str, D, str, D, str | None, D | None, int, str], ...] = (
    ("108/QĐ-UBND", D(2024, 1, 12), "44/QĐ-SYT", D(2024, 1, 13), None, None, 1,
     "Thủ tục khám chữa bệnh bảo hiểm y tế được triển khai tại cơ sở y tế điều trị"),
    ("165/QĐ-UBND", D(2024, 1, 19), "63/QĐ-SYT", D(2024, 2, 1), "504/SYT-TCHC", D(2024, 2, 5), 12,
     "Công bố danh mục TTHC lĩnh vực dược phẩm"),
    ("390/QĐ-UBND", D(2024, 2, 5), "85/QĐ-SYT", D(2024, 2, 19), "592/SYT-TCHC", D(2024, 2, 20), 8,
     "Công bố danh mục TTHC lĩnh vực khám bệnh, chữa bệnh"),
    ("880/QĐ-UBND", D(2024, 4, 2), "223/QĐ-SYT", D(2024, 4, 16), "1473/SYT-TCHC", D(2024, 4, 16), 10,
     "Công bố danh mục TTHC lĩnh vực khám bệnh, chữa bệnh sửa đổi, bổ sung"),
    ("970/QĐ-UBND", D(2024, 4, 10), "257/QĐ-SYT", D(2024, 4, 23), "1607/SYT-TCHC", D(2024, 4, 24), 6,
     "Công bố danh mục TTHC lĩnh vực trang thiết bị y tế"),
    ("1541/QĐ-UBND", D(2024, 6, 12), "389/QĐ-SYT", D(2024, 6, 24), "2636/SYT-TCHC", D(2024, 6, 27), 9,
     "Công bố danh mục TTHC lĩnh vực an toàn thực phẩm và dinh dưỡng"),
    ("1601/QĐ-UBND", D(2024, 6, 19), "422/QĐ-SYT", D(2024, 7, 4), "2770/SYT-TCHC", D(2024, 7, 4), 7,
     "Công bố danh mục TTHC lĩnh vực y tế dự phòng"),
    ("2303/QĐ-UBND", D(2024, 9, 4), "635/QĐ-SYT", D(2024, 9, 10), "3948/SYT-TCHC", D(2024, 9, 12), 11,
     "Công bố danh mục TTHC lĩnh vực dược phẩm sửa đổi, bổ sung"),
    ("2356/QĐ-UBND", D(2024, 9, 10), "685/QĐ-SYT", D(2024, 9, 24), "4217/SYT-TCHC", D(2024, 9, 25), 8,
     "Công bố danh mục TTHC lĩnh vực mỹ phẩm và giám định y khoa"),
    ("2696/QĐ-UBND", D(2024, 10, 16), "806/QĐ-SYT", D(2024, 10, 25), "4772/SYT-TCHC", D(2024, 10, 25), 12,
     "Công bố danh mục TTHC lĩnh vực khám bệnh, chữa bệnh"),
    ("3159/QĐ-UBND", D(2024, 12, 6), "993/QĐ-SYT", D(2024, 12, 12), "5740/SYT-TCHC", D(2024, 12, 13), 8,
     "Công bố danh mục TTHC lĩnh vực dân số và tổ chức cán bộ"),
)
DECISIONS_2023: tuple[tuple[str, D, str, D, str | None, D | None, int, str], ...] = (
    ("1210/QĐ-UBND", D(2023, 5, 18), "301/QĐ-SYT", D(2023, 6, 5), "2105/SYT-TCHC", D(2023, 6, 6), 6,
     "Công bố danh mục TTHC lĩnh vực dược phẩm"),
    ("2745/QĐ-UBND", D(2023, 9, 15), "712/QĐ-SYT", D(2023, 10, 20), "4390/SYT-TCHC", D(2023, 10, 23), 5,
     "Công bố danh mục TTHC lĩnh vực khám bệnh, chữa bệnh"),
)

SURVEY_GROUPS_2024 = (
    ("Doanh nghiệp kinh doanh dược, mỹ phẩm", 20),
    ("Cơ sở khám bệnh, chữa bệnh", 18),
    ("Cơ sở sản xuất, kinh doanh thực phẩm", 15),
    ("Cá nhân đề nghị cấp chứng chỉ hành nghề", 12),
)
# Answers per criterion of the default questionnaire, counts per option best → worst.
SURVEY_2024 = ((57, 8, 0), (61, 4, 0), (61, 4, 0), (62, 3, 0, 0), (61, 4, 0), (61, 4, 0, 0))
SURVEY_2023 = ((55, 5, 0), (54, 6, 0), (56, 4, 0), (55, 5, 0, 0), (57, 3, 0), (53, 6, 1, 0))

DOCUMENTS_2024 = (6103, 1066, 33732)  # outgoing, decisions, incoming — all electronic, none secret

TASK_TOPICS = (
    "Báo cáo tình hình triển khai công tác phòng, chống dịch bệnh trên địa bàn tỉnh",
    "Tham mưu kế hoạch kiểm tra an toàn thực phẩm dịp Tết Nguyên đán",
    "Rà soát, đề xuất phương án sắp xếp các đơn vị sự nghiệp y tế công lập",
    "Góp ý dự thảo Nghị quyết của HĐND tỉnh về chính sách thu hút nhân lực y tế",
    "Báo cáo kết quả thực hiện chương trình mục tiêu y tế - dân số",
    "Tham mưu trả lời kiến nghị của cử tri về khám chữa bệnh bảo hiểm y tế",
    "Xây dựng kế hoạch tiêm chủng mở rộng năm",
    "Báo cáo tình hình cung ứng thuốc, vật tư y tế tại các cơ sở khám chữa bệnh",
    "Kiểm tra, xử lý phản ánh của người dân qua Cổng dịch vụ công",
    "Đề xuất danh mục dự án đầu tư công lĩnh vực y tế giai đoạn tiếp theo",
    "Báo cáo công tác cải cách hành chính định kỳ",
    "Tham mưu văn bản chỉ đạo công tác y tế trường học",
)
APPLICANT_KINDS = ("Nhà thuốc", "Quầy thuốc", "Phòng khám đa khoa", "Công ty TNHH", "Công ty Cổ phần", "Hộ kinh doanh")
APPLICANT_NAMES = ("An Khang", "Bình An", "Hưng Thịnh", "Minh Châu", "Nha Trang", "Cam Ranh", "Ninh Hòa",
                   "Vạn Ninh", "Diên Khánh", "Phúc Lộc", "Thiên Ân", "Đức Tâm", "Hòa Bình", "Trường Sơn")


@dataclass
class _Proc:
    id: int
    field_id: int
    unit_id: int
    level: OnlineLevel
    days: int
    unit: DurationUnit


# --------------------------------------------------------------------------- helpers


def database_is_empty(session: Session) -> bool:
    """True when no organisation, procedure or dossier has been entered."""
    for model in (m.OrganisationProfile, m.Procedure, m.Dossier):
        if session.scalar(select(func.count()).select_from(model)):
            return False
    return True


DEMO_RECORD_MODELS = (m.OrganisationProfile, m.Unit, m.Procedure, m.AnnouncementDecision, m.Dossier, m.Task,
                      m.DocumentCount, m.SurveyCampaign)


def holds_only_demo_data(session: Session) -> bool:
    """True when every record of the main tables was written by the demo builder (``updated_by`` demo)."""
    for model in DEMO_RECORD_MODELS:
        other = select(func.count()).select_from(model).where(
            or_(model.updated_by.is_(None), model.updated_by != DEMO_USER)
        )
        if session.scalar(other):
            return False
    return True


def wipe_all(session: Session) -> None:
    """Delete every row (children first) — used by ``demo --force`` on a server database."""
    for table in reversed(m.Base.metadata.sorted_tables):
        session.execute(delete(table))


def _working_days(cal: WorkCalendar, start: D, end: D) -> list[D]:
    days, day = [], start
    while day <= end:
        if cal.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _split(total: int, parts: int, rng: random.Random, skew: float = 1.6) -> list[int]:
    """Split ``total`` into ``parts`` positive, skewed integers (deterministic for the rng)."""
    weights = [rng.random() ** skew + 0.05 for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % parts] += 1
    return counts


# --------------------------------------------------------------------------- builder


class _DemoBuilder:
    def __init__(self, session: Session) -> None:
        self.s = session
        self.rng = random.Random(20241214)
        self.cal = WorkCalendar()
        self.seq: dict[D, int] = {}
        self.rows: list[dict[str, object]] = []
        self.waiting: list[tuple[str, D]] = []  # (code, supplement requested on)

    # -- reference data --------------------------------------------------------------
    def organisation(self) -> None:
        self.s.add(
            m.OrganisationProfile(
                parent_agency="UBND TỈNH KHÁNH HÒA",
                agency="SỞ Y TẾ",
                agency_short="Sở Y tế",
                symbol="SYT",
                place="Khánh Hòa",
                report_receiver="Văn phòng UBND tỉnh Khánh Hòa",
                signer_authority="GIÁM ĐỐC",
                signer_title=None,
                signer_name="Lê Văn Khoa",
                recipients_quality="Lãnh đạo Sở (VBĐT);\nBan chỉ đạo ISO (VBĐT);\nCác phòng thuộc Sở (VBĐT);\nLưu: VT, TCHC.",
                recipients_cchc="UBND tỉnh (b/c);\nSở Nội vụ;\nLãnh đạo Sở (VBĐT);\nCác phòng, đơn vị thuộc Sở (VBĐT);\nLưu: VT, TCHC.",
                convention_dossiers=PeriodConvention.CUT_OFF,
                convention_tasks=PeriodConvention.CUT_OFF,
                convention_surveys=PeriodConvention.CUT_OFF,
                convention_documents=PeriodConvention.CALENDAR,
                updated_by=DEMO_USER,
            )
        )
        self.units = [m.Unit(name=n, short_name=s, is_department=d, updated_by=DEMO_USER) for n, s, d in UNITS]
        self.s.add_all(self.units)
        seed_fields(self.s)
        self.fields = {f.name: f for f in self.s.scalars(select(m.Field))}
        self.s.flush()

    def procedures(self) -> None:
        """117 TTHC in force (45 full, 62 partial, 10 without online level) + 8 abolished in 2023."""
        levels = [OnlineLevel.FULL] * 45 + [OnlineLevel.PARTIAL] * 62 + [OnlineLevel.NONE] * 10
        self.rng.shuffle(levels)
        procs: list[m.Procedure] = []
        number = 0
        for field_name, count, unit_idx, day_choices, names in PROCEDURE_PLAN:
            for i in range(count + (1 if field_name in ("Khám bệnh, chữa bệnh", "Dược phẩm") else 0) * 4):
                number += 1
                abolished = i >= count
                name = names[i % len(names)] + VARIANTS[(i // len(names)) % len(VARIANTS)]
                days = self.rng.choice(day_choices)
                procs.append(
                    m.Procedure(
                        code=f"{1 + number % 2}.{4600 + number * 13:06d}",
                        name=name,
                        field_id=self.fields[field_name].id,
                        unit_id=self.units[unit_idx].id,
                        online_level=OnlineLevel.PARTIAL if abolished else levels.pop(),
                        resolution_days=days,
                        resolution_unit=DurationUnit.CALENDAR_DAYS if field_name == "Giám định y khoa"
                        else DurationUnit.WORKING_DAYS,
                        abolished_on=D(2023, 6, 30) if abolished else None,
                        iso_process_number=f"{100 + number}/QĐ-SYT",
                        iso_process_date=D(2023, 3, 1) + dt.timedelta(days=number),
                        steps_match=not abolished,
                        steps_checked_on=D(2024, 11, 20) if not abolished else D(2023, 5, 10),
                        published_in_qms=not abolished,
                        updated_by=DEMO_USER,
                    )
                )
        self.s.add_all(procs)
        self.s.flush()
        self.procs = [
            _Proc(p.id, p.field_id or 0, p.unit_id or 0, p.online_level, p.resolution_days or 15, p.resolution_unit)
            for p in procs
        ]
        self.in_force = [p for p, orm in zip(self.procs, procs, strict=True) if orm.abolished_on is None]
        self.abolished = [p for p, orm in zip(self.procs, procs, strict=True) if orm.abolished_on is not None]

    def decisions(self) -> None:
        pool = list(self.in_force)
        self.rng.shuffle(pool)
        cursor = 0
        for ubnd, ubnd_d, iso, iso_d, letter, letter_d, count, summary in DECISIONS_2024:
            chosen = pool[cursor : cursor + count]
            cursor += count
            self._decision(ubnd, ubnd_d, iso, iso_d, letter, letter_d, summary, chosen)
        for ubnd, ubnd_d, iso, iso_d, letter, letter_d, count, summary in DECISIONS_2023:
            self._decision(ubnd, ubnd_d, iso, iso_d, letter, letter_d, summary, self.rng.sample(self.in_force, count))

    def _decision(self, ubnd, ubnd_d, iso, iso_d, letter, letter_d, summary, procs: list[_Proc]) -> None:  # type: ignore[no-untyped-def]
        dec = m.AnnouncementDecision(
            ubnd_number=ubnd, ubnd_date=ubnd_d, iso_number=iso, iso_date=iso_d,
            letter_number=letter, letter_date=letter_d, summary=summary, updated_by=DEMO_USER,
        )
        dec.items = [m.AnnouncementItem(procedure_id=p.id, action=AnnouncementAction.AMENDED if i % 3 else AnnouncementAction.NEW)
                     for i, p in enumerate(procs)]
        self.s.add(dec)

    # -- dossiers ----------------------------------------------------------------------
    def _code(self, received: D) -> str:
        n = self.seq.get(received, 0) + 1
        self.seq[received] = n
        return f"{AGENCY_CODE}-{received:%y%m%d}-{n:04d}"

    def _due(self, proc: _Proc, received: D) -> D:
        return self.cal.due_date(received, proc.days, proc.unit)

    def _applicant(self) -> str:
        return f"{self.rng.choice(APPLICANT_KINDS)} {self.rng.choice(APPLICANT_NAMES)}"

    def _channel_offline(self) -> Channel:
        return Channel.POSTAL if self.rng.random() < 0.12 else Channel.DIRECT

    def _add(self, proc: _Proc, channel: Channel, received: D, due: D, resolved: D | None,
             outcome: DossierOutcome | None, **extra: object) -> None:
        assert due >= received and (resolved is None or resolved >= received)
        hour = 7 + self.rng.randint(0, 9) if channel != Channel.ONLINE else self.rng.randint(0, 23)
        self.rows.append(
            {
                "code": self._code(received),
                "procedure_id": proc.id,
                "unit_id": proc.unit_id,
                "field_id": proc.field_id,
                "applicant": self._applicant(),
                "channel": channel,
                "received_on": received,
                "received_time": dt.time(hour, self.rng.choice((0, 15, 30, 45))),
                "due_on": due,
                "extended_due_on": extra.get("extended_due_on"),
                "apology_letter": extra.get("apology_letter"),
                "resolved_on": resolved,
                "outcome": outcome,
                "supplement_requests": 1 if self.rng.random() < 0.04 else 0,
                "note": None,
                "updated_by": DEMO_USER,
            }
        )

    def _early(self, received: D, due: D, latest: D) -> D:
        """A resolution day strictly before ``due``, not after ``latest``, not before ``received``."""
        span = self.cal.working_days_between(received, due)
        k = self.rng.randint(1, max(1, span - 1)) if span > 1 else 0
        day = self.cal.add_working_days(received, k) if k else received
        if day >= due:
            day = received
        return min(day, latest)

    def dossiers_2024(self) -> None:
        full = [p for p in self.in_force if p.level == OnlineLevel.FULL]
        partial = [p for p in self.in_force if p.level == OnlineLevel.PARTIAL]
        none = [p for p in self.in_force if p.level == OnlineLevel.NONE]
        # (procedures with dossiers, dossiers, of which online)
        plan = ((full[:42], 2131, 2031), (partial[:57], 1259, 613), (none, 230, 0))
        received: list[tuple[_Proc, Channel]] = []
        for procs, total, online in plan:
            per_proc = _split(total, len(procs), self.rng)
            batch = [p for p, n in zip(procs, per_proc, strict=True) for _ in range(n)]
            self.rng.shuffle(batch)
            received += [(p, Channel.ONLINE if i < online else self._channel_offline()) for i, p in enumerate(batch)]
        self.rng.shuffle(received)
        assert len(received) == 3620

        # Fates: 208 still in progress at the end (need a long deadline), 12 waiting for supplements at
        # the end (in progress within deadline by the default rule; returned after it), 2 on time, rest early.
        long_idx = [i for i, (p, _) in enumerate(received) if p.days >= 15]
        in_progress = set(self.rng.sample(long_idx, 208))
        rest = [i for i in range(len(received)) if i not in in_progress]
        returned = set(rest[:12])
        on_time = set(rest[12:14])

        days_all = _working_days(self.cal, PERIOD_START, D(2024, 11, 29))
        days_late = _working_days(self.cal, D(2024, 11, 25), PERIOD_END)
        for i, (proc, channel) in enumerate(received):
            if i in in_progress:
                r = self.rng.choice(days_late)
                due = self._due(proc, r)
                if due < PERIOD_END:  # pragma: no cover - long deadlines always pass the cut-off
                    due = PERIOD_END
                after = self.cal.next_working_day(PERIOD_END)
                resolved = self._early(after, due, D(2025, 2, 28)) if due > after else due
                self._add(proc, channel, r, due, resolved, DossierOutcome.RESOLVED)
                continue
            r = self.rng.choice(days_all[: len(days_all) // 2] if i in on_time else days_all)
            due = self._due(proc, r)
            if i in returned:
                # waiting for supplements since two working days after receipt, still at the cut-off (in
                # progress within deadline under the default rule, Biểu 06a, whatever the due date), then
                # returned when the supplements never came, after the cut-off
                asked = min(self.cal.add_working_days(r, 2), PERIOD_END)
                self._add(proc, channel, r, due, RETURNED_AFTER_CUT_OFF, DossierOutcome.RETURNED)
                self.rows[-1]["supplement_requests"] = 1
                self.waiting.append((str(self.rows[-1]["code"]), asked))
            elif i in on_time:
                self._add(proc, channel, r, due, due, DossierOutcome.RESOLVED)
            else:
                self._add(proc, channel, r, due, self._early(r, due, PERIOD_END), DossierOutcome.RESOLVED)

    def dossiers_carried_over(self) -> None:
        """187 dossiers received in early December 2023, still open on 15/12/2023, resolved early in 2024."""
        long = [p for p in self.in_force if p.days >= 15]
        days = _working_days(self.cal, D(2023, 12, 4), D(2023, 12, 14))
        for _ in range(187):
            proc = self.rng.choice(long)
            r = self.rng.choice(days)
            due = self._due(proc, r)
            resolved = max(self._early(r, due, D(2024, 3, 1)), PERIOD_START)
            if resolved >= due:  # pragma: no cover - due is at least 15 working days away
                resolved = PERIOD_START
            channel = Channel.ONLINE if proc.level != OnlineLevel.NONE and self.rng.random() < 0.6 else self._channel_offline()
            self._add(proc, channel, r, due, resolved, DossierOutcome.RESOLVED)

    def dossiers_history(self) -> None:
        """2023 (all closed before the 2024 cut-off, a few late) and Dec 2024 – Jan 2025 (after it)."""
        closed_by = D(2023, 12, 14)
        days_2023 = _working_days(self.cal, D(2023, 1, 3), D(2023, 11, 15))
        candidates = self.in_force + self.abolished
        for _ in range(2650):
            proc = self.rng.choice(candidates)
            r = self.rng.choice(days_2023)
            if proc in self.abolished and r > D(2023, 6, 30):
                r = D(2023, 6, 30) - dt.timedelta(days=self.rng.randint(0, 120))
                while not self.cal.is_working_day(r):
                    r -= dt.timedelta(days=1)
            due = self._due(proc, r)
            channel = Channel.ONLINE if proc.level != OnlineLevel.NONE and self.rng.random() < 0.55 else self._channel_offline()
            roll = self.rng.random()
            if roll < 0.015:  # late, after an apology and the one extension
                ext = self.cal.add_working_days(due, 5)
                resolved = min(self.cal.add_working_days(due, self.rng.randint(1, 4)), closed_by)
                if resolved <= due:
                    resolved = due + dt.timedelta(days=1)
                self._add(proc, channel, r, due, resolved, DossierOutcome.RESOLVED,
                          extended_due_on=ext, apology_letter=f"Phiếu xin lỗi số {self.rng.randint(1, 99):02d}/PXL")
            elif roll < 0.025:
                self._add(proc, channel, r, due, min(due, closed_by), DossierOutcome.RESOLVED)
            elif roll < 0.035:
                self._add(proc, channel, r, due, min(self.cal.add_working_days(r, 3), closed_by), DossierOutcome.RETURNED)
            else:
                self._add(proc, channel, r, due, self._early(r, due, closed_by), DossierOutcome.RESOLVED)

        days_after = _working_days(self.cal, D(2024, 12, 16), D(2025, 1, 24))
        for _ in range(320):
            proc = self.rng.choice(self.in_force)
            r = self.rng.choice(days_after)
            due = self._due(proc, r)
            channel = Channel.ONLINE if proc.level != OnlineLevel.NONE and self.rng.random() < 0.7 else self._channel_offline()
            self._add(proc, channel, r, due, self._early(r, due, D(2025, 3, 31)), DossierOutcome.RESOLVED)

    def dossiers_waiting_events(self) -> None:
        """The supplement requests of the dossiers still waiting for supplements (issue 11)."""
        ids = dict(self.s.execute(select(m.Dossier.code, m.Dossier.id).where(
            m.Dossier.code.in_([code for code, _ in self.waiting]))).all())  # type: ignore[arg-type]
        for code, asked in self.waiting:
            self.s.add(m.DossierEvent(dossier_id=ids[code], kind=DossierEventKind.SUPPLEMENT_REQUESTED,
                                      occurred_on=asked, note="Yêu cầu bổ sung giấy tờ", updated_by=DEMO_USER))
        self.s.flush()

    def flush_dossiers(self) -> None:
        self.rows.sort(key=lambda row: (row["received_on"], row["code"]))  # type: ignore[arg-type, return-value]
        for start in range(0, len(self.rows), 2000):
            self.s.execute(insert(m.Dossier), self.rows[start : start + 2000])

    # -- surveys, tasks, documents, objectives -----------------------------------------
    def surveys(self) -> None:
        q = seed_questionnaire(self.s)
        criteria = q.criteria
        c2024 = m.SurveyCampaign(
            title="Khảo sát ý kiến khách hàng đăng ký TTHC tại Bộ phận Một cửa Sở Y tế năm 2024",
            year=2024, held_on=D(2024, 6, 20), report_number="2844/BC-SYT", report_date=D(2024, 7, 11),
            questionnaire=q, mode=SurveyMode.FORMS, updated_by=DEMO_USER,
        )
        c2024.groups = [m.RespondentGroup(name=name) for name, _ in SURVEY_GROUPS_2024]
        self.s.add(c2024)
        self.s.flush()
        group_of_form = [g.id for g, (_, n) in zip(c2024.groups, SURVEY_GROUPS_2024, strict=True) for _ in range(n)]
        forms = [
            m.SurveyForm(campaign_id=c2024.id, group_id=gid, number=i + 1, filled_on=D(2024, 6, 20) + dt.timedelta(days=i % 5))
            for i, gid in enumerate(group_of_form)
        ]
        self.s.add_all(forms)
        self.s.flush()
        answers = []
        for crit, counts in zip(criteria, SURVEY_2024, strict=True):
            picks = [opt.id for opt, n in zip(crit.options, counts, strict=True) for _ in range(n)]
            self.rng.shuffle(picks)
            answers += [{"form_id": f.id, "criterion_id": crit.id, "option_id": o, "updated_by": DEMO_USER}
                        for f, o in zip(forms, picks, strict=True)]
        self.s.execute(insert(m.SurveyAnswer), answers)

        c2023 = m.SurveyCampaign(
            title="Khảo sát ý kiến khách hàng đăng ký TTHC tại Bộ phận Một cửa Sở Y tế năm 2023",
            year=2023, held_on=D(2023, 6, 15), report_number="2510/BC-SYT", report_date=D(2023, 7, 5),
            questionnaire=q, mode=SurveyMode.TOTALS, total_forms=60, updated_by=DEMO_USER,
        )
        c2023.groups = [m.RespondentGroup(name=name) for name, _ in SURVEY_GROUPS_2024]
        self.s.add(c2023)
        self.s.flush()
        self.s.add_all(
            m.SurveyOptionCount(campaign_id=c2023.id, option_id=opt.id, count=n, updated_by=DEMO_USER)
            for crit, counts in zip(criteria, SURVEY_2023, strict=True)
            for opt, n in zip(crit.options, counts, strict=True)
        )

    def tasks(self) -> None:
        dept = self.units[0].id
        rows: list[m.Task] = []
        # 2024: 186 tasks completed within the period, 121 early and 65 on the due day.
        assign_days = _working_days(self.cal, D(2023, 12, 15), D(2024, 11, 20))
        fates = ["early"] * 121 + ["on_time"] * 65
        self.rng.shuffle(fates)
        for i, fate in enumerate(fates):
            assigned = assign_days[(i * len(assign_days)) // len(fates)]
            due = self.cal.add_working_days(assigned, self.rng.choice((5, 7, 10, 15)))
            done = due if fate == "on_time" else self._early(assigned, due, PERIOD_END)
            rows.append(self._task(i, assigned, due, done, dept))
        # 2023: some late, a few with an approved extension.
        days_2023 = _working_days(self.cal, D(2023, 1, 9), D(2023, 11, 20))
        for i in range(150):
            assigned = days_2023[(i * len(days_2023)) // 150]
            due = self.cal.add_working_days(assigned, self.rng.choice((5, 10, 15)))
            roll = self.rng.random()
            ext = None
            if roll < 0.04:
                done = self.cal.add_working_days(due, 3)
            elif roll < 0.07:
                ext = self.cal.add_working_days(due, 5)
                done = self.cal.add_working_days(due, 2)
            else:
                done = self._early(assigned, due, D(2023, 12, 14))
            rows.append(self._task(1000 + i, assigned, due, done, dept, ext))
        # After the 2024 cut-off.
        for i in range(12):
            assigned = self.cal.add_working_days(D(2024, 12, 16), i * 2)
            due = self.cal.add_working_days(assigned, 10)
            rows.append(self._task(2000 + i, assigned, due, self._early(assigned, due, D(2025, 2, 28)), dept))
        self.s.add_all(rows)

    def _task(self, i: int, assigned: D, due: D, done: D, unit_id: int, ext: D | None = None) -> m.Task:
        return m.Task(
            document_number=f"{1200 + i * 7}/UBND-{self.rng.choice(('VX', 'KSTTHC', 'TH'))}",
            document_date=assigned,
            content=f"{TASK_TOPICS[i % len(TASK_TOPICS)]}",
            assigned_by=AssignedBy.CHAIRMAN if i % 9 == 0 else AssignedBy.PROVINCE,
            lead_unit_id=unit_id,
            assigned_on=assigned,
            due_on=due,
            extended_due_on=ext,
            extension_approved=ext is not None,
            completed_on=done,
            updated_by=DEMO_USER,
        )

    def documents(self) -> None:
        totals = dict(zip(("outgoing", "decisions", "incoming"), DOCUMENTS_2024, strict=True))
        split = {k: _split(v, 12, self.rng, skew=0.4) for k, v in totals.items()}
        for month in range(1, 13):
            out, dec, inc = split["outgoing"][month - 1], split["decisions"][month - 1], split["incoming"][month - 1]
            self.s.add(m.DocumentCount(year=2024, month=month, outgoing=out, outgoing_secret=0, outgoing_electronic=out,
                                       decisions=dec, decisions_electronic=dec, incoming=inc, incoming_electronic=inc,
                                       updated_by=DEMO_USER))
            out23 = 430 + self.rng.randint(0, 120)
            secret = self.rng.randint(0, 4)
            dec23 = 70 + self.rng.randint(0, 30)
            inc23 = 2500 + self.rng.randint(0, 600)
            self.s.add(m.DocumentCount(year=2023, month=month, outgoing=out23, outgoing_secret=secret,
                                       outgoing_electronic=out23 - secret - self.rng.randint(0, 25),
                                       decisions=dec23, decisions_electronic=dec23 - self.rng.randint(0, 3),
                                       incoming=inc23, incoming_electronic=inc23 - self.rng.randint(0, 40),
                                       updated_by=DEMO_USER))

    def objectives(self) -> None:
        seed_objectives(self.s, 2024, decision_number="46/QĐ-SYT", decision_date=D(2024, 1, 24),
                        plan_number="364/KH-SYT", plan_date=D(2024, 1, 25))
        seed_objectives(self.s, 2023, decision_number="38/QĐ-SYT", decision_date=D(2023, 1, 20),
                        plan_number="290/KH-SYT", plan_date=D(2023, 1, 30))


# --------------------------------------------------------------------------- the current period (issue 14)
# The demo also holds the period being worked on now, with the trouble an office really has: late and
# overdue dossiers, overdue and open tasks, an incomplete survey form, objectives not met — so the
# dashboard's "Cần chú ý", the checks and the red tiles show what the app is for.
#
# Dates are relative to the real date, never earlier than DEMO_TODAY: "Cần chú ý" compares with the real
# date, so a demo with fixed current dates would, a year on, show a year-old backlog and an empty current
# period. Deterministic all the same: the 2024 block keeps its own seed and fixed dates (its figures never
# move, tests/core/test_golden.py), and this block draws from its own generator seeded with the anchor day,
# so two builds on the same day are identical and a test passes the anchor (``today``) explicitly.
DEMO_TODAY = D(2026, 12, 2)


def demo_anchor(today: D | None = None) -> D:
    """The day the current block is built around: the real date, not before ``DEMO_TODAY``."""
    return max(today or dt.date.today(), DEMO_TODAY)


def current_statistical_year(anchor: D) -> int:
    """The year whose statistical period (15/12 of the year before – 14/12) holds ``anchor``."""
    return anchor.year + 1 if (anchor.month, anchor.day) >= (12, 15) else anchor.year


def add_current_period(b: _DemoBuilder, today: D | None = None) -> None:  # noqa: PLR0915 - one story, told in order
    """The current period's records, added to the builder's session (after the reference data)."""
    anchor = demo_anchor(today)
    year = current_statistical_year(anchor)
    start = D(year - 1, 12, 15)
    rng = random.Random(anchor.toordinal())
    cal = b.cal
    procs = [p for p in b.in_force if p.days >= 10]
    first = anchor - dt.timedelta(days=300)  # (the block may begin in the previous period: carried over)
    days = _working_days(cal, first, anchor - dt.timedelta(days=1))

    def back(day: D, n: int) -> D:
        """``n`` working days before ``day``."""
        while n > 0:
            day -= dt.timedelta(days=1)
            n -= cal.is_working_day(day)
        return day

    recent = [d for d in days if d >= anchor - dt.timedelta(days=10)]
    rows_before = len(b.rows)

    def add(received: D, proc: _Proc, resolved: D | None, due: D | None = None) -> None:
        channel = Channel.ONLINE if proc.level != OnlineLevel.NONE and rng.random() < 0.65 else Channel.DIRECT
        due = due or b._due(proc, received)
        b._add(proc, channel, received, due, resolved, DossierOutcome.RESOLVED if resolved else None)

    for _ in range(320):  # resolved early
        proc, received = rng.choice(procs), rng.choice(days[: -20])
        due = b._due(proc, received)
        add(received, proc, b._early(received, due, anchor - dt.timedelta(days=1)))
    for _ in range(14):  # resolved late: objective 1 is not met
        proc, received = rng.choice(procs), rng.choice(days[: -60])
        due = b._due(proc, received)
        add(received, proc, cal.add_working_days(due, rng.randint(1, 6)), due)
    for _ in range(9):  # still open, past their due date
        proc, received = rng.choice(procs), rng.choice(days[-70:-35])
        add(received, proc, None)
    for _ in range(5):  # open, due within the next working days
        proc = rng.choice(procs)
        received = back(anchor, proc.days - 2) if proc.unit == DurationUnit.WORKING_DAYS else (
            anchor - dt.timedelta(days=proc.days - 2))
        add(max(received, first), proc, None)
    for _ in range(45):  # open, within their deadline
        proc, received = rng.choice(procs), rng.choice(recent)
        add(received, proc, None)
    new_rows = b.rows[rows_before:]  # (the rows before were written by ``flush_dossiers``)
    for chunk in range(0, len(new_rows), 2000):
        b.s.execute(insert(m.Dossier), new_rows[chunk : chunk + 2000])

    dept = b.units[0].id
    tasks = []
    for i in range(24):
        assigned = days[(i * (len(days) - 40)) // 24]
        due = cal.add_working_days(assigned, rng.choice((5, 10, 15)))
        done = cal.add_working_days(due, 2) if i % 8 == 3 else b._early(assigned, due, anchor)
        tasks.append(b._task(3000 + i, assigned, due, min(done, anchor), dept))
    for i, ago in enumerate((40, 28, 22, 15)):  # open and overdue
        assigned = back(anchor, ago + 10)
        tasks.append(b._task(3100 + i, assigned, cal.add_working_days(assigned, 10), None, dept))  # type: ignore[arg-type]
    for i, ahead in enumerate((2, 4, 12)):  # open, due soon or later
        assigned = back(anchor, 5)
        tasks.append(b._task(3200 + i, assigned, cal.add_working_days(anchor, ahead), None, dept))  # type: ignore[arg-type]
    b.s.add_all(tasks)

    q = seed_questionnaire(b.s)
    campaign = m.SurveyCampaign(
        title=f"Khảo sát ý kiến khách hàng đăng ký TTHC tại Bộ phận Một cửa Sở Y tế năm {year}",
        year=year, held_on=anchor - dt.timedelta(days=20), questionnaire=q, mode=SurveyMode.FORMS,
        updated_by=DEMO_USER,
    )  # fmt: skip
    campaign.groups = [m.RespondentGroup(name=name) for name, _ in SURVEY_GROUPS_2024[:2]]
    b.s.add(campaign)
    b.s.flush()
    forms = [m.SurveyForm(campaign_id=campaign.id, group_id=campaign.groups[i % 2].id, number=i + 1,
                          filled_on=anchor - dt.timedelta(days=20 - i % 4)) for i in range(24)]  # fmt: skip
    b.s.add_all(forms)
    b.s.flush()
    answers = []
    for form in forms:
        for crit in q.criteria:
            if form.number == 24 and crit.sort_order > 4:  # the incomplete form: two criteria unanswered
                continue
            rank = 0 if rng.random() < 0.7 else (1 if rng.random() < 0.8 else 2)
            option = crit.options[min(rank, len(crit.options) - 1)]
            answers.append({"form_id": form.id, "criterion_id": crit.id, "option_id": option.id, "updated_by": DEMO_USER})
    b.s.execute(insert(m.SurveyAnswer), answers)

    for month in range(1, min(anchor.month, 12) + 1):
        out = 480 + rng.randint(0, 60)
        dec = 80 + rng.randint(0, 20)
        inc = 2700 + rng.randint(0, 300)
        b.s.add(m.DocumentCount(year=year, month=month, outgoing=out, outgoing_secret=2,
                                outgoing_electronic=out - 2 - rng.randint(0, 6), decisions=dec,
                                decisions_electronic=dec, incoming=inc, incoming_electronic=inc - rng.randint(0, 9),
                                updated_by=DEMO_USER))  # fmt: skip

    # A decision whose ISO process came 45 days later: objective 3 is not met.
    ubnd_day = max(start, anchor - dt.timedelta(days=120))
    b._decision(f"{700 + year % 100}/QĐ-UBND", ubnd_day, f"{300 + year % 100}/QĐ-SYT", ubnd_day + dt.timedelta(days=45),
                f"{2900 + year % 100}/SYT-TCHC", ubnd_day + dt.timedelta(days=46),
                "Công bố danh mục TTHC lĩnh vực dược phẩm sửa đổi, bổ sung", rng.sample(b.in_force, 4))  # fmt: skip
    seed_objectives(b.s, year, decision_number=f"{40 + year % 100}/QĐ-SYT", decision_date=D(year, 1, 20),
                    plan_number=f"{300 + year % 100}/KH-SYT", plan_date=D(year, 1, 22))  # fmt: skip


def build_demo(db: Database, *, wipe: bool = False, today: D | None = None) -> str:
    """Fill an empty database with the demo records (with ``wipe``: first delete every row, in the same
    transaction — ``demo --force`` on a server); returns a one-line Vietnamese summary. ``today``: the
    day the current period is built around (default: the real date, see ``demo_anchor``)."""
    with db.transaction() as session:
        session.info["audit_skip"] = True  # generated records: no audit trail (core.audit.SKIP)
        if wipe:
            wipe_all(session)
        b = _DemoBuilder(session)
        b.organisation()
        b.procedures()
        b.decisions()
        b.dossiers_carried_over()
        b.dossiers_2024()
        b.dossiers_history()
        b.flush_dossiers()
        b.dossiers_waiting_events()
        add_demo_dossier_events(session)
        b.surveys()
        b.tasks()
        b.documents()
        b.objectives()
        add_report_texts(session)
        add_current_period(b, today)
        counts = {
            "thủ tục": session.scalar(select(func.count()).select_from(m.Procedure)),
            "hồ sơ": len(b.rows),
            "nhiệm vụ": session.scalar(select(func.count()).select_from(m.Task)),
            "phiếu khảo sát": session.scalar(select(func.count()).select_from(m.SurveyForm)),
        }
    return ", ".join(f"{n:,}".replace(",", ".") + f" {what}" for what, n in counts.items())



# -- dossier events (SPEC §11) -------------------------------------------------------------


def add_demo_dossier_events(session: Session) -> None:
    """The demo dossiers' events, recorded through ``core.dossier_events`` like the form's: every extension
    and every return the rows above carry as columns becomes its dated event, and a handful of 2024
    dossiers get realistic ones — supplements requested and received (the clock restarts), an extension with
    its apology letter (Mẫu 04) — chosen so that no reference figure moves (SPEC §10): only dossiers
    resolved early whose new due dates are later still, or in progress at the cut-off within their deadline.
    Its own random generator, so the records built after it are unchanged."""
    from . import dossier_events as de
    from .enums import DossierEventKind as K

    rng = random.Random(118_2025)
    cal = WorkCalendar.from_session(session)
    d = m.Dossier

    def before(day: D, floor: D) -> D:
        """The working day before ``day``, not before ``floor``."""
        prev = day - dt.timedelta(days=1)
        while not cal.is_working_day(prev) and prev > floor:
            prev -= dt.timedelta(days=1)
        return max(prev, floor)

    def add(dossier_id: int, **values: object) -> None:
        de.add_event(session, dossier_id, values, user=DEMO_USER)

    # The columns of the rows above, as events (the extension granted the working day before the due date).
    for dossier_id, received, due, ext, letter in session.execute(
            select(d.id, d.received_on, d.due_on, d.extended_due_on, d.apology_letter)
            .where(d.extended_due_on.is_not(None)).order_by(d.id)).all():
        on = before(due, received)
        add(dossier_id, kind=K.EXTENDED, occurred_on=on, document_number=letter, document_date=on, new_due_on=ext)
    for dossier_id, resolved, outcome in session.execute(
            select(d.id, d.resolved_on, d.outcome).where(d.outcome.not_in([DossierOutcome.RESOLVED]))
            .order_by(d.id)).all():
        assert outcome is not None
        add(dossier_id, kind=de.OUTCOME_KIND[outcome], occurred_on=resolved,
            note="Hồ sơ không đủ điều kiện; đã hướng dẫn tổ chức, cá nhân.")

    # 2024: supplements requested and received on dossiers resolved early with time to spare.
    early = session.execute(
        select(d.id, d.received_on, d.due_on, d.resolved_on).where(
            d.received_on.between(PERIOD_START, D(2024, 10, 31)), d.outcome == DossierOutcome.RESOLVED,
            d.resolved_on < d.due_on, d.extended_due_on.is_(None)).order_by(d.id)).all()
    roomy = [row for row in early if cal.working_days_between(row.received_on, row.resolved_on) >= 4]
    picked = rng.sample(roomy, 14)
    for n, row in enumerate(picked[:10], 1):
        asked = cal.add_working_days(row.received_on, 1)
        add(row.id, kind=K.SUPPLEMENT_REQUESTED, occurred_on=asked, document_number=f"{n:02d}/PYCBS-SYT",
            document_date=asked, note="Bổ sung bản sao chứng chỉ hành nghề có chứng thực.")
        add(row.id, kind=K.SUPPLEMENT_RECEIVED, occurred_on=cal.add_working_days(asked, 1))
    # … and an extension with its apology letter, granted the working day before the due date (or on the
    # day of the resolution, when that came earlier): the dossier was still resolved early.
    for n, row in enumerate(picked[10:], 11):
        on = min(before(row.due_on, row.received_on), row.resolved_on)
        add(row.id, kind=K.EXTENDED, occurred_on=on, document_number=f"{n:02d}/PXL-SYT", document_date=on,
            new_due_on=cal.add_working_days(row.due_on, 5), note="Chờ kết quả thẩm định thực tế tại cơ sở.")

    # In progress at the 2024 cut-off, within the deadline: one waiting for supplements over the cut-off,
    # one extended; both resolved in 2025 before their (new) due dates.
    open_at_end = session.execute(
        select(d.id, d.received_on, d.due_on, d.resolved_on).where(
            d.received_on.between(D(2024, 11, 25), PERIOD_END), d.resolved_on > PERIOD_END,
            d.resolved_on < d.due_on, d.extended_due_on.is_(None)).order_by(d.id)).all()
    waiting, extended = rng.sample(open_at_end, 2)
    asked = max(waiting.received_on, D(2024, 12, 12))
    add(waiting.id, kind=K.SUPPLEMENT_REQUESTED, occurred_on=asked, document_number="15/PYCBS-SYT",
        document_date=asked, note="Bổ sung hợp đồng lao động của người phụ trách chuyên môn.")
    came = cal.add_working_days(PERIOD_END, 1)
    if came <= waiting.resolved_on:
        add(waiting.id, kind=K.SUPPLEMENT_RECEIVED, occurred_on=came)
    on = min(max(extended.received_on, D(2024, 12, 13)), extended.resolved_on)
    add(extended.id, kind=K.EXTENDED, occurred_on=on, document_number="16/PXL-SYT", document_date=on,
        new_due_on=cal.add_working_days(extended.due_on, 5), note="Chờ ý kiến của đơn vị phối hợp.")
