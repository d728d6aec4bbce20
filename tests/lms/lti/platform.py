"""An LTI 1.3 platform simulator for tests, served for real on loopback in a thread.

It has its own RSA key and signs ID tokens with it, publishes its JWKS, answers the OIDC
authorisation request with the auto-posting form a real platform sends, issues access
tokens for a client assertion it verifies against the tool's published keys, and records
every score posted to its line items and every deep linking answer posted back.
``mode`` makes the next ID token go wrong in the ways an attacker or a broken platform would.
"""

import html as html_module
import re
import secrets
import threading
import time
import urllib.parse

from flask import Flask, jsonify, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from markupsafe import escape
from werkzeug.serving import make_server

from lms.lti import claims as c

CLIENT_ID = "atlas-tool-4711"
DEPLOYMENT_ID = "deployment-1"


class Platform:
    def __init__(self, tool_jwks=None):
        """:param tool_jwks: callable returning the tool's JWKS (over HTTP or a test client)."""
        self.key = RSAKey.generate_key(2048, parameters={"kid": "platform-key-1", "use": "sig"})
        self.foreign_key = RSAKey.generate_key(2048, parameters={"kid": "platform-key-1"})
        self.tool_jwks = tool_jwks
        self.mode = "ok"
        self.message = "resource_link"
        self.custom: dict = {}
        self.user = {"sub": "moodle-user-17", "name": "Jana Becker",
                     "email": "jana.becker@zulieferer.example"}
        self.roles = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
        self.auth_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.scores: list[dict] = []
        self.deep_link_answers: list[str] = []
        self.access_tokens: set[str] = set()
        self.registrations: list[dict] = []
        self.registration_token = "reg-token-" + secrets.token_hex(4)
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)

    # --- what the admin types into ATLAS ---------------------------------------------------

    def registration_fields(self) -> dict:
        return {"name": "Moodle Müller", "issuer": self.issuer, "client_id": CLIENT_ID,
                "auth_login_url": self.issuer + "/auth", "auth_token_url": self.issuer + "/token",
                "key_set_url": self.issuer + "/jwks", "deployment_ids": DEPLOYMENT_ID}

    @property
    def lineitem(self) -> str:
        return self.issuer + "/courses/7/lineitems/3/lineitem"

    # --- messages ---------------------------------------------------------------------------

    def id_token(self, nonce: str, redirect_uri: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": CLIENT_ID, "azp": CLIENT_ID, "iat": now,
            "exp": now + 300, "nonce": nonce, **self.user,
            c.VERSION: "1.3.0", c.DEPLOYMENT_ID: DEPLOYMENT_ID, c.ROLES: list(self.roles),
            c.TARGET_LINK_URI: redirect_uri,
            c.CONTEXT: {"id": "course-7", "title": "Elektromobilität im Betrieb"},
        }
        if self.message == "deep_link":
            claims[c.MESSAGE_TYPE] = c.DEEP_LINKING_REQUEST
            claims[c.DEEP_LINKING_SETTINGS] = {
                "deep_link_return_url": self.issuer + "/deep-link-return",
                "accept_types": ["ltiResourceLink"], "accept_presentation_document_targets":
                ["window", "iframe"], "data": "opaque-platform-data"}
            claims[c.AGS_ENDPOINT] = {"scope": [c.SCOPE_LINEITEM, c.SCOPE_SCORE],
                                      "lineitems": self.issuer + "/courses/7/lineitems"}
        else:
            claims[c.MESSAGE_TYPE] = c.RESOURCE_LINK_REQUEST
            claims[c.RESOURCE_LINK] = {"id": "resource-link-42", "title": "ATLAS"}
            claims[c.CUSTOM] = dict(self.custom)
            claims[c.AGS_ENDPOINT] = {"scope": [c.SCOPE_LINEITEM, c.SCOPE_SCORE],
                                      "lineitems": self.issuer + "/courses/7/lineitems",
                                      "lineitem": self.lineitem}
        key = self.key
        if self.mode == "foreign_key":
            key = self.foreign_key
        elif self.mode == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        elif self.mode == "wrong_audience":
            claims["aud"], claims["azp"] = "another-tool", "another-tool"
        elif self.mode == "unknown_deployment":
            claims[c.DEPLOYMENT_ID] = "deployment-99"
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)

    def rotate_key(self) -> None:
        """The platform replaces its key (a new kid); its JWKS now shows only the new one."""
        self.key = RSAKey.generate_key(2048, parameters={"kid": "platform-key-2", "use": "sig"})

    def _build(self) -> Flask:
        app = Flask("lti-platform-simulator")
        platform = self

        @app.get("/favicon.ico")
        def favicon():  # browsers ask for it; a 404 would be a console error
            return "", 204

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [platform.key.as_dict(private=False)]})

        @app.get("/auth")
        def authorise():
            """The OIDC authorisation endpoint: answers with a form posting the ID token."""
            args = request.args.to_dict()
            platform.auth_requests.append(args)
            if args.get("client_id") != CLIENT_ID or args.get("response_type") != "id_token" \
                    or args.get("response_mode") != "form_post" or args.get("scope") != "openid":
                return "bad authorisation request", 400
            token = platform.id_token(args["nonce"], args["redirect_uri"])
            return auto_post(args["redirect_uri"], {"id_token": token, "state": args["state"]})

        @app.get("/start")
        def start():
            """What a learner's click on the link in the platform's course does."""
            target = request.args["tool_login"]
            return auto_post(target, {
                "iss": platform.issuer, "login_hint": platform.user["sub"],
                "target_link_uri": request.args["target_link_uri"], "client_id": CLIENT_ID,
                "lti_deployment_id": DEPLOYMENT_ID, "lti_message_hint": "hint-1"},
                method="get")

        @app.post("/token")
        def token():
            form = request.form.to_dict()
            platform.token_requests.append(form)
            if form.get("grant_type") != "client_credentials" or form.get(
                    "client_assertion_type") != (
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"):
                return jsonify({"error": "unsupported_grant_type"}), 400
            try:
                assertion = jwt.decode(form.get("client_assertion", ""),
                                       KeySet.import_key_set(platform.tool_jwks()),
                                       algorithms=["RS256"])
            except Exception:  # noqa: BLE001 - any failure is an invalid client
                return jsonify({"error": "invalid_client"}), 401
            claims = assertion.claims
            if claims.get("iss") != CLIENT_ID or claims.get("sub") != CLIENT_ID or claims.get(
                    "aud") != platform.issuer + "/token" or claims.get("exp", 0) < time.time():
                return jsonify({"error": "invalid_client"}), 401
            access = secrets.token_urlsafe(16)
            platform.access_tokens.add(access)
            return jsonify({"access_token": access, "token_type": "Bearer",
                            "expires_in": 3600, "scope": form.get("scope", "")})

        @app.post("/courses/7/lineitems/3/lineitem/scores")
        def scores():
            bearer = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
            if bearer not in platform.access_tokens:
                return jsonify({"error": "unauthorized"}), 401
            if request.content_type != "application/vnd.ims.lis.v1.score+json":
                return jsonify({"error": "wrong content type"}), 415
            platform.scores.append(request.get_json(force=True))
            return "", 204

        @app.get("/.well-known/openid-configuration")
        def openid_configuration():
            return jsonify({
                "issuer": platform.issuer, "authorization_endpoint": platform.issuer + "/auth",
                "token_endpoint": platform.issuer + "/token",
                "jwks_uri": platform.issuer + "/jwks",
                "registration_endpoint": platform.issuer + "/register",
                "scopes_supported": ["openid", c.SCOPE_LINEITEM, c.SCOPE_SCORE],
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "product_family_code": "moodle", "version": "4.5"},
            })

        @app.post("/register")
        def register():
            if request.headers.get("Authorization") != f"Bearer {platform.registration_token}":
                return jsonify({"error": "invalid registration token"}), 401
            document = request.get_json(force=True)
            platform.registrations.append(document)
            return jsonify({**document, "client_id": CLIENT_ID,
                            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                                **document["https://purl.imsglobal.org/spec/lti-tool-configuration"],
                                "deployment_id": DEPLOYMENT_ID}})

        @app.post("/deep-link-return")
        def deep_link_return():
            platform.deep_link_answers.append(request.form.get("JWT", ""))
            return "<!doctype html><title>Moodle</title><h1>Inhalt hinzugefügt</h1>"

        return app


def auto_post(action: str, fields: dict, method: str = "post") -> str:
    inputs = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                     for k, v in fields.items())
    return (f'<!doctype html><title>Plattform</title><form id="f" method="{method}" '
            f'action="{escape(action)}">{inputs}<button>Weiter</button></form>'
            '<script>document.getElementById("f").submit()</script>')


FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def form_fields(html: str) -> dict:
    """The hidden fields of an auto-posting page (as a browser would send them)."""
    return {name: html_module.unescape(value) for name, value in FIELD.findall(html)}


def query(url: str) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
