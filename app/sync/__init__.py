"""Sync with the central store: the HTTP client, applying pulled pages, one sync round, the background
worker and the headless commands. See ARCHITECTURE.md, "Sync with the central store"."""
