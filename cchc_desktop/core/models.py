"""SQLAlchemy 2.0 typed models: every record of SPEC §3.

Conventions:
- every table has an integer ``id``, ``created_at``/``updated_at`` and ``updated_by``;
- dates are ``Date`` (no time) unless the name says otherwise;
- enums are stored as readable text (``native_enum=False``), validated by the services;
- CHECK constraints guard counts (≥ 0) and parts ≤ wholes where one row holds both;
- indexes cover the columns the indicator queries filter on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from .enums import (
    AnnouncementAction,
    AssignedBy,
    Channel,
    Comparator,
    DossierEventKind,
    DossierOutcome,
    DurationUnit,
    OnlineDenominator,
    OnlineLevel,
    PeriodConvention,
    ReportType,
    SurveyMode,
    WorkdayKind,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def text_enum(enum_cls: Any, length: int | None = None) -> Enum:
    """An enum column stored as its readable value, portable to SQLite and PostgreSQL.
    ``length`` pins the column width when members are added later (no table rebuild needed)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length or max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class TimestampMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
    updated_by: Mapped[str | None] = mapped_column(String(100))
    # Optimistic locking (issue 12): every UPDATE/DELETE of the ORM checks and increments it, so a save
    # based on an older read is refused instead of silently overwriting another person's change.
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- organisation


class OrganisationProfile(TimestampMixin, Base):
    """The one organisation this database reports for, with its report conventions."""

    __tablename__ = "organisation_profile"

    parent_agency: Mapped[str] = mapped_column(String(200))  # "UBND TỈNH KHÁNH HÒA"
    agency: Mapped[str] = mapped_column(String(200))  # "SỞ Y TẾ"
    agency_short: Mapped[str] = mapped_column(String(200), default="Sở Y tế")  # used in running text
    symbol: Mapped[str] = mapped_column(String(50), default="SYT")  # "…/BC-SYT"
    place: Mapped[str] = mapped_column(String(100))  # "Khánh Hòa"
    report_receiver: Mapped[str | None] = mapped_column(String(200))  # Biểu 06a "Đơn vị nhận báo cáo"
    signer_authority: Mapped[str] = mapped_column(String(100), default="GIÁM ĐỐC")  # or "KT. GIÁM ĐỐC"
    signer_title: Mapped[str | None] = mapped_column(String(100))  # "PHÓ GIÁM ĐỐC" under KT.
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    recipients_quality: Mapped[str] = mapped_column(Text, default="")  # one recipient per line
    recipients_cchc: Mapped[str] = mapped_column(Text, default="")
    convention_dossiers: Mapped[PeriodConvention] = mapped_column(
        text_enum(PeriodConvention), default=PeriodConvention.CUT_OFF
    )
    convention_tasks: Mapped[PeriodConvention] = mapped_column(
        text_enum(PeriodConvention), default=PeriodConvention.CUT_OFF
    )
    convention_surveys: Mapped[PeriodConvention] = mapped_column(
        text_enum(PeriodConvention), default=PeriodConvention.CUT_OFF
    )
    convention_documents: Mapped[PeriodConvention] = mapped_column(
        text_enum(PeriodConvention), default=PeriodConvention.CALENDAR
    )
    iso_deadline_days: Mapped[int] = mapped_column(Integer, default=30)
    classify_against_extended_due: Mapped[bool] = mapped_column(Boolean, default=False)
    late_receipt_hour: Mapped[int | None] = mapped_column(Integer, default=15)  # None: rule off
    online_denominator: Mapped[OnlineDenominator] = mapped_column(
        text_enum(OnlineDenominator), default=OnlineDenominator.ONLINE_PROCEDURES
    )
    report_font_size: Mapped[int] = mapped_column(Integer, default=14)
    # issue 11: the outcome rule preset (core.indicators.OUTCOME_RULES) deciding the Biểu 06a column of
    # dossiers that ended without a result; migration 0002
    outcome_rule: Mapped[str] = mapped_column(String(30), default="bieu06a", server_default="bieu06a")

    __table_args__ = (
        CheckConstraint("iso_deadline_days > 0", name="iso_deadline_positive"),
        CheckConstraint("report_font_size IN (13, 14)", name="font_size_13_14"),
        CheckConstraint(
            "late_receipt_hour IS NULL OR (late_receipt_hour >= 0 AND late_receipt_hour <= 23)",
            name="late_receipt_hour_range",
        ),
    )


