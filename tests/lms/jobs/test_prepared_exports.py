"""An export above the threshold is prepared by a job and downloadable by its owner only."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.companies.exports import rows
from lms.db import utcnow
from lms.extensions import db
from lms.jobs.models import PreparedFile
from tests.fixtures.services import run_worker
from tests.lms.api.world import build_world


@pytest.fixture
def world(import_real):
    return build_world(import_real("e-mobility")[0].version)


@pytest.fixture
def threshold(app, world, monkeypatch):
    count = rows.count_rows(world.org_a, rows.CompletionFilter(), utcnow())
    assert count >= 2
    monkeypatch.setitem(app.config, "ATLAS_EXPORT_INLINE_MAX_ROWS", count - 1)
    return count


def start_export(client, auth):
    return client.post("/company/exports/download", data={
        "csrf_token": auth.csrf("/company/exports/"), "format": "csv", "course": "0",
        "department": "0", "status": ""})


def owned_file(world) -> PreparedFile:
    return db.session.scalar(select(PreparedFile).where(PreparedFile.owner_id == world.manager.id))


def test_large_export_is_prepared_and_only_its_owner_downloads_it(app, client, auth, world,
                                                                  threshold, mails):
    auth.login(world.manager.email)
    response = start_export(client, auth)
    assert response.status_code == 303 and response.headers["Location"].endswith("/downloads/")
    listing = client.get("/downloads/").get_data(as_text=True)
    prepared = owned_file(world)
    assert prepared.status == "ready"  # no Redis: the job ran after the request's commit
    assert f"/downloads/{prepared.token}" in listing
    [mail] = [m for m in mails() if m["To"] == world.manager.email]
    assert f"/downloads/{prepared.token}" in mail.get_content()

    download = client.get(f"/downloads/{prepared.token}")
    assert download.status_code == 200
    text = download.get_data().decode("utf-8")
    assert "Anna" in text and "Bernd Fremd" not in text  # own company only

    for other in (world.manager_b, world.anna):
        auth.logout()
        auth.login(other.email)
        assert client.get(f"/downloads/{prepared.token}").status_code == 404
    auth.logout()
    auth.login(world.manager.email)
    prepared.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/downloads/{prepared.token}").status_code == 404


def test_small_export_still_streams_at_once(app, client, auth, world, monkeypatch):
    monkeypatch.setitem(app.config, "ATLAS_EXPORT_INLINE_MAX_ROWS", 10_000)
    auth.login(world.manager.email)
    response = start_export(client, auth)
    assert response.status_code == 200 and "Anna" in response.get_data().decode("utf-8")
    assert owned_file(world) is None


def test_large_export_through_redis_waits_for_the_worker(app, client, auth, world, threshold,
                                                         redis_site):
    auth.login(world.manager.email)
    assert start_export(client, auth).status_code == 303
    prepared = owned_file(world)
    pending = client.get(f"/downloads/{prepared.token}")
    assert pending.status_code == 202 and "wird vorbereitet" in pending.get_data(as_text=True)
    run_worker(app)
    download = client.get(f"/downloads/{prepared.token}")
    assert download.status_code == 200 and "Anna" in download.get_data().decode("utf-8")


def test_an_export_that_fails_for_good_says_so(app, client, auth, world, threshold,
                                               monkeypatch):
    from lms.companies.exports import jobs
    from lms.jobs.models import DeadLetter

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "export_bytes", broken)  # the writer breaks; the rest is real
    auth.login(world.manager.email)
    assert start_export(client, auth).status_code == 303
    prepared = owned_file(world)
    assert prepared.status == "failed"
    page = client.get(f"/downloads/{prepared.token}")
    assert page.status_code == 200 and "konnte nicht erstellt werden" in page.get_data(
        as_text=True)
    [letter] = db.session.scalars(select(DeadLetter).where(
        DeadLetter.job_name == "companies.export")).all()
    assert letter.attempts == 2 and "disk full" in letter.error
