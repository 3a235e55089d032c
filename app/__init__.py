"""The Till: application core (rules and services). Never imports Qt widgets."""

from importlib import metadata

try:
    __version__ = metadata.version("the-till")
except metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.1.0"