class Unit(TimestampMixin, Base):
    """The department itself or a subordinate unit that runs procedures."""

    __tablename__ = "unit"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(100))
    is_department: Mapped[bool] = mapped_column(Boolean, default=False)
    # The one-stop software's unit code ("000.00.17.H23"): matched before the name on import.
    code: Mapped[str | None] = mapped_column(String(50), index=True, unique=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)  # created by an import
    # Units over time (issue 16, SPEC §11): the days it existed (None: open-ended); what it became is in
    # ``UnitSuccession``, the names it had before in ``UnitName``.
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)  # its last day; district offices: 30/6/2025


class Field(TimestampMixin, Base):
    """Lĩnh vực: an editable catalogue."""

    __tablename__ = "field"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)  # created by an import


# --------------------------------------------------------------------------- procedures


class AnnouncementDecision(TimestampMixin, Base):
    """A UBND decision announcing TTHC, with the department's ISO decision and letter."""

    __tablename__ = "announcement_decision"

    ubnd_number: Mapped[str] = mapped_column(String(50), unique=True)  # "108/QĐ-UBND"
    ubnd_date: Mapped[dt.date] = mapped_column(Date, index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    iso_number: Mapped[str | None] = mapped_column(String(50))  # "44/QĐ-SYT"
    iso_date: Mapped[dt.date | None] = mapped_column(Date)
    letter_number: Mapped[str | None] = mapped_column(String(50))  # "504/SYT-TCHC"
    letter_date: Mapped[dt.date | None] = mapped_column(Date)

    items: Mapped[list[AnnouncementItem]] = relationship(
        back_populates="decision", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("iso_date IS NULL OR iso_date >= ubnd_date", name="iso_after_ubnd"),
    )


class Procedure(TimestampMixin, Base):
    """A TTHC with its national code."""

    __tablename__ = "procedure"

    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(Text)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("field.id", ondelete="RESTRICT"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    online_level: Mapped[OnlineLevel] = mapped_column(text_enum(OnlineLevel), default=OnlineLevel.NONE)
    resolution_days: Mapped[int | None] = mapped_column(Integer)
    resolution_unit: Mapped[DurationUnit] = mapped_column(
        text_enum(DurationUnit), default=DurationUnit.WORKING_DAYS
    )
    abolished_on: Mapped[dt.date | None] = mapped_column(Date)
    iso_process_number: Mapped[str | None] = mapped_column(String(50))
    iso_process_date: Mapped[dt.date | None] = mapped_column(Date)
    steps_match: Mapped[bool] = mapped_column(Boolean, default=False)
    steps_checked_on: Mapped[dt.date | None] = mapped_column(Date)
    published_in_qms: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)  # "cần bổ sung thông tin"

    field: Mapped[Field | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        CheckConstraint("resolution_days IS NULL OR resolution_days > 0", name="resolution_days_positive"),
    )


class AnnouncementItem(TimestampMixin, Base):
    """One TTHC covered by an announcement decision."""

    __tablename__ = "announcement_item"

    decision_id: Mapped[int] = mapped_column(
        ForeignKey("announcement_decision.id", ondelete="CASCADE"), index=True
    )
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id", ondelete="CASCADE"), index=True)
    action: Mapped[AnnouncementAction] = mapped_column(
        text_enum(AnnouncementAction), default=AnnouncementAction.NEW
    )

    decision: Mapped[AnnouncementDecision] = relationship(back_populates="items")
    procedure: Mapped[Procedure] = relationship()

    __table_args__ = (UniqueConstraint("decision_id", "procedure_id", name="uq_announcement_item"),)


# --------------------------------------------------------------------------- dossiers


# Dossiers that are still open, or were closed after their (original) due date.
LATE_OR_OPEN = "resolved_on IS NULL OR resolved_on > due_on"


class Dossier(TimestampMixin, Base):
    """Hồ sơ: one dossier submitted for a TTHC.

    ``due_on`` is the due date after the last restart of the clock (supplement request);
    ``extended_due_on`` the one extension allowed (with its apology letter).
    ``field_id`` and ``unit_id`` are copied from the procedure by the services so the
    indicator queries group without a join.
    """

    __tablename__ = "dossier"

    code: Mapped[str] = mapped_column(String(80), unique=True)
    # indexed by ix_dossier_procedure_channel_received (procedure first: also serves the foreign key)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id", ondelete="RESTRICT"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("field.id", ondelete="RESTRICT"), index=True)
    applicant: Mapped[str | None] = mapped_column(String(300))
    channel: Mapped[Channel] = mapped_column(text_enum(Channel), default=Channel.DIRECT)
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    received_time: Mapped[dt.time | None] = mapped_column(Time)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # The due date given at receipt, kept here once a supplement received restarts the clock (then
    # ``due_on`` is the due date after the last restart); NULL while the clock never restarted.
    first_due_on: Mapped[dt.date | None] = mapped_column(Date)
    extended_due_on: Mapped[dt.date | None] = mapped_column(Date)
    apology_letter: Mapped[str | None] = mapped_column(String(200))
    resolved_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # width pinned at the 0001 schema's 16: the 2025 outcomes fit, and no table rebuild is needed
    outcome: Mapped[DossierOutcome | None] = mapped_column(text_enum(DossierOutcome, length=16))
    supplement_requests: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)

    procedure: Mapped[Procedure] = relationship()
    unit: Mapped[Unit | None] = relationship()
    field: Mapped[Field | None] = relationship()
    events: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(DossierEvent.occurred_on, DossierEvent.id)",
    )

    __table_args__ = (
        CheckConstraint("due_on >= received_on", name="due_after_received"),
        CheckConstraint("resolved_on IS NULL OR resolved_on >= received_on", name="resolved_after_received"),
        CheckConstraint(
            "extended_due_on IS NULL OR extended_due_on >= due_on", name="extension_after_due"
        ),
        CheckConstraint("supplement_requests >= 0", name="supplements_nonneg"),
        CheckConstraint(
            "(resolved_on IS NULL AND outcome IS NULL) OR (resolved_on IS NOT NULL AND outcome IS NOT NULL)",
            name="outcome_with_date",
        ),
        Index("ix_dossier_received_resolved", "received_on", "resolved_on"),
        # Online uptake: one index range per (procedure, channel) over the period, no table access.
        Index("ix_dossier_procedure_channel_received", "procedure_id", "channel", "received_on"),
        # In progress and overdue at a day: only dossiers that are still open or were closed late
        # (a few per cent of the rows) can be overdue, so the partial index holds just those.
        Index(
            "ix_dossier_late_or_open",
            "due_on",
            "resolved_on",
            "extended_due_on",
            "field_id",
            "unit_id",
            sqlite_where=text(LATE_OR_OPEN),
            postgresql_where=text(LATE_OR_OPEN),
        ),
    )


