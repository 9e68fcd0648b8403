"""report register (issue 13: reports, signers, quality documents)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

The register of issued reports keeps the signer's authority and title and the issued files themselves
(a reprint reproduces them); the organisation's signers; the year's quality-management documents and
the address where the procedures are published (R1, objective 4). Columns are only added: no table
rebuild.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        # the record-safety version of every editable table (revision 0004)
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
    ]


def upgrade() -> None:
    op.add_column("issued_report", sa.Column("signer_authority", sa.String(length=100), nullable=True))
    op.add_column("issued_report", sa.Column("signer_title", sa.String(length=100), nullable=True))
    op.add_column("issued_report", sa.Column("docx_content", sa.LargeBinary(), nullable=True))
    op.add_column("issued_report", sa.Column("pdf_content", sa.LargeBinary(), nullable=True))
    op.add_column("issued_report", sa.Column("sha256", sa.String(length=64), nullable=True))
    op.add_column("objective_year", sa.Column("publication_url", sa.Text(), nullable=True))
    op.create_table(
        "signer",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signer")),
        sa.UniqueConstraint("name", "authority", name=op.f("uq_signer_name_authority")),
    )
    op.create_table(
        "quality_document",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_document")),
        sa.UniqueConstraint("year", "number", name=op.f("uq_quality_document_year_number")),
    )
    op.create_index(op.f("ix_quality_document_year"), "quality_document", ["year"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_quality_document_year"), table_name="quality_document")
    op.drop_table("quality_document")
    op.drop_table("signer")
    with op.batch_alter_table("objective_year") as batch:
        batch.drop_column("publication_url")
    with op.batch_alter_table("issued_report") as batch:
        for column in ("sha256", "pdf_content", "docx_content", "signer_title", "signer_authority"):
            batch.drop_column(column)
