"""Fixtures of the LRS binding tests: client credentials and a caller for /xapi/."""

import base64
import json as json_module

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.lrs import services


def basic_auth(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class XapiCaller:
    """Calls /xapi/ through the test client with Basic auth and the version header."""

    def __init__(self, client, auth: str | None, version: str | None = "2.0.0"):
        self.client = client
        self.auth = auth
        self.version = version

    def headers(self, extra=None, *, version="default", auth="default"):
        headers = {}
        auth = self.auth if auth == "default" else auth
        version = self.version if version == "default" else version
        if auth:
            headers["Authorization"] = auth
        if version:
            headers["X-Experience-API-Version"] = version
        headers.update(extra or {})
        return headers

    def request(self, method, resource, *, params=None, json=None, data=None, headers=None,
                content_type=None, version="default", auth="default"):
        if json is not None:
            data = json_module.dumps(json)
            content_type = content_type or "application/json"
        return self.client.open(
            f"/xapi/{resource}", method=method, query_string=params, data=data,
            content_type=content_type, headers=self.headers(headers, version=version, auth=auth),
        )

    def get(self, resource, **kwargs):
        return self.request("GET", resource, **kwargs)

    def put(self, resource, **kwargs):
        return self.request("PUT", resource, **kwargs)

    def post(self, resource, **kwargs):
        return self.request("POST", resource, **kwargs)

    def delete(self, resource, **kwargs):
        return self.request("DELETE", resource, **kwargs)


@pytest.fixture
def make_client(app):
    """Create an LRS client with the given scopes; returns it and its Authorization header."""

    def make(*scopes, name="Test client"):
        client, secret = services.create_client(
            None, name=name, scopes=list(scopes or ("all",)), now=utcnow()
        )
        db.session.flush()
        return client, basic_auth(client.key, secret)

    return make


@pytest.fixture
def xapi(client, make_client):
    """A caller with an ``all`` client speaking xAPI 2.0."""
    _lrs_client, auth = make_client("all")
    return XapiCaller(client, auth)


@pytest.fixture
def caller(client):
    """Build callers for other credentials or versions: ``caller(auth, version)``."""
    return lambda auth, version="2.0.0": XapiCaller(client, auth, version)