class DossierReceivedDay(Base):
    """Derived data, maintained by database triggers on ``dossier`` (never written by the app):
    dossiers received per day, field, unit and channel. The indicators add up these few thousand
    rows instead of scanning every dossier (SPEC §5; issue 3 §8). ``field_key``/``unit_key`` are
    the ids, 0 when empty (a key column cannot be NULL). The key is the primary key, first by day,
    and on SQLite the table is clustered on it (WITHOUT ROWID), so a period is one sequential range.
    No id and no timestamps: the rows are a pure function of ``dossier``
    (``indicators.rebuild_dossier_counts`` recomputes them).
    """

    __tablename__ = "dossier_received_day"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    field_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    unit_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = {"sqlite_with_rowid": False}


class DossierClosedDay(Base):
    """Derived data, maintained by database triggers on ``dossier``: dossiers closed (resolved or
    returned) per day, field, unit and outcome, with their class against the due date
    (``vs_due``: -1 early, 0 on time, 1 late) and against the extended due date when there is one
    (``vs_extended``). See ``DossierReceivedDay``."""

    __tablename__ = "dossier_closed_day"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    field_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    unit_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    outcome: Mapped[str] = mapped_column(String(20), primary_key=True)
    vs_due: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    vs_extended: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = {"sqlite_with_rowid": False}


def _dossier_count_sql(row: str) -> dict[str, str]:
    """SQL fragments of one dossier row (``NEW`` or ``OLD``) for the count triggers."""

    def versus(due: str) -> str:
        return (
            f"CASE WHEN {row}.resolved_on < {due} THEN -1 WHEN {row}.resolved_on = {due} THEN 0 ELSE 1 END"
        )

    return {
        "field": f"COALESCE({row}.field_id, 0)",
        "unit": f"COALESCE({row}.unit_id, 0)",
        "vs_due": versus(f"{row}.due_on"),
        "vs_extended": versus(f"COALESCE({row}.extended_due_on, {row}.due_on)"),
    }


