"""Generate an Alembic revision from the models (developer tool).

    python build_scripts/make_migration.py "add task priority"

Builds a throw-away SQLite database at the current head, then autogenerates the difference.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from alembic import command

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cchc_desktop.core.db import alembic_config, open_database  # noqa: E402


def main() -> int:
    message = sys.argv[1] if len(sys.argv) > 1 else "schema change"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "head.db"
        heads = [
            p
            for p in (Path(__file__).resolve().parents[1] / "cchc_desktop/core/migrations/versions").glob(
                "*.py"
            )
            if p.name != "__init__.py"
        ]
        db = open_database(path, upgrade=bool(heads))
        cfg = alembic_config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message=message, autogenerate=True, rev_id=f"{len(heads) + 1:04d}")
        db.close()
    os.environ.pop("CCHC_MIGRATION_URL", None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
