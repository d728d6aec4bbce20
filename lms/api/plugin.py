"""Registers the REST API with the plugin host: its token table, the API and the token page."""


from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.api.models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.api import qualification_views, token_views, views

    assert qualification_views.bp is views.bp  # its routes join the API blueprint

    app.register_blueprint(views.bp)
    app.register_blueprint(token_views.bp)
    # Unrouted paths and wrong methods never reach a blueprint's handlers; answer them
    # in the API's error format under /api/, as before everywhere else.
    app.register_error_handler(404, views.handle_unrouted)
    app.register_error_handler(405, views.handle_unrouted)


@hookimpl
def lms_navigation_entries(user):
    # reached through the company portal's sub-navigation (companies/_nav.html)
    return []