def _count_up(row: str) -> str:
    f = _dossier_count_sql(row)
    return (
        "INSERT INTO dossier_received_day (day, field_key, unit_key, channel, n) "
        f"VALUES ({row}.received_on, {f['field']}, {f['unit']}, {row}.channel, 1) "
        "ON CONFLICT (day, field_key, unit_key, channel) DO UPDATE SET n = dossier_received_day.n + 1;\n"
        "INSERT INTO dossier_closed_day (day, field_key, unit_key, outcome, vs_due, vs_extended, n) "
        f"SELECT {row}.resolved_on, {f['field']}, {f['unit']}, {row}.outcome, {f['vs_due']}, "
        f"{f['vs_extended']}, 1 WHERE {row}.resolved_on IS NOT NULL "
        "ON CONFLICT (day, field_key, unit_key, outcome, vs_due, vs_extended) "
        "DO UPDATE SET n = dossier_closed_day.n + 1;"
    )


def _count_down(row: str) -> str:
    f = _dossier_count_sql(row)
    return (
        f"UPDATE dossier_received_day SET n = n - 1 WHERE day = {row}.received_on "
        f"AND field_key = {f['field']} AND unit_key = {f['unit']} AND channel = {row}.channel;\n"
        f"UPDATE dossier_closed_day SET n = n - 1 WHERE day = {row}.resolved_on "
        f"AND field_key = {f['field']} AND unit_key = {f['unit']} AND outcome = {row}.outcome "
        f"AND vs_due = {f['vs_due']} AND vs_extended = {f['vs_extended']};"
    )


_COUNTED_COLUMNS = "received_on, resolved_on, due_on, extended_due_on, outcome, channel, field_id, unit_id"

# The triggers that keep dossier_received_day / dossier_closed_day equal to the dossiers, per dialect.
# The initial migration creates them (a copy, as migrations are frozen); tests/core/test_indicators.py
# proves the migrated database has exactly these. A later migration that rebuilds the dossier table
# (SQLite batch mode copies the table) must create them again.
DOSSIER_COUNT_TRIGGERS: dict[str, tuple[str, ...]] = {
    "sqlite": (
        f"CREATE TRIGGER trg_dossier_counts_insert AFTER INSERT ON dossier BEGIN\n{_count_up('NEW')}\nEND",
        f"CREATE TRIGGER trg_dossier_counts_delete AFTER DELETE ON dossier BEGIN\n{_count_down('OLD')}\nEND",
        f"CREATE TRIGGER trg_dossier_counts_update AFTER UPDATE OF {_COUNTED_COLUMNS} ON dossier BEGIN\n"
        f"{_count_down('OLD')}\n{_count_up('NEW')}\nEND",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION dossier_counts_maintain() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\nIF TG_OP IN ('UPDATE', 'DELETE') THEN\n{_count_down('OLD')}\nEND IF;\n"
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN\n{_count_up('NEW')}\nEND IF;\nRETURN NULL;\nEND $$",
        "CREATE TRIGGER trg_dossier_counts AFTER INSERT OR DELETE OR UPDATE OF "
        f"{_COUNTED_COLUMNS} ON dossier FOR EACH ROW EXECUTE FUNCTION dossier_counts_maintain()",
    ),
}


# --------------------------------------------------------------------------- surveys


class Questionnaire(TimestampMixin, Base):
    __tablename__ = "questionnaire"

    name: Mapped[str] = mapped_column(String(200), unique=True)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="questionnaire", cascade="all, delete-orphan", order_by="Criterion.sort_order"
    )


class Criterion(TimestampMixin, Base):
    """A survey criterion; options are ordered best → worst."""

    __tablename__ = "criterion"

    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(String(100))
    is_overall: Mapped[bool] = mapped_column(Boolean, default=False)  # the satisfaction criterion

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="criteria")
    options: Mapped[list[CriterionOption]] = relationship(
        back_populates="criterion", cascade="all, delete-orphan", order_by="CriterionOption.rank"
    )

    __table_args__ = (UniqueConstraint("questionnaire_id", "sort_order", name="uq_criterion_order"),)


