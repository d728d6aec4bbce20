"""One archive holds an installation: database, shared keys, media folders, instance config.

``atlas backup FILE`` writes a tar archive (gzip when FILE ends in ``.gz``/``.tgz``)::

    manifest.json            format, time, Alembic revision, database kind, SHA-256 of every file
    database/atlas.sqlite3   SQLite: a consistent copy made with SQLite's online backup API
    database/atlas.sql       PostgreSQL: pg_dump of the platform's schema (plain SQL)
    shared/...               secret_key, certificate_signing_key.pem, media/, uploads/, packages/
    instance/...             configuration files of the instance folder (*.cfg, *.toml, *.env)

Course packages, media and uploaded files are stored in the database (large binary
columns), so the database dump carries them; the ``shared/`` folders are included when an
installation keeps files there.

``atlas restore FILE`` unpacks onto an EMPTY installation (no tables in the database, no
signing key in the shared folder) unless ``--force`` is given; it verifies every checksum
before it writes anything, refuses a revision this code does not know, and checks after the
restore that the database is at the revision the manifest names.
"""

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import inspect, text

from lms.extensions import db

log = logging.getLogger(__name__)

FORMAT = "atlas-backup/1"
MANIFEST = "manifest.json"
#: files of the shared folder that belong to an installation
SHARED_FILES = ("secret_key", "certificate_signing_key.pem")
#: folders of the shared folder copied whole when present
SHARED_FOLDERS = ("media", "uploads", "packages")
INSTANCE_CONFIG_SUFFIXES = (".cfg", ".toml", ".env")


class BackupError(RuntimeError):
    """A backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Folders:
    instance: Path
    shared: Path


def folders() -> Folders:
    instance = Path(current_app.instance_path)
    return Folders(instance, Path(current_app.config.get("ATLAS_SHARED_DIR") or instance))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def script_directory() -> ScriptDirectory:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config)


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    if len(heads) > 1:
        raise BackupError(f"the database has several Alembic heads ({', '.join(heads)})")
    return heads[0] if heads else None


def _atlas_version() -> str:
    try:
        return version("atlas-campus")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


# --- PostgreSQL helpers -------------------------------------------------------------------


def _libpq(url) -> tuple[str, dict[str, str]]:
    """A libpq URI for ``url`` (password moved into PGPASSWORD) and the environment."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if not match:
        raise BackupError(f"cannot read a version from {version_text!r}")
    return int(match.group(1))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return path


def check_pg_dump() -> str:
    """The pg_dump to use: installed and not older than the server (else the dump fails)."""
    pg_dump = _tool("pg_dump")
    client = _major(subprocess.run([pg_dump, "--version"], capture_output=True, text=True,
                                   check=True).stdout)
    with db.engine.connect() as connection:
        server = int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000
    if client < server:
        raise BackupError(f"pg_dump {client} cannot dump PostgreSQL {server}: install "
                          f"postgresql-client-{server}")
    return pg_dump


def current_schema() -> str:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT current_schema()")).scalar()


def dump_postgresql(target: Path) -> str:
    pg_dump = check_pg_dump()
    schema = current_schema()
    uri, environment = _libpq(db.engine.url)
    result = subprocess.run(
        [pg_dump, "--format=plain", "--no-owner", "--no-privileges", f"--schema={schema}",
         f"--file={target}", f"--dbname={uri}"],
        capture_output=True, text=True, env=environment,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return schema


_SCHEMA_STATEMENT = re.compile(r"^(CREATE|ALTER|COMMENT ON) SCHEMA ")


def rewrite_schema(source: Path, target: Path, old: str, new: str) -> None:
    """Copy the dump, dropping its CREATE SCHEMA and renaming ``old.`` to ``new.`` outside
    COPY data (row contents stay byte for byte)."""
    in_copy = False
    with source.open(encoding="utf-8") as reader, target.open("w", encoding="utf-8") as writer:
        for line in reader:
            if in_copy:
                if line == "\\.\n":
                    in_copy = False
                writer.write(line)
                continue
            if _SCHEMA_STATEMENT.match(line):
                continue
            if old != new:
                line = re.sub(rf"(?<![\w$]){re.escape(old)}\.", f"{new}.", line)
                line = line.replace(f'"{old}".', f'"{new}".')
            if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
                in_copy = True
            writer.write(line)


def restore_postgresql(dump: Path, source_schema: str) -> None:
    psql = _tool("psql")
    schema = current_schema()
    with tempfile.TemporaryDirectory() as scratch:
        prepared = Path(scratch) / "restore.sql"
        rewrite_schema(dump, prepared, source_schema, schema)
        uri, environment = _libpq(db.engine.url)
        result = subprocess.run(
            [psql, "--quiet", "--no-psqlrc", "--set=ON_ERROR_STOP=1", "--single-transaction",
             f"--file={prepared}", f"--dbname={uri}"],
            capture_output=True, text=True, env=environment,
        )
    if result.returncode != 0:
        raise BackupError(f"psql failed while restoring: {result.stderr.strip()[-2000:]}")


# --- SQLite helpers -------------------------------------------------------------------------


def sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def dump_sqlite(target: Path) -> None:
    source = sqlite3.connect(sqlite_path())
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()


def restore_sqlite(copy: Path) -> None:
    db.engine.dispose()
    source = sqlite3.connect(copy)
    destination = sqlite3.connect(sqlite_path())
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()
    db.engine.dispose()


# --- the archive -----------------------------------------------------------------------------


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".tmp"))


