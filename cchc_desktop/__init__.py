"""cchc_desktop: administrative-reform (CCHC) and ISO quality-objective reports for a Sở Y tế."""

from importlib.metadata import PackageNotFoundError, version

APP_NAME = "cchc_desktop"
APP_DISPLAY_NAME = "CCHC – Sở Y tế"

try:
    __version__ = version("cchc-desktop")
except PackageNotFoundError:  # running from a source tree or a frozen app without metadata
    __version__ = "0.1.0"
