"""Privacy pages: the visibility profile and its printable annex, the works council's page,
and the employee's own consent and access log (``company_me`` blueprint under /me)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.companies import assignments, audit, charts, consent, visibility
from lms.companies.access import (
    managed_organisation,
    viewable_organisation,
    works_council_organisation,
)
from lms.companies.forms import ConsentForm, ProfileChoiceForm, ProfileDecisionForm
from lms.companies.views import bp, language
from lms.db import utcnow
from lms.forms import ActionForm
from lms.unit_of_work import commit_or_flash

me_bp = Blueprint("company_me", __name__, url_prefix="/me", template_folder="templates")

CHANGE_STATUS_LABELS = {
    "pending": _l("wartet auf den Betriebsrat"),
    "approved": _l("vom Betriebsrat genehmigt"),
    "rejected": _l("vom Betriebsrat abgelehnt"),
    "withdrawn": _l("zurückgezogen"),
    "applied": _l("sofort wirksam (kein Betriebsrat)"),
}


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
        "pending_change": visibility.pending_change(organisation),
        "profile_changes": visibility.profile_changes(organisation),
        "has_works_council": visibility.has_works_council(organisation),
        "profile_label_of": lambda name: visibility.profile_label(name, language()),
        "change_status_labels": CHANGE_STATUS_LABELS,
        "decision_form": ProfileDecisionForm(formdata=None),
        "action_form": ActionForm(formdata=None),
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
    changes = []
    if commit_or_flash(lambda: changes.append(visibility.choose_profile(
            current_user, organisation, form.profile.data, utcnow()))):
        change = changes[0]
        if change.status == "pending":
            flash(_("Die Änderung ist beantragt. Sie gilt, sobald der Betriebsrat zustimmt."),
                  "success")
        elif change.status == "withdrawn":
            flash(_("Der Antrag ist zurückgezogen; das bisherige Profil gilt weiter."), "success")
        else:
            flash(_("Das Sichtbarkeitsprofil wurde geändert. Die Änderung ist im "
                    "Zugriffsprotokoll vermerkt."), "success")
    return redirect(url_for("companies.privacy"))


@bp.post("/privacy/profile/withdraw")
@login_required
def withdraw_profile_change():
    organisation = managed_organisation(current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(
        lambda: visibility.withdraw_profile_change(current_user, organisation, utcnow()),
        _("Der Antrag ist zurückgezogen; das bisherige Profil gilt weiter."),
    )
    return redirect(url_for("companies.privacy"))


@bp.post("/privacy/profile/<int:change_id>/decide")
@login_required
def decide_profile_change(change_id: int):
    organisation = works_council_organisation(current_user)
    form = ProfileDecisionForm()
    if not form.validate_on_submit() or form.decision.data not in ("approve", "reject"):
        abort(400)
    approve = form.decision.data == "approve"
    commit_or_flash(
        lambda: visibility.decide_profile_change(current_user, organisation, change_id,
                                                 approve, utcnow(), form.note.data or ""),
        _("Die Änderung ist genehmigt und gilt ab sofort.") if approve
        else _("Die Änderung ist abgelehnt; das bisherige Profil gilt weiter."),
    )
    return redirect(url_for("companies.works_council"))


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
    log = audit.organisation_log_page(organisation, request.args.get("page", 1, type=int))
    now = utcnow()
    statuses = assignments.assignment_statuses(organisation, now, language())
    minimum = visibility.min_group_size()
    return render_template(
        "companies/works_council.html", organisation=organisation,
        log=log, action_label=audit.action_label,
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
        "companies/access_log.html",
        log=audit.subject_log_page(current_user, request.args.get("page", 1, type=int)),
        action_label=audit.action_label,
    )
