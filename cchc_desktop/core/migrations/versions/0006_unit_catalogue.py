"""unit catalogue (issue 14: unit codes and room mappings)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Units keep their one-stop code and whether an import created them; fields too; the rooms of the
department (and other names a file uses for a unit) map to a unit in ``unit_alias``. Columns are
added, never rebuilt (no batch copy of ``unit``), so nothing else is touched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("unit", sa.Column("code", sa.String(length=50), nullable=True))
    op.add_column("unit", sa.Column("needs_review", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index("ix_unit_code", "unit", ["code"], unique=True)
    op.add_column("field", sa.Column("needs_review", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "unit_alias",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("is_room", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        # the record-safety version of every editable table (revision 0004)
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_unit_alias_unit_id_unit"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_alias")),
        sa.UniqueConstraint("name_key", name=op.f("uq_unit_alias_name_key")),
    )
    op.create_index("ix_unit_alias_code", "unit_alias", ["code"], unique=True)
    op.create_index("ix_unit_alias_unit_id", "unit_alias", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_unit_alias_unit_id", table_name="unit_alias")
    op.drop_index("ix_unit_alias_code", table_name="unit_alias")
    op.drop_table("unit_alias")
    with op.batch_alter_table("field") as batch:
        batch.drop_column("needs_review")
    op.drop_index("ix_unit_code", table_name="unit")
    with op.batch_alter_table("unit") as batch:
        batch.drop_column("needs_review")
        batch.drop_column("code")
