"""/metrics: Prometheus text, labelled by URL rule, guarded by a token or loopback."""

import re

from prometheus_client import REGISTRY

from lms.db import utcnow
from lms.extensions import db
from lms.jobs.models import DeadLetter
from tests.lms.lrs.builders import statement


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_latency_is_labelled_by_url_rule_not_raw_path(client):
    client.get("/downloads/some-secret-token")  # anonymous: a redirect to the login
    text = client.get("/metrics").get_data(as_text=True)
    assert re.search(r'atlas_request_duration_seconds_count\{method="GET",'
                     r'route="/downloads/<token>"\} [1-9]', text)
    assert "some-secret-token" not in text


def test_statements_stored_are_counted(xapi):
    before = sample("atlas_lrs_statements_stored_total")
    response = xapi.post("statements", json=[statement(), statement()])
    assert response.status_code == 200
    assert sample("atlas_lrs_statements_stored_total") == before + 2


def test_dead_letters_and_queue_depth_are_read_when_scraped(app, client, redis_site):
    db.session.add(DeadLetter(job_name="mail.send", arguments={}, attempts=5, error="550",
                              failed_at=utcnow()))
    db.session.commit()
    text = client.get("/metrics").get_data(as_text=True)
    assert 'atlas_dead_letters{job="mail.send"} 1.0' in text
    assert f'atlas_queue_depth{{queue="{redis_site}jobs",state="queued"}} 0.0' in text


def test_token_protects_metrics(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ATLAS_METRICS_TOKEN", "s3cret-token")
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert response.status_code == 200 and "atlas_request_duration_seconds" in response.text


def test_without_token_only_loopback_and_never_through_a_proxy(client):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 404
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
