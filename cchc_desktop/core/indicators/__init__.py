"""The indicator catalogue (SPEC §5): every figure the reports and the dashboard show, computed from
records with SQL aggregates (no Python loops over rows), each a ``Figure`` (numerator, denominator,
value; value ``None`` = "không phát sinh" when the denominator is 0).

Data flows one way: records → these functions → ``Figure``s → reports, dashboard, ``indicators``
command. Nothing downstream recomputes a figure, and nothing outside this package decides what a class
("late", "carried over", "in progress"…) means: the predicates live in ``dossiers`` and ``tasks``.

Modules: ``common`` (Figure, settings, outcome rule presets), ``dossiers``, ``tasks``, ``surveys``,
``documents``, ``procedures`` (ISO), ``objectives`` (the catalogue, objectives and ``compute_all``).
"""

from .common import *  # noqa: F403
from .documents import *  # noqa: F403
from .dossiers import *  # noqa: F403
from .objectives import *  # noqa: F403
from .procedures import *  # noqa: F403
from .surveys import *  # noqa: F403
from .tasks import *  # noqa: F403
