"""Satisfaction surveys (SPEC §5, objective 2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from .. import models as m
from ..enums import SurveyMode
from ..periods import Period
from .common import Figure, _int

# --------------------------------------------------------------------------- survey


@dataclass(frozen=True)
class OptionResult:
    label: str
    rank: int
    count: int
    figure: Figure  # count / forms


@dataclass(frozen=True)
class CriterionResult:
    name: str
    short_name: str | None
    is_overall: bool
    options: list[OptionResult]

    @property
    def answered(self) -> int:
        return sum(o.count for o in self.options)

    def best(self, n: int = 1) -> Figure:
        """Share of forms answering with one of the ``n`` best options."""
        forms = self.options[0].figure.denominator if self.options else 0
        return Figure(sum(o.count for o in self.options[:n]), forms)


@dataclass(frozen=True)
class SurveySummary:
    campaigns: list[str]
    forms: int
    satisfaction: Figure
    previous_satisfaction: Figure | None
    criteria: list[CriterionResult]
    previous_criteria: list[CriterionResult]
    report_number: str | None = None
    report_date: dt.date | None = None
    groups: int = 0
    previous_campaigns: list[str] = field(default_factory=list)
    previous_forms: int = 0
    previous_year: int | None = None
    campaign_ids: tuple[int, ...] = ()
    previous_report_number: str | None = None
    previous_report_date: dt.date | None = None

    @property
    def return_time(self) -> CriterionResult | None:
        """The first criterion (return time vs appointment) — compared with the previous campaign."""
        return self.criteria[0] if self.criteria else None

    @property
    def previous_return_time(self) -> CriterionResult | None:
        return self.previous_criteria[0] if self.previous_criteria else None


# --------------------------------------------------------------------------- survey


@dataclass(frozen=True)
class _Campaign:
    id: int
    title: str
    year: int
    held_on: dt.date | None
    report_number: str | None
    report_date: dt.date | None
    questionnaire_id: int
    forms: int

    @property
    def order(self) -> tuple[dt.date, int]:
        return (self.held_on or dt.date(self.year, 12, 31), self.id)


def _campaigns(session: Session, where: Any) -> list[_Campaign]:
    c = m.SurveyCampaign
    counted = select(func.count()).where(m.SurveyForm.campaign_id == c.id).correlate(c).scalar_subquery()
    forms = case((c.mode == SurveyMode.TOTALS.value, func.coalesce(c.total_forms, 0)), else_=counted)
    rows = session.execute(
        select(
            c.id,
            c.title,
            c.year,
            c.held_on,
            c.report_number,
            c.report_date,
            c.questionnaire_id,
            forms.label("forms"),
        ).where(where)
    ).all()
    found = [
        _Campaign(row[0], row[1], row[2], row[3], row[4], row[5], row[6], _int(row.forms)) for row in rows
    ]
    return sorted(found, key=lambda x: x.order)


def _criteria(session: Session, campaigns: list[_Campaign]) -> list[CriterionResult]:
    """Distribution of the answers per criterion over ``campaigns`` (forms or totals)."""
    if not campaigns:
        return []
    ids = [c.id for c in campaigns]
    forms_by_questionnaire: dict[int, int] = {}
    for camp in campaigns:
        forms_by_questionnaire[camp.questionnaire_id] = (
            forms_by_questionnaire.get(camp.questionnaire_id, 0) + camp.forms
        )
    a, f, oc = m.SurveyAnswer, m.SurveyForm, m.SurveyOptionCount
    from_forms = (
        select(a.option_id.label("option_id"), func.count().label("n"))
        .join(f, f.id == a.form_id)
        .join(m.SurveyCampaign, m.SurveyCampaign.id == f.campaign_id)
        .where(f.campaign_id.in_(ids), m.SurveyCampaign.mode == SurveyMode.FORMS.value)
        .group_by(a.option_id)
    )
    from_totals = (
        select(oc.option_id.label("option_id"), func.sum(oc.count).label("n"))
        .join(m.SurveyCampaign, m.SurveyCampaign.id == oc.campaign_id)
        .where(oc.campaign_id.in_(ids), m.SurveyCampaign.mode == SurveyMode.TOTALS.value)
        .group_by(oc.option_id)
    )
    counts: dict[int, int] = {}
    for stmt in (from_forms, from_totals):
        for option_id, n in session.execute(stmt):
            counts[option_id] = counts.get(option_id, 0) + _int(n)
    cr, op = m.Criterion, m.CriterionOption
    rows = session.execute(
        select(cr.id, cr.questionnaire_id, cr.name, cr.short_name, cr.is_overall, op.id, op.label, op.rank)
        .join(op, op.criterion_id == cr.id)
        .where(cr.questionnaire_id.in_(list(forms_by_questionnaire)))
        .order_by(cr.questionnaire_id, cr.sort_order, op.rank)
    ).all()
    results: list[CriterionResult] = []
    current: int | None = None
    for crit_id, q_id, name, short, overall, option_id, label, rank in rows:
        if crit_id != current:
            results.append(CriterionResult(name, short, bool(overall), []))
            current = crit_id
        n = counts.get(option_id, 0)
        results[-1].options.append(OptionResult(label, rank, n, Figure(n, forms_by_questionnaire[q_id])))
    return results


def _satisfaction(criteria: list[CriterionResult], forms: int) -> Figure:
    """Forms answering the overall criterion with one of its two best options / forms."""
    for crit in criteria:
        if crit.is_overall:
            return Figure(sum(o.count for o in crit.options if o.rank <= 2), forms)
    return Figure(0, forms if forms == 0 else 0)


def campaign_held_in(period: Period) -> Any:
    """The campaigns that belong to ``period``: held in it (by their date, else their year) — for the
    indicators and the unit's data package alike."""
    c = m.SurveyCampaign
    return or_(c.held_on.between(period.start, period.end), and_(c.held_on.is_(None), c.year == period.spec.year))


