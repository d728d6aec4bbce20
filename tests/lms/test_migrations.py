"""The Alembic migrations produce exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.extensions import db
from lms.schema import managed_metadata


def test_migrations_match_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        differences = compare_metadata(context, managed_metadata(app))
    assert differences == []


def test_every_managed_table_exists(app):
    from sqlalchemy import inspect

    with db.engine.connect() as connection:
        existing = set(inspect(connection).get_table_names())
    expected = {t.name for m in managed_metadata(app) for t in m.sorted_tables}
    assert expected <= existing


# --- upgrading a database of release 0.1.0 ---------------------------------------------------

#: The Alembic head of release 0.1.0 (setup.cfg version 0.1.0; commit a86c656 of 2026-11-24,
#: the last before the 2026-12-07 work; there is no git tag).
RELEASE_0_1_0 = "f5d9b3e7c2a8"


def _release_data(connection, signing_key) -> dict:
    """Insert realistic rows into the 0.1.0 schema, through that schema's reflected tables
    (so every NOT NULL column of 0.1.0 must be given); return what must survive."""
    import base64
    import json
    import uuid
    from datetime import UTC, datetime

    from argon2 import PasswordHasher
    from sqlalchemy import MetaData

    from lms.certificates.signing import canonical_json

    tables = MetaData()
    tables.reflect(connection, only=["users", "organisations", "memberships", "courses",
                                     "course_versions", "enrolments", "certificates",
                                     "xapi_statements", "xapi_statement_agents",
                                     "xapi_statement_activities"])
    t = tables.tables
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    password_hash = PasswordHasher().hash("correct horse battery")
    people = [("admin@campus.example", "Anna Admin", True),
              ("lena@sauerland-metall.example", "Lena Lernwig", False),
              ("juergen@sauerland-metall.example", "Jürgen Öztürk-Weiß", False)]
    connection.execute(t["users"].insert(), [
        {"id": n + 1, "email": email, "name": name, "password_hash": password_hash,
         "locale": "de", "pseudonym": uuid.uuid4().hex, "is_active_account": True,
         "is_admin": admin, "is_trainer": False, "last_login_at": None,
         "created_at": now, "updated_at": now}
        for n, (email, name, admin) in enumerate(people)
    ])
    connection.execute(t["organisations"].insert(), [
        {"id": 1, "name": "Sauerland Metall GmbH", "city": "Lüdenscheid",
         "created_at": now, "updated_at": now}])
    connection.execute(t["memberships"].insert(), [
        {"id": n, "user_id": n + 1, "organisation_id": 1, "role": "employee",
         "personnel_number": f"P-{n:04d}", "department_id": None,
         "created_at": now, "updated_at": now} for n in (1, 2)])
    connection.execute(t["courses"].insert(), [
        {"id": 1, "slug": "e-mobility", "subject": "e-mobility", "level": "basic",
         "published_version_id": None, "created_at": now, "updated_at": now}])
    connection.execute(t["course_versions"].insert(), [
        {"id": 1, "course_id": 1, "version": "1.0.0", "digest": "sha256:" + "a" * 64,
         "package": json.dumps({"id": "e-mobility", "version": "1.0.0"}),
         "title_de": "Elektromobilität", "title_en": "E-mobility",
         "description_de": "Grundlagen", "description_en": "Basics",
         "search_text": "elektromobilität hochvolt", "subject": "e-mobility", "level": "basic",
         "duration_hours": 6.0, "languages": "de,en", "imported_at": now,
         "imported_by_id": 1, "is_published": True, "published_at": now}])
    connection.execute(t["courses"].update().values(published_version_id=1))
    registrations = {2: str(uuid.uuid4()), 3: str(uuid.uuid4())}
    due = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    connection.execute(t["enrolments"].insert(), [
        {"id": user_id - 1, "user_id": user_id, "course_id": 1, "course_version_id": 1,
         "registration": registration, "status": "active",
         "source": "assigned" if user_id == 2 else "self",
         "assigned_by_id": 1 if user_id == 2 else None,
         "due_at": due if user_id == 2 else None, "enrolled_at": now, "withdrawn_at": None,
         "last_lesson_id": "hv-basics", "last_position": 0.4, "last_visited_at": now}
        for user_id, registration in registrations.items()])
    statement_ids = []
    for seq, (user_id, verb) in enumerate([(2, "experienced"), (2, "answered"),
                                           (3, "experienced"), (3, "completed")], start=1):
        statement_id = str(uuid.uuid4())
        statement_ids.append(statement_id)
        actor = {"objectType": "Agent", "account": {"homePage": "https://campus.example",
                                                    "name": f"u{user_id}"}}
        activity = "https://campus.example/xapi/activities/course/e-mobility/lesson/hv-basics"
        stamp = "2026-11-20T10:00:00.000Z"
        body = {"id": statement_id, "actor": actor,
                "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}",
                         "display": {"de-DE": verb}},
                "object": {"objectType": "Activity", "id": activity},
                "context": {"registration": registrations[user_id]},
                "timestamp": stamp, "stored": stamp, "version": "2.0.0",
                "authority": {"objectType": "Agent",
                              "account": {"homePage": "https://campus.example",
                                          "name": "atlas"}}}
        actor_key = f"account:https://campus.example|u{user_id}"
        connection.execute(t["xapi_statements"].insert(), [{
            "seq": seq, "id": statement_id, "stored": now, "timestamp": now,
            "has_client_timestamp": True, "verb_id": body["verb"]["id"],
            "actor_key": actor_key, "object_type": "Activity",
            "object_activity_id": activity, "object_agent_key": None,
            "object_statement_ref": None, "registration": registrations[user_id],
            "authority_key": "account:https://campus.example|atlas", "version": "2.0.0",
            "is_voided": False, "is_voiding": False,
            "statement": json.dumps(body, separators=(",", ":"))}])
        connection.execute(t["xapi_statement_agents"].insert(), [
            {"agent_key": actor_key, "is_direct": True, "statement_seq": seq, "roles": 1}])
        connection.execute(t["xapi_statement_activities"].insert(), [
            {"activity_id": activity, "is_direct": True, "statement_seq": seq, "roles": 1}])
    payload = {"type": "atlas-campus-certificate", "format": 1, "number": "AC-2026-0001",
               "language": "de", "learner_name": "Jürgen Öztürk-Weiß",
               "employer": "Sauerland Metall GmbH",
               "course": {"id": "e-mobility", "title": "Elektromobilität", "version": "1.0.0"},
               "completed_at": "2026-11-19", "issued_at": "2026-11-20", "expires_at": None}
    signature = base64.b64encode(signing_key.sign(canonical_json(payload))).decode()
    connection.execute(t["certificates"].insert(), [{
        "id": 1, "number": "AC-2026-0001", "user_id": 3, "course_id": 1,
        "course_version_id": 1, "learner_name": "Jürgen Öztürk-Weiß", "issued_at": now,
        "completed_at": datetime(2026, 11, 19, 15, 30, tzinfo=UTC), "expires_at": None,
        "revoked_at": None, "revoke_reason": "", "payload": payload, "signature": signature,
        "revision": 0, "revoked_by_id": None, "superseded_by_id": None,
        "superseded_at": None, "reminded_at": None, "trainer_id": None}])
    if connection.dialect.name == "postgresql":
        for table in ("users", "organisations", "memberships", "courses", "course_versions",
                      "enrolments", "certificates"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))")
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('xapi_statements', 'seq'), "
            "(SELECT max(seq) FROM xapi_statements))")
    return {"emails": sorted(p[0] for p in people), "registrations": registrations,
            "statement_ids": statement_ids, "certificate": "AC-2026-0001", "due": due.date()}


def test_upgrade_from_release_0_1_0_keeps_users_enrolments_statements_certificates(tmp_path):
    import flask_migrate
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.certificates.models import Certificate
    from lms.certificates.signing import verify
    from lms.learning.models import Enrolment
    from lms.lrs import services as lrs_services
    from tests.conftest import IsolatedClient, dispose_engines
    from tests.databases import fresh_database
    from tests.fixtures.lrs import XapiCaller
    from tests.lms.operations.installation import bare_app

    instance = tmp_path / "instance"
    instance.mkdir()
    # the signing key where release 0.1.0 kept it: instance/certificate_signing_key.pem
    key = Ed25519PrivateKey.generate()
    (instance / "certificate_signing_key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (tmp_path / "db").mkdir()
    with fresh_database(tmp_path / "db") as url:
        app = bare_app(url, instance)
        try:
            with app.app_context():
                flask_migrate.upgrade(revision=RELEASE_0_1_0)
                with db.engine.begin() as connection:
                    made = _release_data(connection, key)
                flask_migrate.upgrade(revision="heads")

                assert sorted(db.session.scalars(select(User.email))) == made["emails"]
                enrolments = {e.registration: e for e in db.session.scalars(select(Enrolment))}
                assert set(enrolments) == set(made["registrations"].values())
                assigned = enrolments[made["registrations"][2]]
                assert assigned.due_on == made["due"]  # due_at became a calendar date
                assert assigned.status == "active" and assigned.source == "assigned"
                certificate = db.session.scalar(select(Certificate))
                assert certificate.number == made["certificate"]
                assert verify(certificate.payload, certificate.signature)
                _client, secret = lrs_services.create_client(
                    None, name="after upgrade", scopes=["all"], now=certificate.issued_at)
                db.session.commit()
                from tests.fixtures.lrs import basic_auth

                auth = basic_auth(_client.key, secret)
            app.test_client_class = IsolatedClient
            client = app.test_client()
            xapi = XapiCaller(client, auth)
            for statement_id in made["statement_ids"]:
                response = xapi.get("statements", params={"statementId": statement_id})
                assert response.status_code == 200, response.get_data(as_text=True)
                assert response.json["id"] == statement_id
            response = client.get(f"/verify/{made['certificate']}",
                                  headers={"Accept": "application/json"})
            assert response.status_code == 200
            assert response.json["signature_valid"] is True
            # the 0.1.0 password hash still signs the learner in
            from tests.conftest import csrf_token_from

            token = csrf_token_from(client.get("/login").get_data(as_text=True))
            response = client.post("/login", data={
                "email": "lena@sauerland-metall.example", "password": "correct horse battery",
                "csrf_token": token})
            assert response.status_code == 302
        finally:
            dispose_engines(app)
