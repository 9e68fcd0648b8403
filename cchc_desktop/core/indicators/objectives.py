"""The indicator catalogue, the quality objectives and the whole set of a period (``compute_all``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as m
from ..defaults import DEFAULT_OBJECTIVES
from ..enums import Comparator
from ..periods import FamilyPeriods, Period, PeriodSpec, periods_for
from .common import NO_FIGURE, Figure, OutcomeRule, Settings, _figure_json, _rate, settings_for
from .documents import DocumentSummary, document_summary
from .dossiers import (
    DOSSIER_CLASS_NAMES,
    DOSSIER_FIGURES,
    DossierClasses,
    FieldRow,
    MonthRow,
    OnlineUptake,
    dossier_classes,
    dossier_classes_by_field,
    dossiers_by_month,
    online_uptake,
)
from .procedures import IsoSummary, iso_summary, steps_match
from .surveys import SurveySummary, survey_summary
from .tasks import TASK_COUNTED_CLASSES, TaskSummary, task_summary

# --------------------------------------------------------------------------- objectives & the set


@dataclass(frozen=True)
class ObjectiveResult:
    number: int
    title: str
    indicator: str
    comparator: Comparator
    target: Decimal
    figure: Figure
    met: bool | None  # None: not applicable ("không phát sinh")


@dataclass(frozen=True)
class IndicatorDef:
    key: str
    name: str  # Vietnamese
    family: str  # which data family's period it uses: dossiers, tasks, surveys, documents
    compute: Callable[[Session, FamilyPeriods], Figure]
    pick: Callable[[IndicatorSet], Figure]  # the same figure from an IndicatorSet already computed


@dataclass(frozen=True)
class IndicatorSet:
    spec: PeriodSpec
    periods: FamilyPeriods
    dossiers: DossierClasses
    by_field: list[FieldRow]
    by_month: list[MonthRow]
    online: OnlineUptake
    tasks: TaskSummary
    survey: SurveySummary
    iso: IsoSummary
    steps_match: Figure
    documents: DocumentSummary
    objectives: list[ObjectiveResult]
    settings: Settings | None = None
    # False: the year declares no objectives and ``objectives`` are the default seven (core.defaults)
    objectives_declared: bool = True

    def how_counted(self, key: str) -> tuple[str, str]:
        """(outcome rule preset, period basis) of the catalogue figure ``key``."""
        return how_counted(key, self.periods, self.settings or Settings())

    def figure(self, key: str) -> Figure:
        """The catalogue figure ``key``, stamped with its rule and period basis."""
        return INDICATORS[key].pick(self).counted(*self.how_counted(key))

    @property
    def outcome_rule(self) -> OutcomeRule:
        return (self.settings or Settings()).outcome_rule

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``cchc-desktop indicators --json`` (issue 3 §6): counts as integers, rates as
        numbers with two decimals (null = "không phát sinh"), dates as ISO text."""
        d, o, t, sv, iso, doc = self.dossiers, self.online, self.tasks, self.survey, self.iso, self.documents
        period = self.periods.dossiers
        return {
            "period": {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "label": period.label,
            },
            "dossiers": {name: getattr(d, name) for name in DOSSIER_JSON_KEYS},
            "online": {
                "received": o.overall.denominator,
                "received_online": o.overall.numerator,
                "rate": _rate(o.overall),
                "full": _figure_json(o.full),
                "partial": _figure_json(o.partial),
                "procedures_with_dossiers": o.procedures_with_dossiers,
            },
            "tasks": {
                **{name: getattr(t, name) for name in TASK_JSON_KEYS},
                "rate": _rate(t.figure),
            },
            "survey": {
                "campaigns": len(sv.campaigns),
                "forms": sv.forms,
                "satisfaction_rate": _rate(sv.satisfaction),
                "previous_satisfaction_rate": _rate(sv.previous_satisfaction),
                "criteria": [
                    {
                        "name": c.name,
                        "options": [
                            {"label": x.label, "count": x.count, "rate": _rate(x.figure)} for x in c.options
                        ],
                    }
                    for c in sv.criteria
                ],
            },
            "iso": {
                "procedures_announced": iso.procedures_announced,
                "within_deadline": iso.within_deadline,
                "rate": _rate(iso.figure),
                "decisions": [
                    {
                        "ubnd_number": x.ubnd_number,
                        "ubnd_date": x.ubnd_date.isoformat(),
                        "iso_number": x.iso_number,
                        "iso_date": x.iso_date.isoformat() if x.iso_date else None,
                        "days": x.days,
                        "procedures": x.procedures,
                    }
                    for x in iso.decisions
                ],
            },
            "steps_match": {
                "in_force": self.steps_match.denominator,
                "matching": self.steps_match.numerator,
                "rate": _rate(self.steps_match),
            },
            "documents": {
                "outgoing": doc.outgoing,
                "secret": doc.secret,
                "electronic": doc.electronic,
                "rate": _rate(doc.figure),
                "decisions": doc.decisions,
                "incoming": doc.incoming,
                "incoming_electronic": doc.incoming_electronic,
            },
            "objectives": [
                {
                    "number": x.number,
                    "title": x.title,
                    "indicator": x.indicator,
                    "comparator": x.comparator.value,
                    "target": float(x.target),
                    "numerator": x.figure.numerator,
                    "denominator": x.figure.denominator,
                    "value": _rate(x.figure),
                    "met": x.met,
                    "rule": x.figure.rule or None,
                    "basis": x.figure.basis or None,
                }
                for x in self.objectives
            ],
            "objectives_declared": self.objectives_declared,
            # how each figure was counted (issue 11 §4): the outcome rule preset and the period basis
            "outcome_rule": {
                "key": self.outcome_rule.key,
                "name": self.outcome_rule.name,
                "default": self.outcome_rule.is_default,
            },
            "figures": {key: _counted_json(self.figure(key)) for key in INDICATORS},
        }


