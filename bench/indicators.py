"""Indicators benchmark (issue 3 §8): the statistical year 2024 on the synthetic database
(``bench/synthetic.py``, 1.000.000 dossiers by default).

- "year set": ``compute_all`` — every figure of the year with the by-field and by-month breakdowns,
  online uptake, tasks, survey, ISO, documents and the objectives.
- "12-month series": what the dashboard draws — the dossier classes of each of the 12 months plus
  each month's online uptake.

Peers, on the same rows: pandas loading the dossiers from the database then computing the same
classes (what an analyst would do), and pandas computing on a DataFrame already in memory (the
columnar floor: no database, no loading). Each peer's answer is checked against ours first.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.run import Case, Context, Peer, benchmark
from bench.synthetic import synthetic_database
from cchc_desktop.core.db import open_database
from cchc_desktop.core.indicators import (
    IndicatorSet,
    compute_all,
    dossier_classes,
    dossiers_by_month,
    online_uptake,
)
from cchc_desktop.core.periods import Period, PeriodSpec, periods_for

YEAR = PeriodSpec.parse("2024")
COLUMNS = "received_on, resolved_on, due_on, outcome, channel, field_id, procedure_id"


# --------------------------------------------------------------------------- the peer (pandas)


def load_frames(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the dossiers and procedures as an analyst would: read_sql, parse the dates, make the
    text columns categorical."""
    con = sqlite3.connect(path)
    try:
        df = pd.read_sql_query(f"SELECT {COLUMNS} FROM dossier", con)
        procs = pd.read_sql_query("SELECT id AS procedure_id, online_level FROM procedure", con)
    finally:
        con.close()
    for col in ("received_on", "resolved_on", "due_on"):
        df[col] = pd.to_datetime(df[col], format="%Y-%m-%d")
    for col in ("outcome", "channel"):
        df[col] = df[col].astype("category")
    return df, procs


@dataclass(frozen=True)
class PeerResult:
    totals: dict[str, int]
    by_field: dict[int, int]  # field → resolved (enough to prove the grouping)
    by_month: list[tuple[int, int]]  # (received, early) per month
    online: tuple[int, int, int]  # online, received, procedures with dossiers


def _bounds(period: Period) -> tuple[np.datetime64, np.datetime64]:
    return np.datetime64(period.start, "ns"), np.datetime64(period.end, "ns")


def _is(df: pd.DataFrame, col: str, value: str) -> np.ndarray:
    """``df[col] == value`` on the categorical codes (fast)."""
    cat = df[col].cat
    if value not in cat.categories:
        return np.zeros(len(df), dtype=bool)
    return cat.codes.to_numpy() == cat.categories.get_loc(value)


def pandas_classes(df: pd.DataFrame, period: Period) -> dict[str, Any]:
    """Boolean masks of every class of ``period`` (vectorised), under the default outcome rule (Biểu 06a:
    returned / withdrawn / refused = resolved on time; stopped = still in progress; the synthetic rows
    carry no supplement events)."""
    s, e = _bounds(period)
    r, c, due = df["received_on"].to_numpy(), df["resolved_on"].to_numpy(), df["due_on"].to_numpy()
    result = _is(df, "outcome", "resolved")
    ended = _is(df, "outcome", "returned") | _is(df, "outcome", "withdrawn") | _is(df, "outcome", "refused")
    stopped = _is(df, "outcome", "stopped")
    really_open = np.isnat(c)
    not_closed = really_open | stopped
    received = (r >= s) & (r <= e)
    ended_in = (c >= s) & (c <= e)
    closed_in = ended_in & ~stopped
    in_progress = (r <= e) & (not_closed | (c > e))
    overdue = in_progress & (really_open | (c > e)) & (due < e)
    return {
        "carried_over": (r < s) & (not_closed | (c >= s)),
        "received": received,
        "received_online": received & _is(df, "channel", "online"),
        "received_direct": received & _is(df, "channel", "direct"),
        "received_postal": received & _is(df, "channel", "postal"),
        "resolved": closed_in,
        "early": closed_in & result & (c < due),
        "on_time": closed_in & ((result & (c == due)) | ended),
        "late": closed_in & result & (c > due),
        "ended_without_result": ended_in & ~result,
        "in_progress": in_progress,
        "in_progress_within": in_progress & ~overdue,
        "in_progress_overdue": overdue,
    }


def pandas_online(df: pd.DataFrame, procs: pd.DataFrame, period: Period) -> tuple[int, int, int]:
    s, e = _bounds(period)
    ids = procs["procedure_id"].to_numpy()
    offered = np.zeros(ids.max() + 1, dtype=bool)
    offered[ids[procs["online_level"].isin(["full", "partial"]).to_numpy()]] = True
    proc = df["procedure_id"].to_numpy()
    r = df["received_on"].to_numpy()
    rows = (r >= s) & (r <= e) & offered[proc]
    with_dossiers = int((np.bincount(proc[rows], minlength=len(offered)) > 0).sum())
    return int((rows & _is(df, "channel", "online")).sum()), int(rows.sum()), with_dossiers


