"""Grading queue, open answers and item analysis (routes on ``teaching``)."""

from lms.teaching.blueprint import bp  # noqa: F401  (routes are added here)