# the JSON names every dossier class, the drill-downs' names (one list)
DOSSIER_JSON_KEYS = DOSSIER_CLASS_NAMES
TASK_JSON_KEYS = ("total", *TASK_COUNTED_CLASSES)


# --------------------------------------------------------------------------- catalogue


def _family(fp: FamilyPeriods, family: str) -> Period:
    return getattr(fp, family)


INDICATORS: dict[str, IndicatorDef] = {
    ind.key: ind
    for ind in (
        IndicatorDef(
            "dossiers_on_time",
            "Tỷ lệ hồ sơ giải quyết trước và đúng hạn",
            "dossiers",
            lambda s, fp: dossier_classes(s, fp.dossiers).on_time_figure,
            lambda x: x.dossiers.on_time_figure,
        ),
        IndicatorDef(
            "dossiers_early",
            "Tỷ lệ hồ sơ giải quyết trước hạn",
            "dossiers",
            lambda s, fp: dossier_classes(s, fp.dossiers).early_figure,
            lambda x: x.dossiers.early_figure,
        ),
        IndicatorDef(
            "survey_satisfaction",
            "Mức độ hài lòng của tổ chức, cá nhân",
            "surveys",
            lambda s, fp: survey_summary(s, fp.surveys).satisfaction,
            lambda x: x.survey.satisfaction,
        ),
        IndicatorDef(
            "iso_within_deadline",
            "Tỷ lệ TTHC được xây dựng quy trình ISO đúng thời hạn",
            "dossiers",
            lambda s, fp: iso_summary(s, fp.dossiers).figure,
            lambda x: x.iso.figure,
        ),
        IndicatorDef(
            "steps_match",
            "Tỷ lệ TTHC có quy trình ISO thống nhất với phần mềm một cửa",
            "dossiers",
            lambda s, fp: steps_match(s, fp.dossiers),
            lambda x: x.steps_match,
        ),
        IndicatorDef(
            "tasks_on_time",
            "Tỷ lệ nhiệm vụ UBND tỉnh giao hoàn thành đúng hạn",
            "tasks",
            lambda s, fp: task_summary(s, fp.tasks).figure,
            lambda x: x.tasks.figure,
        ),
        IndicatorDef(
            "documents_electronic",
            "Tỷ lệ văn bản đi (không mật) gửi dưới dạng điện tử",
            "documents",
            lambda s, fp: document_summary(s, fp.documents).figure,
            lambda x: x.documents.figure,
        ),
        IndicatorDef(
            "documents_incoming_electronic",
            "Tỷ lệ văn bản đến được xử lý trên môi trường điện tử",
            "documents",
            lambda s, fp: document_summary(s, fp.documents).incoming_figure,
            lambda x: x.documents.incoming_figure,
        ),
        IndicatorDef(
            "online_uptake",
            "Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến",
            "dossiers",
            lambda s, fp: online_uptake(s, fp.dossiers).overall,
            lambda x: x.online.overall,
        ),
        IndicatorDef(
            "online_uptake_full",
            "Tỷ lệ hồ sơ trực tuyến của TTHC toàn trình",
            "dossiers",
            lambda s, fp: online_uptake(s, fp.dossiers).full,
            lambda x: x.online.full,
        ),
        IndicatorDef(
            "online_uptake_partial",
            "Tỷ lệ hồ sơ trực tuyến của TTHC một phần",
            "dossiers",
            lambda s, fp: online_uptake(s, fp.dossiers).partial,
            lambda x: x.online.partial,
        ),
    )
}


