"""Privacy pages: the visibility profile and its printable annex, the works council's page,
and the employee's own consent and access log (``company_me`` blueprint under /me)."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.actions import commit_or_flash
from lms.companies import assignments, audit, charts, consent, visibility
from lms.companies.access import (
    managed_organisation,
    viewable_organisation,
    works_council_organisation,
)
from lms.companies.forms import ConsentForm, ProfileChoiceForm
from lms.companies.views import bp, language
from lms.db import utcnow

me_bp = Blueprint("company_me", __name__, url_prefix="/me", template_folder="templates")

LOG_PAGE_SIZE = 100


def _profile_form(organisation) -> ProfileChoiceForm:
    form = ProfileChoiceForm()
    lang = language()
    form.profile.choices = [
        (name, profile["label_en" if lang == "en" else "label_de"])
        for name, profile in visibility.profiles()["profiles"].items()
    ]
    if not form.is_submitted():
        form.profile.data = visibility.active_profile_name(organisation)
    return form


def _profile_context(organisation) -> dict:
    name = visibility.active_profile_name(organisation)
    profile = visibility.profiles()["profiles"][name]
    return {
        "profile_rows": visibility.profile_table(organisation),
        "profile_label": profile["label_en" if language() == "en" else "label_de"],
        "role_labels": visibility.ROLE_LABELS,
        "roles": visibility.ROLES,
        "is_locked": visibility.is_locked(),
        "min_group_size": visibility.min_group_size(),
    }


@bp.get("/privacy")
@login_required
def privacy():
    organisation = viewable_organisation(current_user)
    return render_template(
        "companies/privacy.html", organisation=organisation,
        form=_profile_form(organisation) if current_user.is_company_manager else None,
        **_profile_context(organisation),
    )


@bp.post("/privacy/profile")
@login_required
def choose_profile():
    organisation = managed_organisation(current_user)
    form = _profile_form(organisation)
    if not form.validate_on_submit():
        abort(400)
    commit_or_flash(
        lambda: visibility.choose_profile(current_user, organisation, form.profile.data,
                                          utcnow()),
        _("Das Sichtbarkeitsprofil wurde geändert."),
    )
    return redirect(url_for("companies.privacy"))


@bp.get("/privacy/annex")
@login_required
def privacy_annex():
    organisation = viewable_organisation(current_user)
    return render_template(
        "companies/annex.html", organisation=organisation, now=utcnow(),
        **_profile_context(organisation),
    )


@bp.get("/works-council")
@login_required
def works_council():
    organisation = works_council_organisation(current_user)
    page = max(request.args.get("page", 1, type=int), 1)
    entries = audit.entries_for_organisation(organisation, page, LOG_PAGE_SIZE)
    has_next = len(entries) > LOG_PAGE_SIZE
    now = utcnow()
    statuses = assignments.assignment_statuses(organisation, now, language())
    minimum = visibility.min_group_size()
    return render_template(
        "companies/works_council.html", organisation=organisation,
        entries=entries[:LOG_PAGE_SIZE], page=page, has_next=has_next,
        action_label=audit.action_label,
        by_course=assignments.group_counts(statuses, "course", minimum),
        by_department=assignments.group_counts(statuses, "department", minimum),
        minimum=minimum, segments=charts.stacked_segments,
        statuses_order=assignments.STATUSES, status_labels=assignments.STATUS_LABELS,
        **_profile_context(organisation),
    )


@me_bp.route("/consent", methods=["GET", "POST"])
@login_required
def consent_page():
    membership = current_user.membership
    form = ConsentForm()
    if form.validate_on_submit():
        if form.decision.data not in ("grant", "revoke"):
            abort(400)
        grant = form.decision.data == "grant"
        commit_or_flash(
            lambda: consent.decide_score_consent(current_user, grant, language(), utcnow()),
            _("Ihre Einwilligung ist erteilt.") if grant
            else _("Ihre Einwilligung ist widerrufen. Ihr Unternehmen sieht Ihre Ergebnisse "
                   "ab sofort nicht mehr."),
        )
        return redirect(url_for("company_me.consent_page"))
    if request.method == "POST":
        abort(400)
    organisation = membership.organisation if membership else None
    return render_template(
        "companies/consent.html", organisation=organisation,
        text=consent.consent_text(organisation.name, language()) if organisation else "",
        has_consent=consent.has_score_consent(current_user),
        history=consent.consent_history(current_user), form=ConsentForm(formdata=None),
        **(_profile_context(organisation) if organisation else {}),
    )


@me_bp.get("/access-log")
@login_required
def access_log():
    return render_template(
        "companies/access_log.html", entries=audit.entries_for_subject(current_user),
        action_label=audit.action_label,
    )
