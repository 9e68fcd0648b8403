"""The PySide6 user interface.

The Qt-free core (SQLAlchemy models, database opening) is imported here, before anything imports PySide6:
once PySide6 is loaded its import hook reads the source of every module imported afterwards (to look for
``__feature__`` switches), which costs a tenth of a second or more of the cold start on SQLAlchemy alone.
"""

from ..core import db as _db  # noqa: F401
from ..core import models as _models  # noqa: F401
