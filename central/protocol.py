"""Versions both sides check: the sync protocol, and the newest till database schema this service knows."""

from central.wire_schema import TILL_SCHEMA  # the till schema the wire schema was generated from

PROTOCOL = 1

__all__ = ["PROTOCOL", "TILL_SCHEMA"]