class CriterionOption(TimestampMixin, Base):
    """An answer option; rank 1 is the best."""

    __tablename__ = "criterion_option"

    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))

    criterion: Mapped[Criterion] = relationship(back_populates="options")

    __table_args__ = (
        UniqueConstraint("criterion_id", "rank", name="uq_option_rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )


class SurveyCampaign(TimestampMixin, Base):
    __tablename__ = "survey_campaign"

    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer, index=True)
    held_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    report_number: Mapped[str | None] = mapped_column(String(50))  # "2844/BC-SYT"
    report_date: Mapped[dt.date | None] = mapped_column(Date)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id", ondelete="RESTRICT"))
    mode: Mapped[SurveyMode] = mapped_column(text_enum(SurveyMode), default=SurveyMode.FORMS)
    # Number of forms when only totals exist (mode TOTALS); in FORMS mode the forms are counted.
    total_forms: Mapped[int | None] = mapped_column(Integer)
    # The subordinate unit whose campaign a data package brought (issue 16); NULL: the organisation's own.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)

    questionnaire: Mapped[Questionnaire] = relationship()
    groups: Mapped[list[RespondentGroup]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )

    __table_args__ = (CheckConstraint("total_forms IS NULL OR total_forms >= 0", name="total_forms_nonneg"),)


class RespondentGroup(TimestampMixin, Base):
    __tablename__ = "respondent_group"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaign.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    campaign: Mapped[SurveyCampaign] = relationship(back_populates="groups")

    __table_args__ = (UniqueConstraint("campaign_id", "name", name="uq_group_name"),)


class SurveyForm(TimestampMixin, Base):
    """One returned paper form."""

    __tablename__ = "survey_form"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaign.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("respondent_group.id", ondelete="SET NULL"))
    number: Mapped[int] = mapped_column(Integer)
    filled_on: Mapped[dt.date | None] = mapped_column(Date)

    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="form", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("campaign_id", "number", name="uq_form_number"),)


