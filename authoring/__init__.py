"""Course authoring without Flask: Markdown course folders → validated model → package."""

from authoring.build import CourseInvalidError, build_package, load_course, validate_course
from authoring.cache import DirectoryCache, MemoryCache
from authoring.diagnostic import Diagnostic
from authoring.grading import QuestionResult, QuizResult, grade_question, grade_quiz
from authoring.learner_view import learner_view
from authoring.model import Course, Lesson, Question
from authoring.package import Package, PackageError, load_package, read_package
from authoring.scaffold import new_course

__all__ = [
    "Course",
    "CourseInvalidError",
    "Diagnostic",
    "DirectoryCache",
    "Lesson",
    "MemoryCache",
    "Package",
    "PackageError",
    "Question",
    "QuestionResult",
    "QuizResult",
    "build_package",
    "grade_question",
    "grade_quiz",
    "learner_view",
    "load_course",
    "load_package",
    "new_course",
    "read_package",
    "validate_course",
]