def is_met(comparator: Comparator, value: Decimal | None, target: Decimal) -> bool | None:
    """Compare a rate with its target; ``None`` when the rate is not applicable."""
    if value is None:
        return None
    target = Decimal(target)
    if comparator == Comparator.GT:
        return value > target
    if comparator == Comparator.EQ:
        return value == target
    return value >= target


def _counted_json(figure: Figure) -> dict[str, Any]:
    return {
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "value": _rate(figure),
        "rule": figure.rule or None,
        "basis": figure.basis or None,
    }


def how_counted(key: str, periods: FamilyPeriods, settings: Settings) -> tuple[str, str]:
    """(outcome rule preset — "" for a figure no preset changes —, period basis) of catalogue figure ``key``."""
    ind = INDICATORS.get(key)
    family = ind.family if ind is not None else "dossiers"
    basis = getattr(periods, family).convention.value
    return (settings.outcome_rule.key if key in DOSSIER_FIGURES else "", basis)


def _objective_rows(session: Session, year: int) -> tuple[Sequence[Any], bool]:
    """The year's objectives, and whether the year declares them: the default seven when it does not
    (the one place defaults are resolved — the dashboard and the reports both read this)."""
    oy = session.scalar(select(m.ObjectiveYear).where(m.ObjectiveYear.year == year))
    declared = list(oy.objectives) if oy is not None else []
    if declared:
        return declared, True
    return DEFAULT_OBJECTIVES, False


def _evaluate(
    objectives: Sequence[Any],  # models.QualityObjective or defaults.ObjectiveSpec
    figure_of: Callable[[str], Figure | None],
    stamp: Callable[[str], tuple[str, str]] | None = None,
) -> list[ObjectiveResult]:
    results = []
    for obj in objectives:
        figure = figure_of(obj.indicator)
        if figure is not None and stamp is not None:
            figure = figure.counted(*stamp(obj.indicator))
        comparator = Comparator(obj.comparator)
        target = Decimal(obj.target)
        results.append(
            ObjectiveResult(
                number=obj.number,
                title=obj.title,
                indicator=obj.indicator,
                comparator=comparator,
                target=target,
                figure=figure or NO_FIGURE,
                met=is_met(comparator, figure.value, target) if figure is not None else None,
            )
        )
    return results


def evaluate_objectives(session: Session, spec: PeriodSpec) -> list[ObjectiveResult]:
    """The quality objectives of ``spec``'s year, each with its figure for ``spec`` and whether it
    was met (None: not applicable, or an indicator the catalogue does not know)."""
    periods = periods_for(session, spec)

    def figure_of(key: str) -> Figure | None:
        ind = INDICATORS.get(key)
        return ind.compute(session, periods) if ind is not None else None

    settings = settings_for(session)
    rows, _declared = _objective_rows(session, spec.year)
    return _evaluate(rows, figure_of, lambda key: how_counted(key, periods, settings))


def compute_all(session: Session, spec: PeriodSpec) -> IndicatorSet:
    """Every figure of ``spec``, each data family on its own period (organisation conventions)."""
    periods = periods_for(session, spec)
    settings = settings_for(session)
    dp = periods.dossiers
    by_field = dossier_classes_by_field(session, dp, settings=settings)
    partial = IndicatorSet(
        spec=spec,
        periods=periods,
        dossiers=sum((row.classes for row in by_field), DossierClasses()),
        by_field=by_field,
        by_month=dossiers_by_month(session, dp, settings=settings),
        online=online_uptake(session, dp, settings=settings),
        tasks=task_summary(session, periods.tasks),
        survey=survey_summary(session, periods.surveys),
        iso=iso_summary(session, dp, settings=settings),
        steps_match=steps_match(session, dp),
        documents=document_summary(session, periods.documents),
        objectives=[],
        settings=settings,
    )

    def figure_of(key: str) -> Figure | None:
        ind = INDICATORS.get(key)
        return ind.pick(partial) if ind is not None else None

    rows, declared = _objective_rows(session, spec.year)
    objectives = _evaluate(rows, figure_of, partial.how_counted)
    return replace(partial, objectives=objectives, objectives_declared=declared)
