"""The deployment files stay in step with the code."""

import re
import runpy
from pathlib import Path

from lms.config import ENVIRONMENT

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"


def test_the_example_environment_names_every_setting():
    text = (DEPLOY / "atlas.env.example").read_text()
    named = set(re.findall(r"^#?(ATLAS_[A-Z0-9_]+)=", text, re.MULTILINE))
    assert set(ENVIRONMENT) - named == set()
    assert named - set(ENVIRONMENT) == set()  # no setting the code does not read


def test_gunicorn_config_loads_with_sane_values(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["workers"] == 3
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["preload_app"] is False
    assert settings["timeout"] >= 30
    # the proxy closes idle upstream connections first (nginx keepalive_timeout 60 s)
    site = (DEPLOY / "nginx" / "atlas-campus.conf").read_text()
    nginx_idle = int(re.search(r"keepalive_timeout (\d+)s;", site).group(1))
    assert settings["keepalive"] > nginx_idle


def test_units_start_the_commands_of_this_version():
    units = {p.name: p.read_text() for p in (DEPLOY / "systemd").glob("*.service")}
    assert set(units) == {"atlas-web.service", "atlas-worker.service",
                          "atlas-scheduler.service"}
    assert "gunicorn -c /opt/atlas/app/deploy/gunicorn.conf.py wsgi:app" in units[
        "atlas-web.service"]
    assert "ExecStart=/opt/atlas/venv/bin/atlas worker" in units["atlas-worker.service"]
    assert "ExecStart=/opt/atlas/venv/bin/atlas scheduler" in units["atlas-scheduler.service"]
    for text in units.values():
        assert "EnvironmentFile=/etc/atlas/atlas.env" in text
