"""A real SAML 2.0 identity provider for tests (pysaml2), served on loopback in a thread.

It publishes its metadata, answers HTTP-Redirect AuthnRequests with a signed assertion
(xmlsec1) posted back through the HTTP-POST binding, and can misbehave on purpose (``mode``).
Single logout (HTTP-Redirect, signed): it answers the SP's LogoutRequest with a
LogoutResponse, and starts a logout itself (:meth:`SamlProvider.logout_request_url`).
"""

import datetime
import re
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import Flask, Response, request
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import SIG_RSA_SHA256
from werkzeug.serving import make_server


def _key_pair(directory, name):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class SamlProvider:
    def __init__(self, directory):
        self.key = _key_pair(directory, "idp")
        self.foreign_key = _key_pair(directory, "intruder")
        self.sp_metadata = ""
        self.identity: dict = {}
        self.mode = "ok"
        self.logout_requests: list = []  # (NameID, session indexes) the SP asked to end
        self.logout_responses: list = []  # status values the SP answered with
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.metadata_url = self.base + "/metadata"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)

    def config(self, key=None) -> IdPConfig:
        key_file, cert_file = key or self.key
        lifetime = {"minutes": -30} if self.mode == "expired" else {"minutes": 5}
        config = IdPConfig()
        config.load({
            "entityid": self.base + "/metadata",
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": key_file, "cert_file": cert_file,
            "service": {"idp": {
                "endpoints": {
                    "single_sign_on_service": [(self.base + "/sso", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(self.base + "/slo", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {"default": {"lifetime": lifetime, "name_form": NAME_FORMAT_BASIC,
                                       "attribute_restrictions": None}},
            }},
            "metadata": {"inline": [self.sp_metadata]} if self.sp_metadata else {},
        })
        return config

    def _build(self) -> Flask:
        app = Flask("test-saml-idp")
        idp = self

        @app.get("/metadata")
        def metadata():
            return Response(str(entity_descriptor(idp.config())),
                            mimetype="application/samlmetadata+xml")

        @app.get("/sso")
        def sso():
            key = idp.foreign_key if idp.mode == "foreign_key" else None
            server = Server(config=idp.config(key))
            authn = server.parse_authn_request(request.args["SAMLRequest"],
                                               BINDING_HTTP_REDIRECT)
            message = authn.message
            audience = "https://other.example/sp" if idp.mode == "wrong_audience" else (
                message.issuer.text)
            response = server.create_authn_response(
                dict(idp.identity), in_response_to=message.id,
                destination=message.assertion_consumer_service_url, sp_entity_id=audience,
                name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=idp.identity["uid"][0]),
                authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
                sign_assertion=True, sign_response=False,
            )
            args = server.apply_binding(BINDING_HTTP_POST, str(response),
                                        message.assertion_consumer_service_url, "",
                                        response=True)
            return Response(args["data"], mimetype="text/html")

        @app.get("/slo")
        def slo():
            key = idp.foreign_key if idp.mode == "foreign_key" else None
            server = Server(config=idp.config(key))
            if "SAMLResponse" in request.args:  # the SP's answer to our LogoutRequest
                answer = server.parse_logout_request_response(request.args["SAMLResponse"],
                                                              BINDING_HTTP_REDIRECT)
                idp.logout_responses.append(answer.response.status.status_code.value)
                return "logged out"
            parsed = server.parse_logout_request(request.args["SAMLRequest"],
                                                 BINDING_HTTP_REDIRECT)
            message = parsed.message
            idp.logout_requests.append(
                (message.name_id.text, [index.text for index in message.session_index]))
            response = server.create_logout_response(message, [BINDING_HTTP_REDIRECT],
                                                     sign=False)
            destination = server.metadata.single_logout_service(
                message.issuer.text, BINDING_HTTP_REDIRECT, "spsso")[0]["location"]
            info = server.apply_binding(BINDING_HTTP_REDIRECT, str(response), destination,
                                        relay_state="", response=True,
                                        sign=idp.mode != "unsigned_logout",
                                        sigalg=SIG_RSA_SHA256)
            return Response(status=302, headers={"Location": dict(info["headers"])["Location"]})

        return app

    def logout_request_url(self, sp_entity_id: str, name_id: str, session_index=None,
                           signed: bool = True) -> str:
        """An IdP-initiated LogoutRequest for ``name_id``, as the URL the browser is sent to."""
        key = self.foreign_key if self.mode == "foreign_key" else None
        server = Server(config=self.config(key))
        destination = server.metadata.single_logout_service(
            sp_entity_id, BINDING_HTTP_REDIRECT, "spsso")[0]["location"]
        _request_id, logout = server.create_logout_request(
            destination, sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            session_indexes=[session_index] if session_index else None, sign=False)
        info = server.apply_binding(BINDING_HTTP_REDIRECT, str(logout), destination,
                                    relay_state="after-logout", sign=signed,
                                    sigalg=SIG_RSA_SHA256)
        return dict(info["headers"])["Location"]


def posted_response(html: str) -> str:
    """The SAMLResponse the IdP's auto-submitting form would post."""
    return re.search(r'name="SAMLResponse" value="([^"]+)"', html).group(1)
