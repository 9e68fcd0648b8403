"""unit packages (issue 16: unit validity, packages, provenance)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Units over time: the days a unit existed, the unit it became (merges, the end of the district level on
01/7/2025) and the names it had before (``unit_name``). Columns are added to ``unit`` (no rebuild).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain added columns: no copy of ``unit`` (a copy would run the ON DELETE actions of the tables that
    # refer to it, with the foreign keys on).
    op.add_column("unit", sa.Column("valid_from", sa.Date(), nullable=True))
    op.add_column("unit", sa.Column("valid_to", sa.Date(), nullable=True))
    op.create_table(
        "unit_name",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint("valid_from IS NULL OR valid_from <= valid_to",
                           name=op.f("ck_unit_name_name_period_ordered")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_unit_name_unit_id_unit"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_name")),
    )
    op.create_index("ix_unit_name_unit_id", "unit_name", ["unit_id"])
    op.create_table(
        "unit_succession",
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint("predecessor_id <> successor_id", name=op.f("ck_unit_succession_not_itself")),
        sa.ForeignKeyConstraint(["predecessor_id"], ["unit.id"], name=op.f("fk_unit_succession_predecessor_id_unit"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["successor_id"], ["unit.id"], name=op.f("fk_unit_succession_successor_id_unit"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_succession")),
        sa.UniqueConstraint("predecessor_id", "successor_id", name=op.f("uq_unit_succession_predecessor_id")),
    )
    op.create_index("ix_unit_succession_predecessor_id", "unit_succession", ["predecessor_id"])
    op.create_index("ix_unit_succession_successor_id", "unit_succession", ["successor_id"])
    op.create_table(
        "data_package",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=40), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("schema_revision", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        *_common(),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_data_package_unit_id_unit"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_package")),
        sa.UniqueConstraint("checksum", name=op.f("uq_data_package_checksum")),
    )
    op.create_index("ix_data_package_unit_id", "data_package", ["unit_id"])
    op.create_index("ix_data_package_period_end", "data_package", ["period_end"])
    op.create_table(
        "package_record",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
        *_common(),
        sa.ForeignKeyConstraint(["package_id"], ["data_package.id"], name=op.f("fk_package_record_package_id_data_package"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_record")),
    )
    op.create_index("ix_package_record_package_id", "package_record", ["package_id"])
    op.create_index("ix_package_record_table_record", "package_record", ["table_name", "record_id"])


def _common() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
    ]


def downgrade() -> None:
    op.drop_index("ix_package_record_table_record", table_name="package_record")
    op.drop_index("ix_package_record_package_id", table_name="package_record")
    op.drop_table("package_record")
    op.drop_index("ix_data_package_period_end", table_name="data_package")
    op.drop_index("ix_data_package_unit_id", table_name="data_package")
    op.drop_table("data_package")
    op.drop_index("ix_unit_succession_successor_id", table_name="unit_succession")
    op.drop_index("ix_unit_succession_predecessor_id", table_name="unit_succession")
    op.drop_table("unit_succession")
    op.drop_index("ix_unit_name_unit_id", table_name="unit_name")
    op.drop_table("unit_name")
    with op.batch_alter_table("unit") as batch:
        batch.drop_column("valid_to")
        batch.drop_column("valid_from")
