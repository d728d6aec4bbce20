"""The alternate request syntax: supported for xAPI 1.0.3, refused for 2.0."""

import json

import pytest

from tests.lms.lrs.builders import statement

FORM = "application/x-www-form-urlencoded"


def alternate(client, method, resource="statements", *, form, query_extra=None, headers=None):
    query = {"method": method, **(query_extra or {})}
    return client.post(f"/xapi/{resource}", query_string=query, data=form, content_type=FORM,
                       headers=headers or {})


def test_put_get_and_post_through_the_form_in_1_0_3(client, make_client):
    _lrs_client, auth = make_client("all")
    sent = statement()
    put = alternate(client, "PUT", form={
        "statementId": sent["id"], "content": json.dumps(sent), "Authorization": auth,
        "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json",
    })
    assert put.status_code == 204, put.json
    assert put.headers["X-Experience-API-Version"] == "1.0.3"
    got = alternate(client, "GET", form={
        "statementId": sent["id"], "Authorization": auth, "X-Experience-API-Version": "1.0.3"})
    assert got.status_code == 200 and got.json["id"] == sent["id"]
    assert "X-Experience-API-Consistent-Through" in got.headers
    listed = alternate(client, "GET", form={
        "limit": "1", "Authorization": auth, "X-Experience-API-Version": "1.0.3"})
    assert listed.status_code == 200 and set(listed.json) == {"statements", "more"}
    posted = alternate(client, "POST", form={
        "content": json.dumps([statement()]), "Authorization": auth,
        "X-Experience-API-Version": "1.0.3"})
    assert posted.status_code == 200 and len(posted.json) == 1


def test_form_fields_win_over_real_headers(client, make_client):
    """Communication 1.3, XAPI-00336: form parameters naming headers are those headers,
    also when the request carries the same header."""
    _lrs_client, auth = make_client("all")
    sent = statement()
    response = alternate(
        client, "PUT",
        form={"statementId": sent["id"], "content": json.dumps(sent),
              "X-Experience-API-Version": "1.0.3", "Authorization": auth},
        headers={"Authorization": "Basic d3Jvbmc6d3Jvbmc=", "X-Experience-API-Version": "2.0.0"},
    )
    assert response.status_code == 204, response.json
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_a_real_header_counts_when_the_form_lacks_it(client, make_client):
    _lrs_client, auth = make_client("all")
    sent = statement()
    response = alternate(
        client, "PUT",
        form={"statementId": sent["id"], "content": json.dumps(sent)},
        headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"},
    )
    assert response.status_code == 204


def test_documents_through_the_form(client, make_client):
    _lrs_client, auth = make_client("all")
    params = {"activityId": "https://campus.example/a", "profileId": "p",
              "Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    put = alternate(client, "PUT", "activities/profile",
                    form={**params, "content": '{"a": 1}', "Content-Type": "application/json",
                          "If-None-Match": "*"})
    assert put.status_code == 204
    got = alternate(client, "GET", "activities/profile", form=params)
    assert got.json == {"a": 1}
    assert alternate(client, "DELETE", "activities/profile", form=params).status_code == 204


@pytest.mark.parametrize("method", ["GET", "PUT", "POST"])
def test_refused_for_2_0(client, make_client, method):
    _lrs_client, auth = make_client("all")
    sent = statement()
    response = alternate(client, method, form={
        "statementId": sent["id"], "content": json.dumps(sent), "Authorization": auth,
        "X-Experience-API-Version": "2.0.0"})
    assert response.status_code == 400
    assert response.json["rule"] == "Communication-1.3/alternate-request-syntax"


def test_other_query_parameters_are_refused(client, make_client):
    _lrs_client, auth = make_client("all")
    sent = statement()
    response = alternate(client, "PUT", query_extra={"statementId": sent["id"]}, form={
        "statementId": sent["id"], "content": json.dumps(sent), "Authorization": auth,
        "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 400


def test_body_that_is_not_a_form_is_refused(client, make_client):
    _lrs_client, auth = make_client("all")
    response = client.post("/xapi/statements?method=PUT", data=json.dumps({"a": 1}),
                           content_type="application/json",
                           headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 400


def test_method_parameter_on_other_methods_is_an_unknown_parameter(xapi):
    response = xapi.put("statements", params={"method": "POST"}, json=statement())
    assert response.status_code == 400


def test_put_without_content_is_refused(client, make_client):
    _lrs_client, auth = make_client("all")
    response = alternate(client, "PUT", form={"Authorization": auth,
                                              "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 400