class SurveyAnswer(TimestampMixin, Base):
    __tablename__ = "survey_answer"

    form_id: Mapped[int] = mapped_column(ForeignKey("survey_form.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(ForeignKey("criterion_option.id", ondelete="CASCADE"), index=True)

    form: Mapped[SurveyForm] = relationship(back_populates="answers")

    __table_args__ = (UniqueConstraint("form_id", "criterion_id", name="uq_answer_per_criterion"),)


class SurveyOptionCount(TimestampMixin, Base):
    """Counts per answer option when only totals exist (campaign mode TOTALS)."""

    __tablename__ = "survey_option_count"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaign.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("criterion_option.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("campaign_id", "option_id", name="uq_option_count"),
        CheckConstraint("count >= 0", name="count_nonneg"),
    )


# --------------------------------------------------------------------------- tasks & documents


class Task(TimestampMixin, Base):
    """Nhiệm vụ UBND tỉnh giao."""

    __tablename__ = "task"

    document_number: Mapped[str | None] = mapped_column(String(80))
    document_date: Mapped[dt.date | None] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    assigned_by: Mapped[AssignedBy] = mapped_column(text_enum(AssignedBy), default=AssignedBy.PROVINCE)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    assigned_on: Mapped[dt.date] = mapped_column(Date, index=True)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    extended_due_on: Mapped[dt.date | None] = mapped_column(Date)
    extension_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    note: Mapped[str | None] = mapped_column(Text)

    lead_unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        CheckConstraint("due_on >= assigned_on", name="due_after_assigned"),
        CheckConstraint("completed_on IS NULL OR completed_on >= assigned_on", name="completed_after_assigned"),
        CheckConstraint("extended_due_on IS NULL OR extended_due_on >= due_on", name="extension_after_due"),
    )


class DocumentCount(TimestampMixin, Base):
    """Monthly document counts (E-Office)."""

    __tablename__ = "document_count"

    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    outgoing: Mapped[int] = mapped_column(Integer, default=0)
    outgoing_secret: Mapped[int] = mapped_column(Integer, default=0)
    outgoing_electronic: Mapped[int] = mapped_column(Integer, default=0)
    decisions: Mapped[int] = mapped_column(Integer, default=0)
    decisions_electronic: Mapped[int] = mapped_column(Integer, default=0)
    incoming: Mapped[int] = mapped_column(Integer, default=0)
    incoming_electronic: Mapped[int] = mapped_column(Integer, default=0)
    # The subordinate unit whose counts a data package brought (issue 16); NULL: the organisation's own.
    # One row per unit and month (``uq_document_count_*`` below); the indicators add them all up.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))

    __table_args__ = (
        CheckConstraint("month >= 1 AND month <= 12", name="month_range"),
        CheckConstraint(
            "outgoing >= 0 AND outgoing_secret >= 0 AND outgoing_electronic >= 0 AND decisions >= 0"
            " AND decisions_electronic >= 0 AND incoming >= 0 AND incoming_electronic >= 0",
            name="counts_nonneg",
        ),
        CheckConstraint("outgoing_secret + outgoing_electronic <= outgoing", name="outgoing_parts"),
        CheckConstraint("decisions_electronic <= decisions", name="decision_parts"),
        CheckConstraint("incoming_electronic <= incoming", name="incoming_parts"),
    )


# --------------------------------------------------------------------------- objectives & reports


class ObjectiveYear(TimestampMixin, Base):
    """The year's quality objectives: establishing decision and plan."""

    __tablename__ = "objective_year"

    year: Mapped[int] = mapped_column(Integer, unique=True)
    decision_number: Mapped[str | None] = mapped_column(String(50))  # "46/QĐ-SYT"
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    plan_number: Mapped[str | None] = mapped_column(String(50))  # "364/KH-SYT"
    plan_date: Mapped[dt.date | None] = mapped_column(Date)
    # where the procedures under the quality system are published (R1, objective 4)
    publication_url: Mapped[str | None] = mapped_column(Text)

    objectives: Mapped[list[QualityObjective]] = relationship(
        back_populates="objective_year", cascade="all, delete-orphan", order_by="QualityObjective.number"
    )


class QualityObjective(TimestampMixin, Base):
    __tablename__ = "quality_objective"

    objective_year_id: Mapped[int] = mapped_column(ForeignKey("objective_year.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    indicator: Mapped[str] = mapped_column(String(60))  # key in the indicator catalogue
    comparator: Mapped[Comparator] = mapped_column(text_enum(Comparator), default=Comparator.GE)
    target: Mapped[Decimal] = mapped_column(Numeric(6, 2))

    objective_year: Mapped[ObjectiveYear] = relationship(back_populates="objectives")

    __table_args__ = (
        UniqueConstraint("objective_year_id", "number", name="uq_objective_number"),
        CheckConstraint("target >= 0 AND target <= 100", name="target_percent"),
    )


class ReportText(TimestampMixin, Base):
    """A narrative section (or a cited figure) of one report for one period."""

    __tablename__ = "report_text"

    report_type: Mapped[ReportType] = mapped_column(text_enum(ReportType))
    period_key: Mapped[str] = mapped_column(String(40))  # "2024", "2024-H1", "2023-12-15..2024-12-14"
    section_key: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text, default="")
    # The subordinate unit whose text a data package brought (issue 16); NULL: the organisation's own
    # (the only ones its reports read). One per unit and section (``uq_report_text_*`` below).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))


class IssuedReport(TimestampMixin, Base):
    """A report as sent: number, date, period, signer and the file written."""

    __tablename__ = "issued_report"

    report_type: Mapped[ReportType] = mapped_column(text_enum(ReportType), index=True)
    number: Mapped[str | None] = mapped_column(String(50))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    period_key: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    signer_name: Mapped[str | None] = mapped_column(String(100))
    file_path: Mapped[str | None] = mapped_column(Text)
    # issue 13: who signed under which authority, and the issued files themselves (a reprint is the
    # same file, whatever changed in the records since)
    signer_authority: Mapped[str | None] = mapped_column(String(100))
    signer_title: Mapped[str | None] = mapped_column(String(100))
    docx_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("period_end >= period_start", name="period_order"),)


class WorkdayException(TimestampMixin, Base):
    """An extra day off the government announces, or a make-up working Saturday."""

    __tablename__ = "workday_exception"

    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[WorkdayKind] = mapped_column(text_enum(WorkdayKind))
    note: Mapped[str | None] = mapped_column(String(200))


# --------------------------------------------------------------------------- outcome rules
# (models of issue 11 (rulebook) go here; keep this comment so side-by-side changes merge cleanly)



# --------------------------------------------------------------------------- dossier events
# (models of issue 11 (dossier events) go here; keep this comment so side-by-side changes merge cleanly)


class DossierEvent(TimestampMixin, Base):
    """A dated event of a dossier (SPEC §11; Nghị định 118/2025/NĐ-CP, forms of Thông tư 03/2025/TT-VPCP):
    supplement requested / received (the clock restarts), extension granted with its apology letter
    (Mẫu 04: number, date, new due date), stopped (Mẫu 05), returned, withdrawn, refused.

    The events are the record; the dossier's ``due_on``, ``extended_due_on``, ``apology_letter``,
    ``supplement_requests``, ``resolved_on`` and ``outcome`` are its current state, kept equal to the
    events by the services, so the counting rules read one row per dossier."""

    __tablename__ = "dossier_event"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    kind: Mapped[DossierEventKind] = mapped_column(text_enum(DossierEventKind))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    document_number: Mapped[str | None] = mapped_column(String(200))  # Mẫu 04 / Mẫu 05 number
    document_date: Mapped[dt.date | None] = mapped_column(Date)
    new_due_on: Mapped[dt.date | None] = mapped_column(Date)  # after an extension or a restart
    note: Mapped[str | None] = mapped_column(Text)

    dossier: Mapped[Dossier] = relationship(back_populates="events")

    __table_args__ = (
        Index("ix_dossier_event_dossier_occurred", "dossier_id", "occurred_on"),
        Index("ix_dossier_event_kind_occurred", "kind", "occurred_on"),
    )



# --------------------------------------------------------------------------- record safety: audit trail, recycle bin, import batches
# (models of issue 12 go here; keep this comment so side-by-side changes merge cleanly)


class ImportBatch(Base):
    """One import of a file: what was read, by whom, what it did; ``undone_at`` once undone as a whole."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    n_new: Mapped[int] = mapped_column(Integer, default=0)
    n_updated: Mapped[int] = mapped_column(Integer, default=0)
    n_rejected: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(100))


class AuditEntry(Base):
    """One create / update / delete / restore / undo of one record: who, when, which record (table, id,
    natural code), its version after the change, and the old and new values as JSON (``core.audit``).
    A deletion keeps the full record and the rows deleted with it (``children``); ``in_bin`` marks a
    deletion still in the recycle bin (Thùng rác)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(10))  # create, update, delete, restore, undo
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[int] = mapped_column(Integer)
    record_code: Mapped[str | None] = mapped_column(String(300))
    record_version: Mapped[int | None] = mapped_column(Integer)
    old_values: Mapped[str | None] = mapped_column(Text)
    new_values: Mapped[str | None] = mapped_column(Text)
    children: Mapped[str | None] = mapped_column(Text)
    in_bin: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"), index=True)

    __table_args__ = (
        Index("ix_audit_entry_table_record", "table_name", "record_id"),
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_bin", "in_bin", sqlite_where=text("in_bin"), postgresql_where=text("in_bin")),
    )




