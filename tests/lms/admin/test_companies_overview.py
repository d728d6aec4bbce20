"""The operator's view across companies at /admin/companies."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from lms.admin.companies_overview import company_figures
from lms.extensions import db
from lms.learning.models import CourseProgress
from tests.factories import make_user
from tests.lms.api.world import build_world


@pytest.fixture
def world(import_real):  # noqa: F811
    return build_world(import_real("e-mobility")[0].version)


def cells(html: str, name: str) -> list[str]:
    row = html.split(name, 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="num">(\d+)</td>', row)


def test_counts_per_company(client, auth, world):
    progress = db.session.query(CourseProgress).filter_by(user_id=world.anna.id).one()
    progress.last_activity_at = datetime.now(UTC)
    db.session.flush()
    admin = make_user(is_admin=True)
    auth.login(admin.email)
    html = client.get("/admin/companies").get_data(as_text=True)
    # seats, active (30 days), active enrolments, completions, certificates
    assert cells(html, "Alpha Guss GmbH") == ["5", "1", "3", "1", "1"]
    assert cells(html, "Beta Blech AG") == ["2", "0", "1", "1", "0"]


def test_one_query_per_figure(app, world):
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        company_figures(datetime.now(UTC))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 6  # five grouped counts and the organisations


def test_admins_only(client, auth, world):
    auth.login(world.manager.email)
    assert client.get("/admin/companies").status_code == 403
