"""dossier events (issue 11: dossier events)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Placeholder reserved for issue 11: dossier events: its schema changes go here (and in core/models.py), so that the
revision chain stays linear while several changes are made side by side.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


EVENT_KINDS = (
    "supplement_requested",
    "supplement_received",
    "extended",
    "stopped",
    "returned",
    "withdrawn",
    "refused",
)


def upgrade() -> None:
    op.create_table(
        "dossier_event",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*EVENT_KINDS, name="dossiereventkind", native_enum=False, length=28),
                  nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("document_number", sa.String(length=80), nullable=True),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("new_due_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], name=op.f("fk_dossier_event_dossier_id_dossier"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_event")),
    )
    op.create_index("ix_dossier_event_dossier_occurred", "dossier_event", ["dossier_id", "occurred_on"])
    op.create_index("ix_dossier_event_kind_occurred", "dossier_event", ["kind", "occurred_on"])
    # The move of today's dossier columns into events (without loss) is added with the services.


def downgrade() -> None:
    op.drop_index("ix_dossier_event_kind_occurred", table_name="dossier_event")
    op.drop_index("ix_dossier_event_dossier_occurred", table_name="dossier_event")
    op.drop_table("dossier_event")
