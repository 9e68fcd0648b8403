"""dossier events (issue 11: dossier events)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

The ``dossier_event`` table (SPEC §11), ``dossier.first_due_on`` (the due date at receipt, kept when a
supplement received restarts the clock), and the move of today's dossier columns into events:

- ``extended_due_on`` (+ ``apology_letter``) → one ``extended`` event. The old schema kept no date for the
  extension; the event is dated the original due date (the latest day the extension could lawfully be
  granted, capped at the day the dossier was closed), and its note says the date is not known.
- a dossier that ended without a result (outcome other than ``resolved``) → its ending event, dated
  ``resolved_on`` (the day it ended, as the schema has always recorded it).
- ``supplement_requests`` n > 0 → the count stays as it is and NO event is made. The dates of those
  requests were never recorded; an invented ``supplement_requested`` event would be a legal fact nobody
  stated, and worse, an open dossier with a request and no later receipt reads as "waiting for
  supplements" — it would move between Biểu 06a columns and change reported figures. The services keep
  ``supplement_requests`` = the undated requests (this count) + the dated ``supplement_requested`` events.

The dossier columns are not changed: after the move they already equal what the events say.
This file is frozen history: it repeats these rules in SQL rather than importing the app's code.
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
        sa.Column("document_number", sa.String(length=200), nullable=True),
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
    # A plain ADD COLUMN: no rebuild of the dossier table (its count triggers stay).
    op.add_column("dossier", sa.Column("first_due_on", sa.Date(), nullable=True))

    op.execute(
        "INSERT INTO dossier_event (dossier_id, kind, occurred_on, document_number, new_due_on, note, updated_by) "
        "SELECT id, 'extended', CASE WHEN resolved_on IS NOT NULL AND resolved_on < due_on THEN resolved_on "
        "ELSE due_on END, apology_letter, extended_due_on, "
        f"'{MOVED_EXTENSION_NOTE}', 'nâng cấp dữ liệu' "
        "FROM dossier WHERE extended_due_on IS NOT NULL"
    )
    op.execute(
        "INSERT INTO dossier_event (dossier_id, kind, occurred_on, note, updated_by) "
        f"SELECT id, outcome, resolved_on, '{MOVED_ENDING_NOTE}', 'nâng cấp dữ liệu' FROM dossier "
        f"WHERE resolved_on IS NOT NULL AND outcome IN ({', '.join(repr(k) for k in ENDING_KINDS)})"
    )


MOVED_EXTENSION_NOTE = (
    "Chuyển từ dữ liệu cũ: không rõ ngày gia hạn, ghi tạm theo ngày hẹn trả ban đầu."
)
MOVED_ENDING_NOTE = "Chuyển từ dữ liệu cũ (kết quả và ngày trả kết quả của hồ sơ)."
ENDING_KINDS = ("returned", "withdrawn", "refused", "stopped")


def downgrade() -> None:
    # The dossier columns hold the current state, so the older schema loses only the event dates.
    # A plain DROP COLUMN (SQLite ≥ 3.35), not a batch rebuild that would drop the count triggers.
    op.drop_column("dossier", "first_due_on")
    op.drop_index("ix_dossier_event_kind_occurred", table_name="dossier_event")
    op.drop_index("ix_dossier_event_dossier_occurred", table_name="dossier_event")
    op.drop_table("dossier_event")
