"""The one unit-of-work helper: commit once, or roll back and put the refusal where it belongs."""

import pytest
from flask import get_flashed_messages
from sqlalchemy import func, select

from lms.accounts import services
from lms.accounts.models import Organisation
from lms.admin.forms import OrganisationForm
from lms.db import utcnow
from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db
from lms.unit_of_work import commit_or_flash, discard, unit_of_work


def _organisations() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def test_a_domain_error_rolls_back_everything_the_block_wrote(app):
    with app.test_request_context("/"):
        before = _organisations()
        with unit_of_work() as work:
            services.create_organisation(name="Stanzwerk Nord", city="", now=utcnow())
            raise ValidationFailedError("Nicht erlaubt.")
        assert work.failed and work.message == "Nicht erlaubt."
        assert _organisations() == before
        assert get_flashed_messages(with_categories=True) == [("error", "Nicht erlaubt.")]


def test_the_error_goes_onto_the_field_it_names_and_is_not_flashed(app):
    with app.test_request_context("/", method="POST", data={"name": " ", "city": ""}):
        form = OrganisationForm(meta={"csrf": False})
        with unit_of_work(form) as work:
            services.create_organisation(name=" ", city="", now=utcnow())
        assert work.failed
        assert form.name.errors == ["Bitte geben Sie einen Namen an."]
        assert get_flashed_messages() == []


def test_success_commits_and_confirms_with_the_message_set_in_the_block(app):
    with app.test_request_context("/"):
        with unit_of_work() as work:
            organisation = services.create_organisation(name="Presswerk Süd", city="Ulm",
                                                        now=utcnow())
            work.success = f"{organisation.name} angelegt."
        assert not work.failed
        db.session.rollback()  # nothing left to roll back: the block committed
        assert db.session.scalar(select(Organisation.city).where(
            Organisation.name == "Presswerk Süd")) == "Ulm"
        assert get_flashed_messages(with_categories=True) == [
            ("success", "Presswerk Süd angelegt.")]


def test_commit_or_flash_is_the_short_form(app):
    with app.test_request_context("/"):
        assert commit_or_flash(lambda: None, "Erledigt.") is True
        assert not commit_or_flash(lambda: services.create_organisation(
            name="", city="", now=utcnow()))
        assert get_flashed_messages() == ["Erledigt.", "Bitte geben Sie einen Namen an."]


def test_refusals_left_out_propagate_and_nothing_is_committed(app):
    with app.test_request_context("/"):
        before = _organisations()
        with pytest.raises(NotFoundError):
            with unit_of_work(refusals=()):
                services.create_organisation(name="Gießerei West", city="", now=utcnow())
                raise NotFoundError("Nicht gefunden.")
        assert get_flashed_messages() == []
        discard()  # what an error handler does with the request's changes
        assert _organisations() == before
