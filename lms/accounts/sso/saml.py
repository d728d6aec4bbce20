"""SAML 2.0 service provider (pysaml2): AuthnRequest out, signed assertion back.

The platform is one service provider; its entity id and metadata are at ``/sso/saml/metadata``.
Each organisation's identity provider is known by its metadata (fetched from a URL by the
admin, stored). pysaml2 checks the signature (``xmlsec1``), the audience (our entity id), the
validity window, the destination and that the response answers a request this browser made
(``InResponseTo`` against the one outstanding request kept in the session, removed on
return: a replayed response finds none). Unsolicited (IdP-initiated) responses are refused.
"""

import base64
import logging
import shutil
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
import zlib
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedElementTree
from flask_babel import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.response import StatusError, VerificationError
from saml2.s_utils import UnknownPrincipal, UnsupportedBinding, decode_base64_and_inflate
from saml2.saml import NameID
from saml2.samlp import STATUS_SUCCESS
from saml2.sigver import RSACrypto, SignatureError, verify_redirect_signature
from saml2.validate import ResponseLifetimeExceed, ToEarly

from lms.accounts.sso.oidc import ProviderError

log = logging.getLogger(__name__)

MD_NS = "{urn:oasis:names:tc:SAML:2.0:metadata}"
MAX_METADATA_BYTES = 2 * 1024 * 1024


@dataclass
class SpEndpoints:
    entity_id: str
    acs_url: str
    slo_url: str = ""


def _xmlsec() -> str:
    binary = shutil.which("xmlsec1")
    if not binary:
        raise ProviderError(_("SAML braucht das Programm xmlsec1 auf dem Server (Debian-Paket "
                              "xmlsec1)."))
    return binary


def fetch_metadata(url: str) -> tuple[str, str]:
    """Fetch an IdP's metadata; return (XML, entity id).

    :raises ProviderError: unreachable, not SAML metadata, or no IdP in it.
    """
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            xml = response.read(MAX_METADATA_BYTES).decode("utf-8")
    except (OSError, ValueError) as error:
        raise ProviderError(_("Der Identitätsanbieter ist nicht erreichbar: %(url)s",
                              url=url)) from error
    return xml, idp_entity_id(xml)


def idp_entity_id(xml: str) -> str:
    try:
        root = DefusedElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise ProviderError(_("Die SAML-Metadaten sind kein gültiges XML.")) from error
    descriptors = [root] if root.tag == f"{MD_NS}EntityDescriptor" else root.findall(
        f"{MD_NS}EntityDescriptor")
    for descriptor in descriptors:
        if descriptor.find(f"{MD_NS}IDPSSODescriptor") is not None:
            return descriptor.get("entityID", "")
    raise ProviderError(_("Die SAML-Metadaten beschreiben keinen Identitätsanbieter."))


def in_response_to(saml_response: str) -> str:
    """The request a posted response claims to answer (checked again after verification)."""
    try:
        root = DefusedElementTree.fromstring(base64.b64decode(saml_response, validate=False))
    except (ValueError, ElementTree.ParseError, DefusedXmlException) as error:
        raise ProviderError(_("Die SAML-Antwort ist kein gültiges XML.")) from error
    return root.get("InResponseTo", "")


def _config(sp: SpEndpoints, idp_metadata: str | None) -> SPConfig:
    settings = {
        "entityid": sp.entity_id,
        "xmlsec_binary": _xmlsec(),
        "allow_unknown_attributes": True,
        "service": {"sp": {
            "endpoints": {
                "assertion_consumer_service": [(sp.acs_url, BINDING_HTTP_POST)],
                **({"single_logout_service": [(sp.slo_url, BINDING_HTTP_REDIRECT)]}
                   if sp.slo_url else {}),
            },
            "allow_unsolicited": False,
            "want_assertions_signed": True,
            "want_response_signed": False,
            "authn_requests_signed": False,
        }},
        "metadata": {"inline": [idp_metadata]} if idp_metadata else {},
    }
    config = SPConfig()
    config.load(settings)
    return config


def sp_metadata(sp: SpEndpoints) -> str:
    """Our metadata for the IdP's administrators (entity id, assertion consumer URL)."""
    return str(entity_descriptor(_config(sp, None)))


