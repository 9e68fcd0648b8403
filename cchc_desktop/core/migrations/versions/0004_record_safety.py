"""record safety (issue 12: versions, audit trail, recycle bin, import batches)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Placeholder reserved for issue 12: versions, audit trail, recycle bin, import batches: its schema changes go here (and in core/models.py), so that the
revision chain stays linear while several changes are made side by side.
"""

from collections.abc import Sequence

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
