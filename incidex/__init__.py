"""incidex: sourced incident records from reports on terrorism and political violence."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("incidex")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
