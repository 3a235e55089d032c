"""The Till: application core (rules and services). Never imports Qt widgets."""

# The one place the version is written (pyproject.toml reads it); importlib.metadata would cost the
# till's start-up 30 ms.
__version__ = "0.1.0"
