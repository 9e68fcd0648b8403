"""The default catalogues a new database is seeded with: one table each, used by the new-database
wizard and by the demo. After seeding, the database is the only truth (editable per year).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models as m
from .enums import Comparator

DEFAULT_FIELDS: tuple[str, ...] = (
    "Khám bệnh, chữa bệnh",
    "Dược phẩm",
    "Mỹ phẩm",
    "An toàn thực phẩm và dinh dưỡng",
    "Y tế dự phòng",
    "Trang thiết bị y tế",
    "Giám định y khoa",
    "Dân số - Sức khỏe sinh sản",
    "Tổ chức cán bộ",
)


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    short_name: str
    options: tuple[str, ...]  # best → worst
    is_overall: bool = False


# The six criteria of the reference report's satisfaction survey.
DEFAULT_QUESTIONNAIRE_NAME = "Phiếu đo lường sự hài lòng của tổ chức, công dân"
DEFAULT_CRITERIA: tuple[CriterionSpec, ...] = (
    CriterionSpec(
        "Thời gian trả hồ sơ so với phiếu hẹn/thời gian hẹn",
        "Thời gian trả kết quả",
        ("Sớm hẹn", "Đúng hẹn", "Trễ hẹn"),
    ),
    CriterionSpec(
        "Việc công khai quy trình, thủ tục, biểu mẫu hành chính",
        "Công khai thủ tục",
        ("Rất rõ ràng, chi tiết, dễ hiểu", "Rõ ràng, dễ hiểu", "Chưa rõ ràng, khó hiểu"),
    ),
    CriterionSpec(
        "Thái độ trao đổi, giải thích của cán bộ tiếp nhận hồ sơ và trả kết quả",
        "Thái độ cán bộ",
        ("Rất nhiệt tình", "Nhiệt tình", "Chưa nhiệt tình"),
    ),
    CriterionSpec(
        "Môi trường, điều kiện vật chất phục vụ",
        "Cơ sở vật chất",
        ("Rất tốt", "Tốt", "Chưa đáp ứng yêu cầu", "Rất tệ"),
    ),
    CriterionSpec(
        "Số lần đi lại để hoàn tất hồ sơ",
        "Số lần đi lại",
        ("01 lần", "02 lần", "Từ 03 lần trở lên"),
    ),
    CriterionSpec(
        "Kết quả phục vụ",
        "Mức độ hài lòng",
        ("Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"),
        is_overall=True,
    ),
)


@dataclass(frozen=True)
class ObjectiveSpec:
    number: int
    title: str
    indicator: str  # key of the indicator catalogue (core.indicators)
    comparator: Comparator
    target: Decimal


# The seven objectives of the reference report (Sở Y tế Khánh Hòa, 2024).
DEFAULT_OBJECTIVES: tuple[ObjectiveSpec, ...] = (
    ObjectiveSpec(
        1,
        "Đảm bảo 100% hồ sơ giải quyết đúng thời gian quy định theo cơ chế một cửa, một cửa liên thông",
        "dossiers_on_time",
        Comparator.GE,
        Decimal(100),
    ),
    ObjectiveSpec(
        2,
        "Đảm bảo mức độ hài lòng của tổ chức, cá nhân đối với sự phục vụ của cơ quan hành chính nhà nước "
        "đạt tối thiểu 87%",
        "survey_satisfaction",
        Comparator.GE,
        Decimal(87),
    ),
    ObjectiveSpec(
        3,
        "Đảm bảo 100% TTHC được bổ sung, thiết lập quy trình ISO cho giải quyết các TTHC chậm nhất 30 ngày, "
        "kể từ khi UBND tỉnh ban hành Quyết định công bố",
        "iso_within_deadline",
        Comparator.GE,
        Decimal(100),
    ),
    ObjectiveSpec(
        4,
        "Đảm bảo 100% TTHC có các bước thiết lập trong quy trình ISO thống nhất với các bước trên phần mềm "
        "một cửa",
        "steps_match",
        Comparator.GE,
        Decimal(100),
    ),
    ObjectiveSpec(
        5,
        "100% các chỉ tiêu, kế hoạch, nhiệm vụ trong năm của Sở cũng như các chỉ tiêu UBND tỉnh giao đều "
        "được tổ chức thực hiện đầy đủ, đúng thời gian quy định",
        "tasks_on_time",
        Comparator.GE,
        Decimal(100),
    ),
    ObjectiveSpec(
        6,
        "Trên 95% các văn bản đi (không mật) của Sở được trao đổi dưới dạng văn bản điện tử",
        "documents_electronic",
        Comparator.GT,
        Decimal(95),
    ),
    ObjectiveSpec(
        7,
        "Đảm bảo tỷ lệ các thủ tục hành chính thuộc thẩm quyền giải quyết do UBND tỉnh công bố mức độ toàn "
        "trình, một phần được tiếp nhận qua mạng đạt tối thiểu 50%",
        "online_uptake",
        Comparator.GE,
        Decimal(50),
    ),
)


def seed_fields(session: Session, names: tuple[str, ...] = DEFAULT_FIELDS) -> list[m.Field]:
    existing = set(session.scalars(select(m.Field.name)))
    rows = [m.Field(name=n, sort_order=i) for i, n in enumerate(names, 1) if n not in existing]
    session.add_all(rows)
    session.flush()
    return rows


def seed_questionnaire(session: Session) -> m.Questionnaire:
    found = session.scalar(select(m.Questionnaire).where(m.Questionnaire.name == DEFAULT_QUESTIONNAIRE_NAME))
    if found is not None:
        return found
    q = m.Questionnaire(name=DEFAULT_QUESTIONNAIRE_NAME)
    for order, spec in enumerate(DEFAULT_CRITERIA, 1):
        crit = m.Criterion(sort_order=order, name=spec.name, short_name=spec.short_name, is_overall=spec.is_overall)
        crit.options = [m.CriterionOption(rank=r, label=label) for r, label in enumerate(spec.options, 1)]
        q.criteria.append(crit)
    session.add(q)
    session.flush()
    return q


def seed_objectives(session: Session, year: int, **year_fields: object) -> m.ObjectiveYear:
    """Create the year's objectives from the default table (or return the existing year)."""
    found = session.scalar(select(m.ObjectiveYear).where(m.ObjectiveYear.year == year))
    if found is not None:
        return found
    oy = m.ObjectiveYear(year=year, **year_fields)
    oy.objectives = [
        m.QualityObjective(
            number=s.number, title=s.title, indicator=s.indicator, comparator=s.comparator, target=s.target
        )
        for s in DEFAULT_OBJECTIVES
    ]
    session.add(oy)
    session.flush()
    return oy
