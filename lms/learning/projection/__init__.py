"""The progress projection: lesson and course progress folded from the LRS's statements.

The statement store is the source of truth. A stored statement about an activity of a
course is folded into ``LessonProgress`` and ``CourseProgress`` only when its authority may
credit that activity (``lms.lrs.crediting``): the platform for everything, a client for
the ungraded activities an admin granted it; quiz and assessment results and attendance
only from the platform. ``atlas progress rebuild`` deletes the rows and folds the
statements again under the same rule. A statement counts for a learner's current cycle
when its ``context.registration`` is the enrolment's registration, or when it has none
(other tools) and was stored after the cycle began. A voided statement is undone by
rebuilding that learner and course.

Modules, in the order a statement meets them:

- ``targets``: what a statement is about (course, lesson, session) and which learner.
- ``folder``: batches of statements, filtered by the crediting rule, to one fold per pair.
- ``learner_fold``: one learner's rows in one course; counting rules; completion.
- ``live``: :func:`fold_statements`, the listener of ``lms_statements_stored``.
- ``rebuild``: :func:`rebuild`, for ``atlas progress rebuild`` and voided statements.
"""

from lms.learning.completion import duration_minutes
from lms.learning.projection.learner_fold import LearnerCourseFold
from lms.learning.projection.live import fold_statements
from lms.learning.projection.rebuild import RebuildResult, rebuild

__all__ = ["LearnerCourseFold", "RebuildResult", "duration_minutes", "fold_statements", "rebuild"]
