"""Versions both sides check: the sync protocol, and the newest till database schema this service knows."""

from db.migrations import LATEST as TILL_SCHEMA

PROTOCOL = 1

__all__ = ["PROTOCOL", "TILL_SCHEMA"]
