"""unit catalogue (issue 14: unit codes and room mappings)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Placeholder reserved for issue 14: unit codes and room mappings: its schema changes go here (and in core/models.py), so that the
revision chain stays linear while several changes are made side by side.
"""

from collections.abc import Sequence

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
