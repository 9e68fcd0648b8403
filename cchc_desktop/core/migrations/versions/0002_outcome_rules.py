"""outcome rules (issue 11: outcome rule presets)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

The organisation profile names the outcome rule preset (core.indicators.OUTCOME_RULES) that decides in
which Biểu 06a column a dossier that ended without a result is counted; existing databases get the
default, the provincial one-stop systems' Biểu 06a rule. A plain added column: no table rebuild.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "organisation_profile",
        sa.Column("outcome_rule", sa.String(length=30), nullable=False, server_default="bieu06a"),
    )


def downgrade() -> None:
    with op.batch_alter_table("organisation_profile") as batch:
        batch.drop_column("outcome_rule")
