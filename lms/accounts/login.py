"""Flask-Login wiring: how a session finds its user."""

from flask_babel import lazy_gettext as _l

from lms.accounts.models import User
from lms.extensions import db, login_manager


def configure_login(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        if not user_id.isdigit():
            return None
        return db.session.get(User, int(user_id))
