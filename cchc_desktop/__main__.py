"""``python -m cchc_desktop`` → the command line (no sub-command opens the window)."""

from cchc_desktop.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
