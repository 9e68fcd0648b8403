"""``python -m cchc_desktop`` → the command line (no sub-command opens the window)."""

import sys

if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--xls-child":  # the frozen app's .xls reader (io/xls.py)
        from cchc_desktop.io.xls import _child

        raise SystemExit(_child(sys.argv[2], sys.argv[3]))
    from cchc_desktop.cli import main

    raise SystemExit(main())
