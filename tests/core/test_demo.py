"""The demo database holds the reference report's records (SPEC §10), deterministically."""

from __future__ import annotations

from sqlalchemy import func, select, text

from cchc_desktop.core import models as m


def test_demo_record_counts(demo_db) -> None:
    with demo_db.session() as s:
        count = lambda model: s.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert count(m.OrganisationProfile) == 1
        assert count(m.Unit) == 3
        assert s.scalar(select(func.count()).where(m.Procedure.abolished_on.is_(None))) == 117
        forms_2024 = select(func.count()).select_from(m.SurveyForm).join(
            m.SurveyCampaign, m.SurveyForm.campaign_id == m.SurveyCampaign.id
        )
        assert s.scalar(forms_2024.where(m.SurveyCampaign.year == 2024)) == 65
        assert sorted(s.scalars(select(m.ObjectiveYear.year))) == [2023, 2024, 2026]  # 2026: the current period
        profile = s.scalar(select(m.OrganisationProfile))
        assert profile.parent_agency == "UBND TỈNH KHÁNH HÒA" and profile.signer_name == "Lê Văn Khoa"


def test_demo_dossier_classes_of_2024_by_plain_sql(demo_db) -> None:
    """Independent of core.indicators: the raw records reproduce the reference figures."""
    q = {
        "carried": "received_on < '2023-12-15' AND (resolved_on IS NULL OR resolved_on >= '2023-12-15')",
        "received": "received_on BETWEEN '2023-12-15' AND '2024-12-14'",
        "early": "outcome = 'resolved' AND resolved_on BETWEEN '2023-12-15' AND '2024-12-14' AND resolved_on < due_on",
        "on_time": "outcome = 'resolved' AND resolved_on BETWEEN '2023-12-15' AND '2024-12-14' AND resolved_on = due_on",
        "late": "outcome = 'resolved' AND resolved_on BETWEEN '2023-12-15' AND '2024-12-14' AND resolved_on > due_on",
    }
    with demo_db.engine.connect() as conn:
        got = {k: conn.execute(text(f"SELECT COUNT(*) FROM dossier WHERE {w}")).scalar() for k, w in q.items()}
    assert got == {"carried": 187, "received": 3620, "early": 3585, "on_time": 2, "late": 0}


def test_demo_is_deterministic(tmp_path) -> None:
    from cchc_desktop.core.db import open_database
    from cchc_desktop.core.demo import build_demo

    digests = []
    for name in ("a.db", "b.db"):
        db = open_database(tmp_path / name)
        build_demo(db)
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT code, procedure_id, channel, received_on, due_on, resolved_on FROM dossier ORDER BY code")
            ).all()
        digests.append(hash(tuple(rows)))
        db.close()
    assert digests[0] == digests[1]


def test_only_demo_data_until_someone_edits_a_record(demo_db) -> None:
    from cchc_desktop.core import services
    from cchc_desktop.core.demo import holds_only_demo_data

    with demo_db.session() as s:
        assert holds_only_demo_data(s)
    with demo_db.transaction() as s:
        unit = s.scalar(select(m.Unit))
        services.update(s, m.Unit, unit.id, {"short_name": "Văn phòng"}, user="nguyen.van.a")
    with demo_db.session() as s:
        assert not holds_only_demo_data(s)
