"""Hook implementations of the example plugin."""

from flask import Blueprint

from lms.plugins import hookimpl

bp = Blueprint("hello", __name__)

#: Emails of users the plugin saw registering (lets the tests observe the event hook).
REGISTERED: list[str] = []


@bp.get("/hello")
def hello():
    return {"hello": "from a plugin"}


@hookimpl
def lms_load_blueprints(app):
    app.register_blueprint(bp)


@hookimpl
def lms_navigation_entries(user):
    return [{"endpoint": "hello.hello", "label": "Hello plugin", "order": 99}]


@hookimpl
def lms_user_registered(user, now):
    REGISTERED.append(user.email)
