"""`atlas backup` and `atlas restore`: data, keys and certificates survive a round trip
into a fresh database and instance folder (SQLite, or PostgreSQL with
ATLAS_TEST_DATABASE_URL)."""

import io
import json
import tarfile
from contextlib import ExitStack

import flask_migrate
import pytest

from lms.certificates import signing
from tests.conftest import dispose_engines
from tests.databases import fresh_database
from tests.lms.operations.installation import bare_app, found_data, make_data


@pytest.fixture
def installations(tmp_path):
    """Two installations: ``source`` migrated and filled, ``target`` empty."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with ExitStack() as stack:
        source_url = stack.enter_context(fresh_database(tmp_path / "a"))
        target_url = stack.enter_context(fresh_database(tmp_path / "b"))
        source = bare_app(source_url, tmp_path / "instance-a")
        target = bare_app(target_url, tmp_path / "instance-b")
        with source.app_context():
            flask_migrate.upgrade(revision="heads")
            made = make_data()
        try:
            yield source, target, made
        finally:
            dispose_engines(source)
            dispose_engines(target)


def test_backup_and_restore_into_a_fresh_installation(installations, tmp_path):
    source, target, made = installations
    with source.app_context():
        before = found_data()
    archive = tmp_path / "atlas-backup.tar.gz"
    (tmp_path / "instance-a" / "visibility_profiles.toml").write_text("# site profiles\n")
    result = source.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert "shared/certificate_signing_key.pem" in names
    assert manifest["alembic_revision"]
    assert set(manifest["files"]) == set(names[1:])

    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    with source.app_context():
        source_key = signing.key_path().read_bytes()
    with target.app_context():
        found = found_data()
        assert signing.key_path().read_bytes() == source_key
        assert signing.key_path().stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "instance-b" / "visibility_profiles.toml").read_text() == (
        "# site profiles\n")
    assert found == before
    assert found["emails"] == made["emails"]
    assert found["enrolments"] == 3
    assert set(made["statement_ids"]) <= set(found["statement_ids"])
    assert found["certificates"] == {made["certificate"]: True}
    # the public verification page of the restored installation says "valid"
    response = target.test_client().get(f"/verify/{made['certificate']}",
                                        headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json["signature_valid"] is True


def test_restore_refuses_a_non_empty_installation(installations, tmp_path):
    source, _target, _made = installations
    archive = tmp_path / "atlas-backup.tar"
    assert source.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    result = source.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert "--force" in result.output


def test_restore_force_replaces_an_installation(installations, tmp_path):
    source, _target, made = installations
    archive = tmp_path / "atlas-backup.tar"
    assert source.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    with source.app_context():
        from lms.extensions import db
        from tests.factories import make_user

        make_user(email="after-the-backup@example.org")
        db.session.commit()
    result = source.test_cli_runner().invoke(args=["restore", "--force", str(archive)])
    assert result.exit_code == 0, result.output
    with source.app_context():
        found = found_data()
    assert found["emails"] == made["emails"]
    assert found["certificates"] == {made["certificate"]: True}


def _damaged_copy(archive, damaged, member_name):
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()
            if member.name == member_name:
                data = data[:-2] + bytes([data[-2] ^ 1]) + data[-1:]
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def test_restore_refuses_a_damaged_archive_before_writing(installations, tmp_path):
    source, target, _made = installations
    archive, damaged = tmp_path / "atlas-backup.tar", tmp_path / "damaged.tar"
    assert source.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    with tarfile.open(archive) as tar:
        database_member = next(n for n in tar.getnames() if n.startswith("database/"))
    _damaged_copy(archive, damaged, database_member)
    result = target.test_cli_runner().invoke(args=["restore", str(damaged)])
    assert result.exit_code != 0
    assert f"checksum of {database_member} does not match" in result.output
    with target.app_context():
        from sqlalchemy import inspect

        from lms.extensions import db

        assert inspect(db.engine).get_table_names() == []  # nothing was written


def test_restore_refuses_an_unknown_schema_revision(installations, tmp_path):
    source, target, _made = installations
    archive, forged = tmp_path / "atlas-backup.tar", tmp_path / "forged.tar"
    assert source.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    with tarfile.open(archive) as tar, tarfile.open(forged, "w") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["alembic_revision"] = "ffffffffffff"
                data = json.dumps(manifest).encode()
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    result = target.test_cli_runner().invoke(args=["restore", str(forged)])
    assert result.exit_code != 0
    assert "ffffffffffff" in result.output
    assert "does not know" in result.output