def survey_summary(session: Session, period: Period) -> SurveySummary:
    """The campaigns held in the period (by their date, else their year), every criterion's
    distribution, the satisfaction rate, and the previous campaign for comparison."""
    campaigns = _campaigns(session, campaign_held_in(period))
    forms = sum(x.forms for x in campaigns)
    criteria = _criteria(session, campaigns)
    groups = 0
    if campaigns:
        groups = _int(
            session.scalar(
                select(func.count()).where(m.RespondentGroup.campaign_id.in_([x.id for x in campaigns]))
            )
        )
    previous = _previous_campaign(session, campaigns, period)
    previous_criteria = _criteria(session, [previous]) if previous else []
    last = campaigns[-1] if campaigns else None
    return SurveySummary(
        campaigns=[x.title for x in campaigns],
        forms=forms,
        satisfaction=_satisfaction(criteria, forms),
        previous_satisfaction=_satisfaction(previous_criteria, previous.forms) if previous else None,
        criteria=criteria,
        previous_criteria=previous_criteria,
        report_number=last.report_number if last else None,
        report_date=last.report_date if last else None,
        groups=groups,
        previous_campaigns=[previous.title] if previous else [],
        previous_forms=previous.forms if previous else 0,
        previous_year=previous.year if previous else None,
        campaign_ids=tuple(x.id for x in campaigns),
        previous_report_number=previous.report_number if previous else None,
        previous_report_date=previous.report_date if previous else None,
    )


def survey_of_campaign(session: Session, campaign_id: int) -> SurveySummary:
    """One campaign on its own (forms, distributions, satisfaction), e.g. for the survey page."""
    found = _campaigns(session, m.SurveyCampaign.id == campaign_id)
    forms = sum(x.forms for x in found)
    criteria = _criteria(session, found)
    return SurveySummary(
        campaigns=[x.title for x in found],
        forms=forms,
        satisfaction=_satisfaction(criteria, forms),
        previous_satisfaction=None,
        criteria=criteria,
        previous_criteria=[],
        report_number=found[0].report_number if found else None,
        report_date=found[0].report_date if found else None,
        campaign_ids=tuple(x.id for x in found),
    )


def _previous_campaign(session: Session, campaigns: list[_Campaign], period: Period) -> _Campaign | None:
    """The latest campaign held before the period's first campaign (before the period when it has none)."""
    c = m.SurveyCampaign
    if campaigns:
        first = campaigns[0]
        ids = [x.id for x in campaigns]
        limit = first.held_on or dt.date(first.year, 1, 1)
        where = and_(c.id.not_in(ids), or_(c.held_on < limit, and_(c.held_on.is_(None), c.year < limit.year)))
    else:
        where = or_(c.held_on < period.start, and_(c.held_on.is_(None), c.year < period.start.year))
    earlier = _campaigns(session, where)
    return earlier[-1] if earlier else None