def create_backup(archive: Path, now: datetime | None = None) -> dict:
    """Write the backup archive and return its manifest."""
    now = now or datetime.now(UTC)
    places = folders()
    dialect = db.engine.dialect.name
    revision = current_revision()
    if revision is None:
        raise BackupError("the database has no schema yet (run `atlas db upgrade` first)")
    with tempfile.TemporaryDirectory(prefix="atlas-backup-") as scratch:
        root = Path(scratch)
        (root / "database").mkdir()
        database: dict = {"dialect": dialect}
        if dialect == "sqlite":
            database["file"] = "database/atlas.sqlite3"
            dump_sqlite(root / database["file"])
        elif dialect == "postgresql":
            database["file"] = "database/atlas.sql"
            database["schema"] = dump_postgresql(root / database["file"])
        else:
            raise BackupError(f"backups of {dialect} databases are not supported")
        for name in SHARED_FILES:
            if (places.shared / name).is_file():
                (root / "shared").mkdir(exist_ok=True)
                shutil.copy2(places.shared / name, root / "shared" / name)
        for name in SHARED_FOLDERS:
            if (places.shared / name).is_dir():
                shutil.copytree(places.shared / name, root / "shared" / name)
        if places.instance.is_dir():
            for path in sorted(places.instance.iterdir()):
                if path.is_file() and path.suffix in INSTANCE_CONFIG_SUFFIXES:
                    (root / "instance").mkdir(exist_ok=True)
                    shutil.copy2(path, root / "instance" / path.name)
        files = {
            path.relative_to(root).as_posix(): {"sha256": sha256(path),
                                                "size": path.stat().st_size}
            for path in _files_under(root)
        }
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "atlas_version": _atlas_version(),
            "alembic_revision": revision,
            "database": database,
            "files": files,
        }
        (root / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".partial")
        mode = "w:gz" if archive.name.endswith((".gz", ".tgz")) else "w"
        with tarfile.open(partial, mode) as tar:
            tar.add(root / MANIFEST, arcname=MANIFEST)
            for name in files:
                tar.add(root / name, arcname=name)
        os.chmod(partial, 0o600)  # it holds the secret and the signing key
        partial.replace(archive)
    return manifest


def _extract(archive: Path, target: Path) -> dict:
    """Unpack ``archive`` into ``target`` and verify it; return the manifest."""
    try:
        with tarfile.open(archive) as tar:
            members = tar.getmembers()
            for member in members:
                name = Path(member.name)
                if name.is_absolute() or ".." in name.parts or not (member.isfile()
                                                                   or member.isdir()):
                    raise BackupError(f"{archive}: unsafe entry {member.name!r}")
            tar.extractall(target, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from error
    manifest_path = target / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{archive} has no {MANIFEST}: not an ATLAS backup")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: unknown backup format {manifest.get('format')!r}")
    present = {p.relative_to(target).as_posix() for p in _files_under(target)} - {MANIFEST}
    listed = set(manifest["files"])
    if present != listed:
        raise BackupError(f"{archive}: files do not match the manifest (missing: "
                          f"{sorted(listed - present)}, unexpected: {sorted(present - listed)})")
    for name, entry in manifest["files"].items():
        if sha256(target / name) != entry["sha256"]:
            raise BackupError(f"{archive}: checksum of {name} does not match the manifest "
                              "(the archive is damaged)")
    return manifest


def installation_contents() -> list[str]:
    """What makes the current installation non-empty (empty list: it is empty)."""
    found = []
    with db.engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    if tables:
        found.append(f"the database has {len(tables)} tables")
    signing_key = folders().shared / "certificate_signing_key.pem"
    if signing_key.exists():
        found.append(f"{signing_key} exists")
    return found


def _empty_database() -> None:
    """Drop everything in the target database (``--force``)."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        schema = current_schema()
        with db.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    db.engine.dispose()  # SQLite: the backup API replaces every page of the file


def restore_backup(archive: Path, *, force: bool = False) -> dict:
    """Restore ``archive`` onto this installation; return its manifest."""
    with tempfile.TemporaryDirectory(prefix="atlas-restore-") as scratch:
        root = Path(scratch)
        manifest = _extract(archive, root)
        revision = manifest["alembic_revision"]
        try:
            script_directory().get_revision(revision)
        except CommandError as error:
            raise BackupError(f"the backup is at schema revision {revision}, which this "
                              "version of ATLAS Campus does not know (restore it with the "
                              "version that made it)") from error
        dialect = db.engine.dialect.name
        if manifest["database"]["dialect"] != dialect:
            raise BackupError(f"the backup holds a {manifest['database']['dialect']} database, "
                              f"this installation uses {dialect}")
        contents = installation_contents()
        if contents and not force:
            raise BackupError("this installation is not empty (" + "; ".join(contents)
                              + "): restore only onto a new installation, or pass --force "
                              "to replace everything")
        if contents:
            _empty_database()
        database_file = root / manifest["database"]["file"]
        if dialect == "sqlite":
            restore_sqlite(database_file)
        else:
            restore_postgresql(database_file, manifest["database"]["schema"])
        db.engine.dispose()
        restored = current_revision()
        if restored != revision:
            raise BackupError(f"after the restore the database is at revision {restored}, "
                              f"the manifest says {revision}")
        places = folders()
        for name in manifest["files"]:
            if name.startswith("shared/"):
                destination = places.shared / name.removeprefix("shared/")
            elif name.startswith("instance/"):
                destination = places.instance / name.removeprefix("instance/")
            else:
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(destination.name + ".restore.tmp")
            shutil.copyfile(root / name, partial)
            os.chmod(partial, 0o600)
            partial.replace(destination)
    return manifest
