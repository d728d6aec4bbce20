"""Kept for learning/views.py, which still imports it: see lms.unit_of_work."""

from lms.unit_of_work import commit_or_flash

__all__ = ["commit_or_flash"]
