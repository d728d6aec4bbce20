"""The atlas CLI's demo seed, and configuration secrets kept in the instance folder."""

import json
import stat
from pathlib import Path

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.config import build_config
from lms.extensions import db


def test_demo_seed_is_idempotent_and_prints_logins(app, runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "lena@sauerland-metall.example" in first.output
    count = db.session.scalar(select(func.count()).select_from(User))
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == count
    passwords = json.loads((Path(app.instance_path) / "demo-logins.json").read_text())
    assert passwords["learner"] in first.output and passwords["learner"] in second.output
    assert passwords["emails"]["learner"] == "lena@sauerland-metall.example"
    assert passwords["emails"]["works_council"] == "betriebsrat@sauerland-metall.example"


def test_demo_logins_of_an_older_install_get_the_emails_keeping_passwords(app, runner):
    path = Path(app.instance_path) / "demo-logins.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    old = {key: f"password-{key}" for key in ("admin", "trainer", "manager", "learner",
                                        "works_council")}
    path.write_text(json.dumps(old))
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    logins = json.loads(path.read_text())
    assert logins["learner"] == "password-learner"
    assert logins["emails"]["manager"] == "manager@sauerland-metall.example"


def test_seeded_assignment_is_listed_and_can_be_revoked(app, runner, client, auth):
    from lms.companies.models import Assignment

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    logins = json.loads((Path(app.instance_path) / "demo-logins.json").read_text())
    auth.login("manager@sauerland-metall.example", logins["manager"])
    page = client.get("/company/assignments").get_data(as_text=True)
    rules = page[page.index('id="rules-title"'):]
    assert "Lena Lernwig" in rules and "Abteilung Stanzerei" in rules
    assert len(db.session.scalars(select(Assignment)).all()) == 2
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert len(db.session.scalars(select(Assignment)).all()) == 2


def test_users_create_command_reports_bad_input(runner):
    result = runner.invoke(args=["users", "create", "--email", "x", "--name", "X",
                                 "--password", "long enough password"])
    assert result.exit_code != 0
    assert "gültige E-Mail-Adresse" in result.output


def test_secret_key_is_generated_once_into_instance(tmp_path):
    first = build_config(tmp_path, env={})
    second = build_config(tmp_path, env={})
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) >= 40
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_database_url_from_environment(tmp_path):
    config = build_config(tmp_path, env={"ATLAS_DATABASE_URL": "postgresql+psycopg://db/atlas"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/atlas"
    assert build_config(tmp_path, env={})["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
