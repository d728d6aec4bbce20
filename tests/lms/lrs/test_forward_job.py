"""The scheduled job ``lrs.forward`` sends the outbox to an upstream LRS, once per statement."""

import json
import uuid

import pytest
from prometheus_client import REGISTRY

from lms.db import utcnow
from lms.extensions import db
from lms.jobs import enqueue
from lms.lrs import services
from lms.lrs.embedded import record_statement
from tests.conftest import dispose_engines, make_test_app
from tests.databases import fresh_database
from tests.fixtures.services import REDIS_URL, delete_site_keys, redis_answers, run_worker
from tests.lms.lrs.builders import statement
from tests.lms.lrs.live import live_lrs
from tests.lms.lrs.test_http_round_trip import call


def forwarded(result: str) -> float:
    return REGISTRY.get_sample_value("atlas_lrs_statements_forwarded_total",
                                     {"result": result}) or 0.0


@pytest.mark.skipif(not redis_answers(), reason="no Redis answers at 127.0.0.1:6379")
def test_forward_job_on_the_worker_sends_each_statement_once(tmp_path):
    import redis

    prefix = f"atlas-test-{uuid.uuid4().hex[:10]}:"
    with live_lrs(tmp_path / "upstream") as live, fresh_database(tmp_path) as url:
        app = make_test_app(url, tmp_path / "instance", ATLAS_REDIS_URL=REDIS_URL,
                            ATLAS_REDIS_KEY_PREFIX=prefix)
        try:
            with app.app_context():
                services.add_upstream(None, name="upstream", endpoint=live.endpoint,
                                      username=live.key, password=live.secret, now=utcnow())
                sent = statement(id=str(uuid.uuid4()))
                record_statement(sent, utcnow())
                db.session.commit()
                before = forwarded("sent")
                for _ in range(2):  # a second round (overlap, retry) sends nothing again
                    enqueue("lrs.forward")
                    db.session.commit()
                    run_worker(app)
                assert forwarded("sent") == before + 1
                [status] = services.upstream_statuses()
                assert status.counts == {"pending": 0, "sent": 1, "failed": 0}
                db.session.rollback()
            code, _headers, body = call(live, "GET", "statements",
                                        params={"statementId": sent["id"]})
            assert code == 200 and json.loads(body)["verb"] == sent["verb"]
        finally:
            connection = redis.Redis.from_url(REDIS_URL)
            delete_site_keys(connection, prefix)
            connection.close()
            dispose_engines(app)
