"""A package folder of a course source (``packages/<name>/``) → the model's ``PackageRef``."""

from __future__ import annotations

import re
from pathlib import Path

from authoring.diagnostic import Diagnostic, DiagnosticSink
from authoring.model import PackageItem, PackageRef
from authoring.packages.cmi5_structure import CMI5, STRUCTURE_FILE, read_cmi5_structure
from authoring.packages.scorm_manifest import MANIFEST_FILE, read_scorm_manifest

PACKAGES_DIR = "packages"
PACKAGE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def package_files(folder: Path) -> set[str]:
    """Every regular file below ``folder`` as a relative POSIX path (symlinks left out:
    a package may not point outside itself)."""
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    }


def read_package_folder(folder: Path, name: str,
                        display: str) -> tuple[PackageRef | None, list[Diagnostic]]:
    """Read the package in ``folder`` (the course's ``packages/<name>``).

    :param display: how diagnostics name the folder (``<course>/packages/<name>``).
    :return: the package with all its items (None when unusable) and the diagnostics.
    """
    manifest, structure = folder / MANIFEST_FILE, folder / STRUCTURE_FILE
    files = package_files(folder)
    if manifest.is_file():
        sink = DiagnosticSink(f"{display}/{MANIFEST_FILE}")
        parsed = read_scorm_manifest(manifest.read_bytes(), sink, files)
        if parsed is None:
            return None, sink.items
        items = [
            PackageItem(
                identifier=item.identifier, title=item.title,
                launch=f"{PACKAGES_DIR}/{name}/{item.launch}", parameters=item.parameters,
                mastery_score=item.mastery_score, prerequisites=item.prerequisites,
                time_limit_action=item.time_limit_action, data_from_lms=item.data_from_lms,
                scorm_type=item.scorm_type,
            )
            for item in parsed.items
        ]
        return PackageRef(name, parsed.standard, parsed.version_label, items,
                          parsed.title), sink.items
    if structure.is_file():
        sink = DiagnosticSink(f"{display}/{STRUCTURE_FILE}")
        parsed = read_cmi5_structure(structure.read_bytes(), sink, files)
        if parsed is None:
            return None, sink.items
        items = [
            PackageItem(
                identifier=au.identifier, title=au.title,
                launch=au.url if au.is_remote else f"{PACKAGES_DIR}/{name}/{au.url}",
                parameters=au.launch_parameters, mastery_score=au.mastery_score,
                move_on=au.move_on, launch_method=au.launch_method,
                entitlement_key=au.entitlement_key, blocks=list(au.blocks),
            )
            for au in parsed.aus
        ]
        return PackageRef(name, CMI5, "cmi5", items, parsed.title), sink.items
    sink = DiagnosticSink(display)
    sink.error(1, 1, "package-manifest-missing",
               f"package '{name}' has neither {MANIFEST_FILE} (SCORM) nor {STRUCTURE_FILE} "
               "(cmi5) at its top")
    return None, sink.items