# --------------------------------------------------------------------------- report register, signers, quality-management documents
# (models of issue 13 go here; keep this comment so side-by-side changes merge cleanly)


class Signer(TimestampMixin, Base):
    """A person who signs the organisation's reports, with the authority and title printed above the
    name (NĐ 30/2020: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC")."""

    __tablename__ = "signer"

    name: Mapped[str] = mapped_column(String(100))
    authority: Mapped[str] = mapped_column(String(100), default="GIÁM ĐỐC")
    title: Mapped[str | None] = mapped_column(String(100))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("name", "authority", name="uq_signer_name_authority"),)


class QualityDocument(TimestampMixin, Base):
    """A document of the year's quality-management system (TCVN ISO 9001:2015): the decision
    re-issuing the system's documents, the year's ISO plan, the decision announcing conformity…"""

    __tablename__ = "quality_document"

    year: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[str] = mapped_column(String(50))  # "745/QĐ-SYT"
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)  # "về việc công bố Hệ thống quản lý chất lượng …"
    kind: Mapped[str] = mapped_column(String(30), default="Quyết định")  # Quyết định, Kế hoạch, …

    __table_args__ = (UniqueConstraint("year", "number", name="uq_quality_document_year_number"),)



# --------------------------------------------------------------------------- unit catalogue: codes, room mappings
# (models of issue 14 go here; keep this comment so side-by-side changes merge cleanly)


