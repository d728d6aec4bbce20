"""Content packages from outside (SCORM 1.2, SCORM 2004, cmi5) as part of a course source.

A course keeps an extracted package under ``packages/<name>/``; a lesson of ``type: package``
names it. This library unzips uploads safely (``archive``), reads the package's structure
(``scorm_manifest``, ``cmi5_structure``) and turns it into the model's ``PackageRef``
(``folder``). No Flask here: the LMS and the command line both use it.
"""

from authoring.packages.archive import ArchiveError, ArchiveLimits, extract_archive
from authoring.packages.folder import PACKAGE_NAME, PACKAGES_DIR, read_package_folder

__all__ = [
    "PACKAGES_DIR",
    "PACKAGE_NAME",
    "ArchiveError",
    "ArchiveLimits",
    "extract_archive",
    "read_package_folder",
]
