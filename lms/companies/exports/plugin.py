"""Registers the completion exports with the plugin host: page and navigation."""


from lms.plugins import hookimpl


@hookimpl
def lms_load_blueprints(app):
    from lms.companies.exports import views

    app.register_blueprint(views.bp)


@hookimpl
def lms_navigation_entries(user):
    # reached through the company portal's sub-navigation (companies/_nav.html)
    return []


@hookimpl
def lms_job_modules():
    return ["lms.companies.exports.jobs"]
