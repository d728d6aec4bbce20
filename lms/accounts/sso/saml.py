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
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedElementTree
from flask_babel import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.response import StatusError, VerificationError
from saml2.s_utils import UnknownPrincipal, UnsupportedBinding
from saml2.sigver import SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from lms.accounts.sso.oidc import ProviderError

log = logging.getLogger(__name__)

MD_NS = "{urn:oasis:names:tc:SAML:2.0:metadata}"
MAX_METADATA_BYTES = 2 * 1024 * 1024


@dataclass
class SpEndpoints:
    entity_id: str
    acs_url: str


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
            "endpoints": {"assertion_consumer_service": [(sp.acs_url, BINDING_HTTP_POST)]},
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
    claims["sub"] = response.get_subject().text
    return claims
