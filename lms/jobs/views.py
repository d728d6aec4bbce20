"""Pages of the job layer: the owner's prepared downloads, the admins' dead-letter actions."""

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.access import admin_required
from lms.db import utcnow
from lms.jobs import dead_letters, files
from lms.unit_of_work import commit_or_flash

bp = Blueprint("jobs", __name__, template_folder="templates")


class ActionForm(FlaskForm):
    """A button that posts with a CSRF token (``lms.forms`` sits above this layer)."""


@bp.get("/downloads/")
@login_required
def list_downloads():
    """The current user's prepared downloads (exports, funding packs), newest first."""
    return render_template("jobs/downloads.html", files=files.files_of(current_user.id, utcnow()),
                           form=ActionForm())


@bp.get("/downloads/<token>")
@login_required
def download(token: str):
    """A prepared file, to its owner only and until it expires (404 for anyone else)."""
    row = files.owned_file(token, current_user.id, utcnow())
    if row is None:
        abort(404)
    if row.status != "ready":  # 202 while it is prepared; failed: the page says so
        return render_template("jobs/pending.html", file=row), (
            202 if row.status == "pending" else 200)
    return Response(row.data, mimetype=row.media_type, headers={
        "Content-Disposition": f'attachment; filename="{row.filename}"',
        "Cache-Control": "private, no-store"})


@bp.post("/admin/jobs/<int:letter_id>/retry")
@admin_required
def retry_dead_letter(letter_id: int):
    if ActionForm().validate_on_submit():
        commit_or_flash(lambda: dead_letters.retry(letter_id),
                        _("Der Auftrag wurde neu gestartet."))
    return redirect(url_for("admin.start"))


@bp.post("/admin/jobs/<int:letter_id>/discard")
@admin_required
def discard_dead_letter(letter_id: int):
    if ActionForm().validate_on_submit():
        commit_or_flash(lambda: dead_letters.discard(letter_id),
                        _("Der Auftrag wurde verworfen."))
    return redirect(url_for("admin.start"))
