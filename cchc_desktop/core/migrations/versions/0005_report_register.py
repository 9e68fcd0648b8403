"""report register (issue 13: reports, signers, quality documents)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Placeholder reserved for issue 13: reports, signers, quality documents: its schema changes go here (and in core/models.py), so that the
revision chain stays linear while several changes are made side by side.
"""

from collections.abc import Sequence

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
