"""Pure Python + SQLAlchemy domain core. Never imports PySide6 (a test enforces it)."""
