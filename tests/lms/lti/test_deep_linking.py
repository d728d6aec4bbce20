"""Deep linking: the platform's teacher picks a module, the answer comes back signed by the tool."""

import urllib.parse
import urllib.request

from joserfc import jwt
from joserfc.jwk import KeySet

from lms.lti import claims as c
from tests.conftest import csrf_token_from
from tests.lms.lti.conftest import MODULE, SLUG
from tests.lms.lti.flow import launch
from tests.lms.lti.platform import CLIENT_ID, DEPLOYMENT_ID, form_fields

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def test_teacher_picks_a_module_and_the_signed_answer_carries_it(client, platform,
                                                                 registration, lti_course):
    platform.message = "deep_link"
    platform.roles = [INSTRUCTOR]
    response, _ = launch(client, platform)
    assert response.status_code == 303 and response.location.endswith("/lti/deep-link")
    picker = client.get("/lti/deep-link")
    page = picker.get_data(as_text=True)
    assert picker.status_code == 200 and "Hochvolt kompakt" in page and "Modul: Einführung" in page
    answer = client.post("/lti/deep-link", data={
        "csrf_token": csrf_token_from(page), "item": f"{SLUG}:{MODULE}"})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert f'action="{platform.issuer}/deep-link-return"' in html
    assert f"form-action 'self' {platform.issuer}" in answer.headers["Content-Security-Policy"]
    token = form_fields(html)["JWT"]

    published = client.get("/lti/jwks").get_json()
    decoded = jwt.decode(token, KeySet.import_key_set(published), algorithms=["RS256"])
    assert decoded.header["kid"] in {key["kid"] for key in published["keys"]}
    claims = decoded.claims
    assert claims["iss"] == CLIENT_ID and claims["aud"] == platform.issuer
    assert claims[c.MESSAGE_TYPE] == "LtiDeepLinkingResponse"
    assert claims[c.VERSION] == "1.3.0" and claims[c.DEPLOYMENT_ID] == DEPLOYMENT_ID
    assert claims[c.DL_DATA] == "opaque-platform-data"
    [item] = claims[c.CONTENT_ITEMS]
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://localhost/lti/launch"
    assert item["custom"] == {"atlas_course": SLUG, "atlas_module": MODULE}
    assert item["lineItem"]["scoreMaximum"] == 100
    assert item["title"] == "Hochvolt kompakt: Einführung"

    # the browser's auto-post reaches the platform, which records the answer
    body = urllib.parse.urlencode({"JWT": token}).encode()
    with urllib.request.urlopen(platform.issuer + "/deep-link-return", body, timeout=10):
        pass
    assert platform.deep_link_answers == [token]
    # the pick is used once
    assert client.get("/lti/deep-link").status_code == 400


def test_picking_nothing_says_what_to_do(client, platform, registration, lti_course):
    platform.message = "deep_link"
    platform.roles = [INSTRUCTOR]
    launch(client, platform)
    page = client.get("/lti/deep-link").get_data(as_text=True)
    answer = client.post("/lti/deep-link", data={"csrf_token": csrf_token_from(page),
                                                 "item": "no-such-course"})
    assert answer.status_code == 400
    assert "Bitte wählen Sie einen Kurs oder ein Modul" in answer.get_data(as_text=True)


def test_learners_cannot_pick_content(client, platform, registration, lti_course):
    platform.message = "deep_link"
    response, _ = launch(client, platform)
    assert response.status_code == 400
    assert "Nur Lehrende" in response.get_data(as_text=True)