def authn_request(sp: SpEndpoints, idp_metadata: str, idp_entity: str) -> tuple[str, str]:
    """Return (request id, URL at the IdP) for an HTTP-Redirect AuthnRequest."""
    client = Saml2Client(config=_config(sp, idp_metadata))
    try:
        request_id, info = client.prepare_for_authenticate(
            entityid=idp_entity, binding=BINDING_HTTP_REDIRECT)
    except (UnsupportedBinding, UnknownPrincipal) as error:
        raise ProviderError(_("Der SAML-Anbieter bietet keine Anmeldung per Weiterleitung "
                              "an.")) from error
    location = dict(info["headers"])["Location"]
    return request_id, location


def read_response(sp: SpEndpoints, idp_metadata: str, saml_response: str,
                  request_id: str) -> dict:
    """Verify the IdP's response to ``request_id``; return claims (``sub`` = NameID).

    :raises ProviderError: unsigned or wrongly signed, other audience, expired, not an
        answer to our request (replayed), or a failure status.
    """
    client = Saml2Client(config=_config(sp, idp_metadata))
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"})
    except (SignatureError, ValueError) as error:
        log.warning("SAML response refused: %s", error)
        raise ProviderError(_("Die SAML-Antwort ist nicht gültig signiert.")) from error
    except (ResponseLifetimeExceed, ToEarly, VerificationError) as error:
        # pysaml2 reports audience and validity window as one failed condition
        log.warning("SAML response refused: %r", error)
        raise ProviderError(_("Die SAML-Antwort ist abgelaufen oder nicht für diese Plattform "
                              "ausgestellt.")) from error
    except StatusError as error:
        raise ProviderError(_("Der Identitätsanbieter hat die Anmeldung abgelehnt "
                              "(%(detail)s).", detail=type(error).__name__)) from error
    except Exception as error:  # pysaml2 raises many unrelated types for a bad message
        log.warning("SAML response refused: %r", error)
        if "AudienceRestrictions" in str(error):  # a bare Exception in pysaml2
            raise ProviderError(_("Die SAML-Antwort ist abgelaufen oder nicht für diese "
                                  "Plattform ausgestellt.")) from error
        raise ProviderError(_("Die SAML-Antwort ist ungültig (%(reason)s).",
                              reason=type(error).__name__)) from error
    if response is None or not response.assertion:
        raise ProviderError(_("Die SAML-Antwort enthält keine Zusicherung."))
    if response.in_response_to != request_id:
        raise ProviderError(_("Das ID-Token gehört nicht zu dieser Anmeldung."))
    claims = {name: values[0] if isinstance(values, list) and values else values
              for name, values in (response.get_identity() or {}).items()}
    subject = response.get_subject()
    claims["sub"] = subject.text
    # kept with the login session for single logout (the IdP names the session by these)
    claims[NAME_ID_FORMAT] = subject.format or ""
    statements = response.assertion.authn_statement or []
    claims[SESSION_INDEX] = (statements[0].session_index or "") if statements else ""
    return claims


# --- single logout (HTTP-Redirect binding) -------------------------------------------------

NAME_ID_FORMAT = "_saml_name_id_format"
SESSION_INDEX = "_saml_session_index"


@dataclass
class LogoutRequestIn:
    """A verified LogoutRequest from the IdP: whom it logs out, and how to answer it."""

    name_id: str
    session_indexes: list[str]
    message: object


def message_issuer(message: str, binding: str = BINDING_HTTP_REDIRECT) -> str:
    """The ``Issuer`` of an incoming SAML message (to pick the IdP's metadata; verified after).

    :raises ProviderError: not a readable SAML message.
    """
    try:
        xml = decode_base64_and_inflate(message) if binding == BINDING_HTTP_REDIRECT else (
            base64.b64decode(message))
        root = DefusedElementTree.fromstring(xml)
    except (ValueError, zlib.error, ElementTree.ParseError, DefusedXmlException) as error:
        raise ProviderError(_("Die SAML-Nachricht ist kein gültiges XML.")) from error
    issuer = root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer")
    return (issuer.text or "").strip() if issuer is not None else ""


def _check_redirect_signature(client: Saml2Client, issuer: str, kind: str, query: dict) -> None:
    """The IdP's signature over the query (SAML bindings 3.4.4.1): required for logout."""
    if not query.get("Signature") or not query.get("SigAlg"):
        raise ProviderError(_("Die Abmeldenachricht des Identitätsanbieters ist nicht "
                              "signiert."))
    signed = {key: query[key] for key in (kind, "RelayState", "SigAlg", "Signature")
              if query.get(key) is not None}
    try:
        certs = client.metadata.certs(issuer, "any", "signing")
        # the SP holds no key of its own; verifying needs only the algorithm and the IdP's cert
        verified = any(verify_redirect_signature(signed, RSACrypto(None), cert)
                       for _name, cert in certs)
    except Exception as error:  # pysaml2 raises assorted types for a bad signature
        log.warning("SAML logout message refused: %r", error)
        verified = False
    if not verified:
        raise ProviderError(_("Die Abmeldenachricht des Identitätsanbieters ist nicht gültig "
                              "signiert."))


