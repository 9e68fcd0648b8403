"""unit packages (issue 16: unit validity, packages, provenance)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Placeholder reserved for issue 16: unit validity, packages, provenance: its schema changes go here (and in core/models.py), so that the
revision chain stays linear while several changes are made side by side.
"""

from collections.abc import Sequence

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
