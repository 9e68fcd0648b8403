"""dossier events (issue 11: dossier events)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Placeholder reserved for issue 11: dossier events: its schema changes go here (and in core/models.py), so that the
revision chain stays linear while several changes are made side by side.
"""

from collections.abc import Sequence

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
