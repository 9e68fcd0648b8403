"""outcome rules (issue 11: outcome rule presets)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

Placeholder reserved for issue 11: outcome rule presets: its schema changes go here (and in core/models.py), so that the
revision chain stays linear while several changes are made side by side.
"""

from collections.abc import Sequence

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