def _idp_slo_location(client: Saml2Client, idp_entity: str, response: bool = False) -> str:
    try:
        services = client.metadata.single_logout_service(idp_entity, BINDING_HTTP_REDIRECT,
                                                         "idpsso")
    except Exception:  # noqa: BLE001 - no such service in the metadata
        return ""
    if not services:
        return ""
    return services[0].get("response_location") if response and services[0].get(
        "response_location") else services[0]["location"]


def logout_request(sp: SpEndpoints, idp_metadata: str, idp_entity: str, name_id: str,
                   name_id_format: str, session_index: str) -> tuple[str, str] | None:
    """Return (request id, URL at the IdP) for an SP-initiated LogoutRequest, or None when
    the IdP's metadata names no single logout service (HTTP-Redirect)."""
    client = Saml2Client(config=_config(sp, idp_metadata))
    destination = _idp_slo_location(client, idp_entity)
    if not destination:
        return None
    request_id, request = client.create_logout_request(
        destination, idp_entity, name_id=NameID(format=name_id_format or None, text=name_id),
        session_indexes=[session_index] if session_index else None, sign=False)
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination,
                                relay_state="")
    return request_id, dict(info["headers"])["Location"]


def read_logout_response(sp: SpEndpoints, idp_metadata: str, query: dict) -> tuple[str, bool]:
    """Verify the IdP's LogoutResponse; return (the request it answers, whether it succeeded).

    :raises ProviderError: unsigned, wrongly signed or unreadable.
    """
    client = Saml2Client(config=_config(sp, idp_metadata))
    issuer = message_issuer(query["SAMLResponse"])
    _check_redirect_signature(client, issuer, "SAMLResponse", query)
    try:
        response = client.parse_logout_request_response(query["SAMLResponse"],
                                                        BINDING_HTTP_REDIRECT)
    except Exception as error:  # noqa: BLE001 - pysaml2 raises many types for bad input
        log.warning("SAML logout response refused: %r", error)
        raise ProviderError(_("Die Abmeldeantwort des Identitätsanbieters ist ungültig."))\
            from error
    if response is None:
        raise ProviderError(_("Die Abmeldeantwort des Identitätsanbieters ist ungültig."))
    status = response.response.status.status_code.value
    return response.in_response_to or "", status == STATUS_SUCCESS


def read_logout_request(sp: SpEndpoints, idp_metadata: str, query: dict) -> LogoutRequestIn:
    """Verify an IdP-initiated LogoutRequest (signed, for us, not expired).

    :raises ProviderError: unsigned, wrongly signed, unreadable or not for this platform.
    """
    client = Saml2Client(config=_config(sp, idp_metadata))
    issuer = message_issuer(query["SAMLRequest"])
    _check_redirect_signature(client, issuer, "SAMLRequest", query)
    try:
        request = client.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
    except Exception as error:  # noqa: BLE001
        log.warning("SAML logout request refused: %r", error)
        raise ProviderError(_("Die Abmeldeanfrage des Identitätsanbieters ist ungültig."))\
            from error
    if request is None or request.message.name_id is None:
        raise ProviderError(_("Die Abmeldeanfrage des Identitätsanbieters ist ungültig."))
    message = request.message
    return LogoutRequestIn(
        name_id=message.name_id.text or "",
        session_indexes=[index.text for index in message.session_index or [] if index.text],
        message=message)


def logout_response_url(sp: SpEndpoints, idp_metadata: str, idp_entity: str,
                        request: LogoutRequestIn, relay_state: str = "") -> str:
    """The URL that carries our (success) LogoutResponse back to the IdP."""
    client = Saml2Client(config=_config(sp, idp_metadata))
    destination = _idp_slo_location(client, idp_entity, response=True)
    if not destination:
        raise ProviderError(_("Der Identitätsanbieter nennt keinen Abmeldeendpunkt."))
    response = client.create_logout_response(request.message, [BINDING_HTTP_REDIRECT],
                                             sign=False)
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(response), destination,
                                relay_state=relay_state, response=True)
    return dict(info["headers"])["Location"]
