"""Sub-commands of ``cchc-desktop``: each module has ``register(subparsers, common)``.

A command's handler takes the parsed arguments and returns the exit code; it raises
``CchcError`` for anything the user must read (printed as one sentence by ``cli.main``).
"""

# Order is the order of ``--help``.
COMMAND_MODULES = (
    "init",
    "demo",
    "check",
    "backup",
    "restore",
    "indicators",
    "report",
    "importer",
    "export",
    "audit",
)
