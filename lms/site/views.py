"""The start page, where signing in leads, and the imprint and privacy pages."""

from flask import Blueprint, abort, jsonify, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms import formatting
from lms.access import admin_required
from lms.accounts.forms import LoginForm
from lms.db import utcnow
from lms.learning.dashboard import learner_dashboard
from lms.site import site_pages
from lms.site.forms import SitePageForm
from lms.teaching.access import may_teach
from lms.unit_of_work import commit_or_flash

bp = Blueprint("core", __name__, template_folder="templates")  # name kept: see lms/site/__init__.py
bp.add_app_template_filter(formatting.format_number, "number")
bp.add_app_template_filter(formatting.format_hours, "hours")
bp.add_app_template_filter(formatting.format_minutes_as_hours, "minutes_as_hours")
bp.add_app_template_filter(formatting.course_title, "course_title")
bp.add_app_template_filter(formatting.format_iso_date, "isodate")
# Flask-Babel's date filters write English as en_US; these replace them (British English).
bp.add_app_template_filter(formatting.format_date, "dateformat")
bp.add_app_template_filter(formatting.format_datetime, "datetimeformat")
bp.add_app_template_filter(formatting.format_time, "timeformat")


@bp.get("/")
def home():
    if current_user.is_authenticated:
        board = learner_dashboard(current_user, str(get_locale() or "de"), utcnow())
        return render_template("site/dashboard.html", board=board)
    return render_template("site/home.html", form=LoginForm())


@bp.get("/welcome")
def after_sign_in():
    """Where signing in leads: trainers and admins to their cockpit, learners to their
    dashboard. "Start" in the navigation stays the learner's own dashboard."""
    if current_user.is_authenticated and may_teach(current_user):
        return redirect(url_for("teaching.start_page"))
    return redirect(url_for("core.home"))


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every page, JSON ones included."""
    return redirect(url_for("static", filename="img/favicon.svg"), code=301)


def _language() -> str:
    return str(get_locale() or "de")


def _show_page(key: str):
    return render_template(
        "site/site_page.html", key=key, title=site_pages.PAGES[key]["title"],
        body=site_pages.render_markdown(site_pages.page_source(key, _language())),
    )


@bp.get("/impressum")
def imprint():
    """The legal notice, for everyone, signed in or not."""
    return _show_page("imprint")


@bp.get("/datenschutz")
def privacy_policy():
    """The privacy policy, for everyone, signed in or not."""
    return _show_page("privacy")


@bp.route("/admin/pages/<key>", methods=["GET", "POST"])
@admin_required
def edit_site_page(key: str):
    """The operator writes the legal notice or privacy policy in Markdown."""
    if key not in site_pages.PAGES:
        abort(404)
    form = SitePageForm()
    if form.validate_on_submit():
        if commit_or_flash(lambda: site_pages.save_page(
                current_user, key, form.body_de.data or "", form.body_en.data or "", utcnow()),
                _("Gespeichert. Die Seite zeigt ab sofort den neuen Text.")):
            return redirect(url_for(site_pages.PAGES[key]["endpoint"]))
    elif not form.is_submitted():
        form.body_de.data, form.body_en.data = site_pages.stored_sources(key)
    status = 400 if form.errors else 200
    return render_template(
        "site/edit_site_page.html", form=form, key=key, pages=site_pages.PAGES,
        title=site_pages.PAGES[key]["title"],
        default_de=site_pages.DEFAULTS[(key, "de")],
    ), status


@bp.get("/api/v1/")
def api_index():
    """What a client finds at the API's root: where the OpenAPI document and the
    resources are (the resources themselves live in ``lms.api``)."""
    return jsonify({
        "name": "ATLAS Campus API",
        "version": "v1",
        "openapi": url_for("api.openapi_document", _external=True),
        "authentication": "Authorization: Bearer <API token of your company>",
        "resources": {
            "people": url_for("api.list_people", _external=True),
            "assignments": url_for("api.list_assignments", _external=True),
            "completions": url_for("api.list_completions", _external=True),
        },
    })
