"""An assignment made through the HR API is the same as one made on the portal page."""

from sqlalchemy import select

from lms.companies.models import Assignment
from lms.extensions import db


def test_api_assignment_is_listed_in_the_portal_and_mailed(client, world, bearer, mails):
    response = client.post("/api/v1/assignments", headers=bearer, json={
        "person_id": world.dora.id, "course": "e-mobility", "due_at": "2031-01-31"})
    assert response.status_code == 201, response.get_json()
    [assignment] = db.session.scalars(select(Assignment)).all()
    assert assignment.user_id == world.dora.id and assignment.due_on.year == 2031
    assert [m["To"] for m in mails()] == [world.dora.email]
    # the same call again neither duplicates the assignment nor mails again
    client.post("/api/v1/assignments", headers=bearer, json={
        "person_id": world.dora.id, "course": "e-mobility", "due_at": "2031-01-31"})
    assert len(db.session.scalars(select(Assignment)).all()) == 1
    assert len(mails()) == 1