def pandas_year(df: pd.DataFrame, procs: pd.DataFrame, period: Period, months: list[Period]) -> PeerResult:
    masks = pandas_classes(df, period)
    totals = {k: int(v.sum()) for k, v in masks.items()}
    field = df["field_id"].to_numpy()
    by_field = np.bincount(field[masks["resolved"]])
    # months: which month of the period each received / resolved day falls in
    edges = np.array(
        [np.datetime64(mo.start, "ns") for mo in months]
        + [np.datetime64(period.end + dt.timedelta(days=1), "ns")]
    )
    rec_month = np.searchsorted(edges, df["received_on"].to_numpy(), side="right") - 1
    res_month = np.searchsorted(edges, df["resolved_on"].to_numpy(), side="right") - 1
    n = len(months)
    received = np.bincount(rec_month[masks["received"]], minlength=n)
    early = np.bincount(res_month[masks["early"]], minlength=n)
    return PeerResult(
        totals=totals,
        by_field={i: int(v) for i, v in enumerate(by_field.tolist()) if v},
        by_month=list(zip(received.tolist(), early.tolist(), strict=True)),
        online=pandas_online(df, procs, period),
    )


def pandas_series(
    df: pd.DataFrame, procs: pd.DataFrame, months: list[Period]
) -> list[tuple[dict[str, int], tuple]]:
    out = []
    for month in months:
        masks = pandas_classes(df, month)
        out.append(({k: int(v.sum()) for k, v in masks.items()}, pandas_online(df, procs, month)))
    return out


# --------------------------------------------------------------------------- ours


def ours_year(db: Any) -> IndicatorSet:
    with db.session() as session:
        return compute_all(session, YEAR)


def ours_series(db: Any) -> list[tuple[Any, Any]]:
    with db.session() as session:
        period = periods_for(session, YEAR).dossiers
        return [
            (row.classes, online_uptake(session, month))
            for row, month in zip(dossiers_by_month(session, period), period.month_periods(), strict=True)
        ]


def _check_year(ours: IndicatorSet, peer: PeerResult) -> None:
    d = ours.dossiers
    mismatches = {k: (getattr(d, k), v) for k, v in peer.totals.items() if getattr(d, k) != v}
    assert not mismatches, f"peer and ours disagree: {mismatches}"
    assert {r.field_id: r.classes.resolved for r in ours.by_field if r.classes.resolved} == {
        k: v for k, v in peer.by_field.items() if v
    }
    assert [(r.received, r.early) for r in ours.by_month] == peer.by_month
    o = ours.online
    assert (o.overall.numerator, o.overall.denominator, o.procedures_with_dossiers) == peer.online


def _check_series(ours: list[tuple[Any, Any]], peer: list[tuple[dict[str, int], tuple]]) -> None:
    for (classes, online), (totals, peer_online) in zip(ours, peer, strict=True):
        assert all(getattr(classes, k) == v for k, v in totals.items()), (classes, totals)
        assert (
            online.overall.numerator,
            online.overall.denominator,
            online.procedures_with_dossiers,
        ) == peer_online


@dataclass
class _Shared:
    path: Path
    db: Any
    df: pd.DataFrame
    procs: pd.DataFrame
    period: Period
    months: list[Period]


_SHARED: dict[int, _Shared] = {}


def _shared(ctx: Context) -> _Shared:
    if ctx.size not in _SHARED:
        path = synthetic_database(ctx.size, verbose=ctx.verbose)
        db = open_database(path, upgrade=False)
        with db.session() as session:
            period = periods_for(session, YEAR).dossiers
        df, procs = load_frames(path)
        _SHARED[ctx.size] = _Shared(path, db, df, procs, period, period.month_periods())
    return _SHARED[ctx.size]


@benchmark("chỉ số năm 2024 (trọn bộ, theo lĩnh vực và tháng)")
def year_set(ctx: Context) -> Case:
    sh = _shared(ctx)
    _check_year(ours_year(sh.db), pandas_year(sh.df, sh.procs, sh.period, sh.months))

    def load_and_compute() -> PeerResult:
        df, procs = load_frames(sh.path)
        return pandas_year(df, procs, sh.period, sh.months)

    return Case(
        ours=lambda: ours_year(sh.db),
        peers=[
            Peer("pandas: đọc CSDL + tính", load_and_compute),
            Peer(
                "pandas: dữ liệu sẵn trong bộ nhớ (sàn)",
                lambda: pandas_year(sh.df, sh.procs, sh.period, sh.months),
                floor=True,
            ),
        ],
        goal_seconds=0.5,
        goal_ratio=8.0,
    )


@benchmark("chuỗi 12 tháng (bảng điều khiển)")
def month_series(ctx: Context) -> Case:
    sh = _shared(ctx)
    _check_series(ours_series(sh.db), pandas_series(sh.df, sh.procs, sh.months))

    def load_and_compute() -> list:
        df, procs = load_frames(sh.path)
        return pandas_series(df, procs, sh.months)

    return Case(
        ours=lambda: ours_series(sh.db),
        peers=[
            Peer("pandas: đọc CSDL + tính", load_and_compute),
            Peer(
                "pandas: dữ liệu sẵn trong bộ nhớ (sàn)",
                lambda: pandas_series(sh.df, sh.procs, sh.months),
                floor=True,
            ),
        ],
        goal_seconds=1.0,
        goal_ratio=8.0,
    )


@benchmark("số hồ sơ của một kỳ (dossier_classes)")
def one_period(ctx: Context) -> Case:
    sh = _shared(ctx)

    def ours() -> Any:
        with sh.db.session() as session:
            return dossier_classes(session, sh.period)

    return Case(
        ours=ours,
        peers=[
            Peer(
                "pandas: dữ liệu sẵn trong bộ nhớ (sàn)",
                lambda: {k: int(v.sum()) for k, v in pandas_classes(sh.df, sh.period).items()},
                floor=True,
            )
        ],
    )
