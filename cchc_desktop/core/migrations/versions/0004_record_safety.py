"""record safety (issue 12: versions, audit trail, recycle bin, import batches)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

A ``version`` column on every editable table (the ones with ``updated_by``; existing rows get 1, no
table rebuild: ``ADD COLUMN`` with a default), the audit trail ``audit_entry`` and the import batches
``import_batch``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _editable_tables() -> list[str]:
    inspector = sa.inspect(op.get_bind())
    out = []
    for name in inspector.get_table_names():
        columns = {c["name"] for c in inspector.get_columns(name)}
        if "updated_by" in columns and "version" not in columns:
            out.append(name)
    return sorted(out)


def upgrade() -> None:
    for name in _editable_tables():
        op.add_column(name, sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False))
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("n_new", sa.Integer(), nullable=False),
        sa.Column("n_updated", sa.Integer(), nullable=False),
        sa.Column("n_rejected", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    op.create_index("ix_import_batch_at", "import_batch", ["at"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_code", sa.String(length=300), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=True),
        sa.Column("old_values", sa.Text(), nullable=True),
        sa.Column("new_values", sa.Text(), nullable=True),
        sa.Column("children", sa.Text(), nullable=True),
        sa.Column("in_bin", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"], name=op.f("fk_audit_entry_batch_id_import_batch"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index("ix_audit_entry_batch_id", "audit_entry", ["batch_id"])
    op.create_index("ix_audit_entry_table_record", "audit_entry", ["table_name", "record_id"])
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.create_index("ix_audit_entry_bin", "audit_entry", ["in_bin"], sqlite_where=sa.text("in_bin"),
                    postgresql_where=sa.text("in_bin"))


def downgrade() -> None:
    op.drop_table("audit_entry")
    op.drop_table("import_batch")
    for name in _versioned_tables():
        with op.batch_alter_table(name) as batch:
            batch.drop_column("version")


def _versioned_tables() -> list[str]:
    inspector = sa.inspect(op.get_bind())
    return sorted(n for n in inspector.get_table_names()
                  if {"updated_by", "version"} <= {c["name"] for c in inspector.get_columns(n)})
