"""Access checks shared by every area's admin pages."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def admin_required(view):
    """Allow platform administrators only (403 for everyone else)."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
