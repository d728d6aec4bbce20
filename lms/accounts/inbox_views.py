"""The platform inbox: what would have been mailed to a person without an e-mail address."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup

from lms.accounts import inbox
from lms.accounts.views import bp
from lms.db import utcnow
from lms.unit_of_work import commit_or_flash


@bp.get("/account/messages")
@login_required
def messages():
    return render_template("accounts/messages.html", messages=inbox.messages(current_user),
                           form=FlaskForm())


@bp.post("/account/messages/read")
@login_required
def mark_messages_read():
    if not FlaskForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    commit_or_flash(lambda: inbox.mark_all_read(user, utcnow()),
                    success=_("Alle Nachrichten sind als gelesen markiert."))
    return redirect(url_for("accounts.messages"))


def inbox_panel(user) -> Markup | None:
    """The start page's "Nachrichten" card: for accounts without e-mail, or unread messages."""
    unread = inbox.unread_count(user)
    if user.email and not unread:
        return None
    return Markup(render_template("accounts/_inbox_panel.html", unread=unread))
