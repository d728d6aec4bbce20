"""A small but real OpenID Connect provider for tests, served on loopback in a thread.

It signs ID tokens with its own RSA key (RS256), publishes discovery and JWKS, checks the
client's secret, the redirect URI and PKCE, and hands out each code once. ``mode`` makes it
misbehave the ways a hostile or misconfigured provider would.
"""

import base64
import hashlib
import secrets
import threading
import time
import urllib.parse

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


class Provider:
    def __init__(self, client_id="atlas-campus", client_secret="s3cret-client"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig"})
        self.foreign_key = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
        self.codes: dict[str, dict] = {}
        self.user_claims: dict = {}
        self.mode = "ok"
        self.logouts: list[dict] = []
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

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": grant["claims"]["sub"], "aud": self.client_id,
                  "iat": now, "exp": now + 300, "nonce": grant["nonce"], **grant["claims"]}
        key = self.key
        if self.mode == "wrong_audience":
            claims["aud"] = "another-app"
        elif self.mode == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        elif self.mode == "wrong_nonce":
            claims["nonce"] = "not-the-one-we-were-given"
        elif self.mode == "wrong_issuer":
            claims["iss"] = "https://evil.example"
        elif self.mode == "foreign_key":
            key = self.foreign_key
        return jwt.encode({"alg": "RS256", "kid": "key-1"}, claims, key)

    def _build(self) -> Flask:
        app = Flask("test-oidc-provider")
        provider = self

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": provider.issuer,
                "authorization_endpoint": provider.issuer + "/authorize",
                "token_endpoint": provider.issuer + "/token",
                "jwks_uri": provider.issuer + "/jwks",
                "end_session_endpoint": provider.issuer + "/logout",
                "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            })

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [provider.key.as_dict(private=False)]})

        @app.get("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != provider.client_id or args.get("response_type") != (
                    "code") or args.get("code_challenge_method") != "S256":
                return "bad request", 400
            code = secrets.token_urlsafe(16)
            provider.codes[code] = {
                "redirect_uri": args["redirect_uri"], "nonce": args.get("nonce", ""),
                "challenge": args["code_challenge"], "claims": dict(provider.user_claims),
            }
            query = urllib.parse.urlencode({"code": code, "state": args.get("state", "")})
            return redirect(f"{args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            auth = request.authorization
            if not auth or (auth.username, auth.password) != (provider.client_id,
                                                              provider.client_secret):
                return jsonify({"error": "invalid_client"}), 401
            grant = provider.codes.pop(request.form.get("code", ""), None)  # once only
            if grant is None or grant["redirect_uri"] != request.form.get("redirect_uri"):
                return jsonify({"error": "invalid_grant"}), 400
            verifier = request.form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(
                hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if challenge != grant["challenge"]:
                return jsonify({"error": "invalid_grant"}), 400
            return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                            "id_token": provider._id_token(grant)})

        @app.get("/logout")
        def logout():
            provider.logouts.append(dict(request.args))
            return "signed out"

        return app
