"""Open answers waiting for a trainer's grade: the count the start page shows.

Placeholder written by the cockpit branch so the start page has its panel before the
grading work is merged: the grading helper replaces this module with the real queue
(same function, same signature).
"""


def waiting_count(course_ids: list[int]) -> int:
    """How many open answers in ``course_ids`` wait for a grade (0 until grading exists)."""
    return 0
