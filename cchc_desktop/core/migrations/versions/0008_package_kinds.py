"""package kinds (issue 16: survey campaigns, document counts and report texts of subordinate units)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

A unit's data package also brings its survey campaigns, monthly document counts and report texts; at the
department they are kept beside its own, marked with the unit (``unit_id``; NULL: the organisation's own).
``document_count`` and ``report_text`` were unique per month / per section; they become unique per unit
and month / section through two partial unique indexes each, one for the organisation's own rows (unit
NULL) and one for the units' (a plain UNIQUE lets several NULLs through). SQLite cannot drop a table's UNIQUE constraint: those two small tables are rebuilt (no
other table refers to them); ``survey_campaign`` only gets a column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _unit_column(table: str) -> sa.Column:
    return sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id", name=op.f(f"fk_{table}_unit_id_unit"),
                                                            ondelete="RESTRICT"), nullable=True)  # fmt: skip


_OWN, _UNITS = sa.text("unit_id IS NULL"), sa.text("unit_id IS NOT NULL")
_UNIQUE = {
    "document_count": ("uq_document_month", ["year", "month"]),
    "report_text": ("uq_report_text", ["report_type", "period_key", "section_key"]),
}


def upgrade() -> None:
    with op.batch_alter_table("survey_campaign") as batch:
        batch.add_column(_unit_column("survey_campaign"))
    op.create_index("ix_survey_campaign_unit_id", "survey_campaign", ["unit_id"])
    for table, (unique, columns) in _UNIQUE.items():
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.add_column(_unit_column(table))
            batch.drop_constraint(unique, type_="unique")
        what = "month" if table == "document_count" else "section"
        op.create_index(f"uq_{table}_own_{what}", table, columns, unique=True, sqlite_where=_OWN, postgresql_where=_OWN)
        op.create_index(f"uq_{table}_unit_{what}", table, ["unit_id", *columns], unique=True,
                        sqlite_where=_UNITS, postgresql_where=_UNITS)  # fmt: skip


def downgrade() -> None:
    for table, (unique, columns) in _UNIQUE.items():
        op.execute(sa.text(f"DELETE FROM {table} WHERE unit_id IS NOT NULL"))
        what = "month" if table == "document_count" else "section"
        op.drop_index(f"uq_{table}_unit_{what}", table_name=table)
        op.drop_index(f"uq_{table}_own_{what}", table_name=table)
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.drop_column("unit_id")
            batch.create_unique_constraint(unique, columns)
    op.drop_index("ix_survey_campaign_unit_id", table_name="survey_campaign")
    with op.batch_alter_table("survey_campaign") as batch:
        batch.drop_column("unit_id")
