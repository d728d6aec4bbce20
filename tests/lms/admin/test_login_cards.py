"""Login cards end in one unit of work: a refusal writes nothing and says why on the page."""

from sqlalchemy import func, select

from lms.accounts.models import Membership, User
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_member, make_organisation, make_user


def text(response):
    return response.get_data(as_text=True)


def _members_numbered(organisation, number: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organisation_id == organisation.id, Membership.personnel_number == number))


def test_a_taken_personnel_number_is_refused_on_the_form_and_creates_nobody(client, auth, app):
    organisation = make_organisation(name="Müller Metallbau", code="MUELLER")
    make_member(organisation, role="manager", email="chef@mueller.example")
    db.session.commit()
    auth.login("chef@mueller.example")
    path = f"/admin/organisations/{organisation.id}/shop-floor"

    def create(name):
        token = csrf_token_from(text(client.get(path)))
        return client.post(path, data={"csrf_token": token, "personnel_number": "4711",
                                       "name": name})

    first = create("Jonas Berg")
    assert first.status_code == 200 and first.headers["Content-Type"] == "application/pdf"
    again = create("Jana Berg")
    assert again.status_code == 400
    assert "Die Personalnummer 4711 ist in Müller Metallbau schon vergeben." in text(again)
    assert _members_numbered(organisation, "4711") == 1
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.name == "Jana Berg")) == 0


def test_an_account_without_a_card_is_refused_with_a_message_and_kept(client, auth, app):
    make_user(email="admin@example.org", is_admin=True)
    person = make_user(email="lea@example.org", name="Lea Lernend")
    db.session.commit()
    password_hash = person.password_hash
    auth.login("admin@example.org")
    page = client.get(f"/admin/users/{person.id}")
    response = client.post(f"/admin/users/{person.id}/login-card",
                           data={"csrf_token": csrf_token_from(text(page))})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/users/{person.id}")
    followed = client.get(response.headers["Location"])
    assert "Für dieses Konto gibt es keine Anmeldekarte" in text(followed)
    db.session.expire_all()
    assert db.session.get(User, person.id).password_hash == password_hash
