"""The browser's part of an LTI launch, driven through the test client and the simulator."""

import urllib.request

from tests.lms.lti.platform import CLIENT_ID, DEPLOYMENT_ID, form_fields


def start_login(client, platform) -> str:
    """The platform's login initiation at /lti/login; returns the URL at the platform."""
    response = client.get("/lti/login", query_string={
        "iss": platform.issuer, "login_hint": platform.user["sub"],
        "target_link_uri": "http://localhost/lti/launch", "client_id": CLIENT_ID,
        "lti_deployment_id": DEPLOYMENT_ID, "lti_message_hint": "hint-1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def at_platform(url: str) -> dict:
    """The platform's authorisation endpoint over HTTP: the fields its page auto-posts."""
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback
        return form_fields(answer.read().decode())


def launch(client, platform):
    """Login initiation, authorisation at the platform, the launch POST; the response."""
    fields = at_platform(start_login(client, platform))
    return client.post("/lti/launch", data=fields), fields