class UnitAlias(TimestampMixin, Base):
    """Another name (and maybe a one-stop code) under which imports name a unit — above all the rooms of
    the department ("Phòng Nghiệp vụ Dược - Sở Y tế" → the department). Editable; reused by every import."""

    __tablename__ = "unit_alias"

    name: Mapped[str] = mapped_column(String(300))  # as first met in a file
    name_key: Mapped[str] = mapped_column(String(300), unique=True)  # folded: no diacritics, lower case
    code: Mapped[str | None] = mapped_column(String(50), index=True, unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    is_room: Mapped[bool] = mapped_column(Boolean, default=False)  # a room of the department

    unit: Mapped[Unit] = relationship()



# --------------------------------------------------------------------------- unit packages and provenance
# (models of issue 16 go here; keep this comment so side-by-side changes merge cleanly)


class UnitName(TimestampMixin, Base):
    """A name a unit had for a while (the current one is ``Unit.name``): a report of a period names each
    unit as it was called then (``core.units``)."""

    __tablename__ = "unit_name"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)  # the last day the unit bore this name

    __table_args__ = (
        CheckConstraint("valid_from IS NULL OR valid_from <= valid_to", name="name_period_ordered"),
    )


class UnitSuccession(TimestampMixin, Base):
    """A unit that became another on a day (a merger: several rows with the same successor)."""

    __tablename__ = "unit_succession"

    predecessor_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[dt.date] = mapped_column(Date)  # the successor's first day

    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id"),
        CheckConstraint("predecessor_id <> successor_id", name="not_itself"),
    )


class DataPackage(TimestampMixin, Base):
    """A data package received from a unit (``io.package``): who sent which period, when, which file."""

    __tablename__ = "data_package"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    period_key: Mapped[str] = mapped_column(String(40))  # "2024", "2024-Q3", …
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date, index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    checksum: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the package's data
    schema_revision: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(300))


class PackageRecord(TimestampMixin, Base):
    """Provenance: a record a package created or updated, and its version right after (a later version
    means the department edited it since: the next package shows a conflict instead of overwriting)."""

    __tablename__ = "package_record"

    package_id: Mapped[int] = mapped_column(ForeignKey("data_package.id", ondelete="CASCADE"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    record_version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_package_record_table_record", "table_name", "record_id"),)


# One row per unit and month / report section, the organisation's own (unit NULL) included: a plain
# UNIQUE would let several NULL rows through, so two partial unique indexes each.
_OWN, _UNITS = "unit_id IS NULL", "unit_id IS NOT NULL"
Index("uq_document_count_own_month", DocumentCount.year, DocumentCount.month, unique=True,
      sqlite_where=text(_OWN), postgresql_where=text(_OWN))  # fmt: skip
Index("uq_document_count_unit_month", DocumentCount.unit_id, DocumentCount.year, DocumentCount.month, unique=True,
      sqlite_where=text(_UNITS), postgresql_where=text(_UNITS))  # fmt: skip
Index("uq_report_text_own_section", ReportText.report_type, ReportText.period_key, ReportText.section_key,
      unique=True, sqlite_where=text(_OWN), postgresql_where=text(_OWN))  # fmt: skip
Index("uq_report_text_unit_section", ReportText.unit_id, ReportText.report_type, ReportText.period_key,
      ReportText.section_key, unique=True, sqlite_where=text(_UNITS), postgresql_where=text(_UNITS))  # fmt: skip


ALL_MODELS: tuple[type[Base], ...] = (
    OrganisationProfile,
    Unit,
    Field,
    AnnouncementDecision,
    Procedure,
    AnnouncementItem,
    Dossier,
    DossierEvent,
    DossierReceivedDay,
    DossierClosedDay,
    Questionnaire,
    Criterion,
    CriterionOption,
    SurveyCampaign,
    RespondentGroup,
    SurveyForm,
    SurveyAnswer,
    SurveyOptionCount,
    Task,
    DocumentCount,
    ObjectiveYear,
    QualityObjective,
    ReportText,
    IssuedReport,
    WorkdayException,
    UnitAlias,
    UnitName,
    UnitSuccession,
    DataPackage,
    PackageRecord,
)
