"""The network staff's page of the qualification picture, with CSV and XLSX exports."""

from functools import wraps

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.accounts.regions import REGIONS, SIZE_BANDS, UNKNOWN_BAND, size_band_label
from lms.db import utcnow
from lms.local_time import local_day
from lms.qualifications import network, network_export

bp = Blueprint("qualifications_network", __name__, url_prefix="/network/qualifications",
               template_folder="templates")


def may_see_network_picture(user) -> bool:
    return bool(user.is_authenticated and (user.is_network_staff or user.is_admin))


def network_staff_required(view):
    """Network staff and platform admins only (403 for everyone else)."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not may_see_network_picture(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def filters_from(args) -> network.NetworkFilter:
    """The view's filters from the query string; unknown values fall back to "all"."""
    dimension = args.get("dimension", "all")
    if dimension not in network.DIMENSIONS:
        dimension = "all"
    region = args.get("region") or None
    if region is not None and region not in REGIONS:
        region = None
    band = args.get("size") or None
    if band is not None and band not in {code for code, _lower, _label in SIZE_BANDS} | {
            UNKNOWN_BAND}:
        band = None
    return network.NetworkFilter(dimension=dimension, region=region, size_band=band)


def group_label(dimension: str):
    def label(group: str) -> str:
        if dimension == "size":
            return size_band_label(group)
        if dimension == "region":
            return group or _("Region nicht zugeordnet")
        return _("alle Mitgliedsunternehmen")
    return label


def title_of(row) -> str:
    return row.title_en if str(get_locale()) == "en" and row.title_en else row.title_de


@bp.get("/")
@network_staff_required
def show_picture():
    filters = filters_from(request.args)
    today = local_day(utcnow())
    picture = network.network_picture(today, filters)
    return render_template(
        "qualifications/network.html", picture=picture, filters=filters, today=today,
        regions=REGIONS, size_bands=[(code, str(label)) for code, _lower, label in SIZE_BANDS],
        group_label=group_label(filters.dimension), title_of=title_of,
        min_people=network.MIN_PEOPLE, min_companies=network.MIN_COMPANIES,
    )


@bp.get("/export.<any(csv, xlsx):format_key>")
@network_staff_required
def export_picture(format_key: str):
    filters = filters_from(request.args)
    today = local_day(utcnow())
    picture = network.network_picture(today, filters)
    name = f"netzwerkbild-qualifikationen-{today.isoformat()}-{filters.dimension}"
    if format_key == "csv":
        body = network_export.csv_bytes(picture, group_label(filters.dimension), title_of, today)
        mimetype = "text/csv; charset=utf-8"
    else:
        body = network_export.xlsx_bytes(picture, group_label(filters.dimension), title_of,
                                         today)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}.{format_key}"'})
