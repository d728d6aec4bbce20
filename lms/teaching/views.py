"""Trainer start page, participants, overrides and announcements (routes on ``teaching``)."""

from lms.teaching.blueprint import bp  # noqa: F401  (routes are added here)
