"""State, Activity Profile and Agent Profile documents: storage, merge, ids, concurrency."""

import json
import uuid

import pytest

ACTIVITY = "https://campus.example/xapi/activities/course/brakes"
AGENT = json.dumps({"objectType": "Agent", "mbox": "mailto:anna@example.org"})
RESOURCES = {
    "activities/state": {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"},
    "activities/profile": {"activityId": ACTIVITY, "profileId": "settings"},
    "agents/profile": {"agent": AGENT, "profileId": "preferences"},
}
ID_PARAM = {"activities/state": "stateId", "activities/profile": "profileId",
            "agents/profile": "profileId"}


@pytest.fixture(params=sorted(RESOURCES))
def resource(request):
    return request.param


def test_put_then_get_returns_the_document_with_etag_and_last_modified(xapi, resource):
    params = RESOURCES[resource]
    put = xapi.put(resource, params=params, data=b"\x00binary\xff", content_type="image/png")
    assert put.status_code == 204
    got = xapi.get(resource, params=params)
    assert got.status_code == 200
    assert got.get_data() == b"\x00binary\xff"
    assert got.headers["Content-Type"] == "image/png"
    etag = got.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) == 42
    assert put.headers["ETag"] == etag
    assert "Last-Modified" in got.headers


def test_post_merges_json_objects(xapi, resource):
    params = RESOURCES[resource]
    assert xapi.post(resource, params=params, json={"x": "foo", "y": "bar"}).status_code == 204
    etag = xapi.get(resource, params=params).headers["ETag"]
    merged = xapi.post(resource, params=params, json={"x": "bash", "z": "faz"},
                       headers={"If-Match": etag})
    assert merged.status_code == 204
    assert xapi.get(resource, params=params).json == {"x": "bash", "y": "bar", "z": "faz"}


def test_post_onto_a_non_json_document_is_400_and_changes_nothing(xapi, resource):
    params = RESOURCES[resource]
    xapi.put(resource, params=params, data=b"plain", content_type="text/plain")
    response = xapi.post(resource, params=params, json={"x": 1})
    assert response.status_code == 400
    assert xapi.get(resource, params=params).get_data() == b"plain"


def test_concurrency_rules_of_2_0(xapi, resource):
    params = RESOURCES[resource]
    assert xapi.put(resource, params=params, json={"v": 1}).status_code == 204
    etag = xapi.get(resource, params=params).headers["ETag"]
    blind = xapi.put(resource, params=params, json={"v": 2})
    assert blind.status_code == 409
    assert blind.json["message"]
    stale = xapi.put(resource, params=params, json={"v": 2}, headers={"If-Match": '"1234"'})
    assert stale.status_code == 412
    create_only = xapi.put(resource, params=params, json={"v": 2}, headers={"If-None-Match": "*"})
    assert create_only.status_code == 412
    assert xapi.get(resource, params=params).json == {"v": 1}
    ok = xapi.put(resource, params=params, json={"v": 2}, headers={"If-Match": etag})
    assert ok.status_code == 204
    assert xapi.get(resource, params=params).json == {"v": 2}
    wrong_delete = xapi.delete(resource, params=params, headers={"If-Match": etag})
    assert wrong_delete.status_code == 412
    new_etag = xapi.get(resource, params=params).headers["ETag"]
    assert xapi.delete(resource, params=params, headers={"If-Match": new_etag}).status_code == 204
    assert xapi.get(resource, params=params).status_code == 404


def test_state_overwrite_without_precondition_is_allowed_in_1_0_3(caller, make_client):
    _client, auth = make_client("all")
    old = caller(auth, "1.0.3")
    params = RESOURCES["activities/state"]
    assert old.put("activities/state", params=params, json={"v": 1}).status_code == 204
    assert old.put("activities/state", params=params, json={"v": 2}).status_code == 204
    assert old.get("activities/state", params=params).json == {"v": 2}


@pytest.mark.parametrize("resource", ["activities/profile", "agents/profile"])
def test_profile_put_without_precondition_is_400_in_1_0_3(caller, make_client, resource):
    """Communication 2.6/2.7 (XAPI-00273/00287/00293): 1.0.x profile PUTs need a precondition."""
    _client, auth = make_client("all")
    old = caller(auth, "1.0.3")
    params = RESOURCES[resource]
    refused = old.put(resource, params=params, json={"v": 1})
    assert refused.status_code == 400 and "If-None-Match" in refused.json["message"]
    assert old.get(resource, params=params).status_code == 404
    created = old.put(resource, params=params, json={"v": 1}, headers={"If-None-Match": "*"})
    assert created.status_code == 204
    assert old.put(resource, params=params, json={"v": 2}).status_code == 400
    assert old.put(resource, params=params, json={"v": 2},
                   headers={"If-Match": created.headers["ETag"]}).status_code == 204


@pytest.mark.parametrize("resource", ["activities/state", "activities/profile", "agents/profile"])
def test_post_of_invalid_json_creating_a_document_is_400(xapi, resource):
    """XAPI-00235/00284/00314: application/json that is not JSON is refused, also on create."""
    params = RESOURCES[resource]
    response = xapi.post(resource, params=params, data=b'{"a": ', content_type="application/json")
    assert response.status_code == 400 and "not valid JSON" in response.json["message"]
    assert xapi.get(resource, params=params).status_code == 404


def test_get_without_id_lists_ids_and_since_filters(xapi, resource):
    params = dict(RESOURCES[resource])
    id_param = ID_PARAM[resource]
    for doc_id in ("a", "b"):
        xapi.put(resource, params={**params, id_param: doc_id}, json={"id": doc_id})
    del params[id_param]
    listed = xapi.get(resource, params=params)
    assert listed.status_code == 200 and listed.json == ["a", "b"]
    assert "Last-Modified" in listed.headers
    assert xapi.get(resource, params={**params, "since": "2999-01-01T00:00:00Z"}).json == []
    bad = xapi.get(resource, params={**params, "since": "not a timestamp"})
    assert bad.status_code == 400


def test_state_registration_and_delete_all(xapi):
    params = dict(RESOURCES["activities/state"])
    registration = str(uuid.uuid4())
    xapi.put("activities/state", params={**params, "registration": registration}, json={"r": 1})
    xapi.put("activities/state", params={**params, "stateId": "other"}, json={"o": 1})
    in_registration = {**params, "registration": registration}
    del in_registration["stateId"]
    assert xapi.get("activities/state", params=in_registration).json == ["bookmark"]
    everything = {k: v for k, v in params.items() if k != "stateId"}
    assert xapi.get("activities/state", params=everything).json == ["bookmark", "other"]
    assert xapi.delete("activities/state", params=everything).status_code == 204
    assert xapi.get("activities/state", params=everything).json == []


@pytest.mark.parametrize(("resource", "params"), [
    ("activities/state", {"agent": AGENT, "stateId": "s"}),
    ("activities/state", {"activityId": ACTIVITY, "stateId": "s"}),
    ("activities/state", {"activityId": ACTIVITY, "agent": "not JSON", "stateId": "s"}),
    ("activities/state", {"activityId": ACTIVITY, "agent": "true", "stateId": "s"}),
    ("activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s",
                          "registration": "true"}),
    ("activities/state", {"activityId": ACTIVITY, "agent": AGENT}),
    ("activities/profile", {"profileId": "p"}),
    ("activities/profile", {"activityId": ACTIVITY}),
    ("activities/profile", {"activityId": ACTIVITY, "profileId": "p", "agent": AGENT}),
    ("agents/profile", {"profileId": "p"}),
    ("agents/profile", {"agent": AGENT, "profileId": "p", "registration": str(uuid.uuid4())}),
])
def test_missing_or_malformed_parameters_are_400(xapi, resource, params):
    response = xapi.put(resource, params=params, json={"v": 1})
    assert response.status_code == 400
    assert response.json["error"] == "bad request"


def test_unknown_document_is_404_and_deleting_it_is_204(xapi, resource):
    params = RESOURCES[resource]
    assert xapi.get(resource, params=params).status_code == 404
    assert xapi.delete(resource, params=params).status_code == 204


def test_profile_delete_needs_a_profile_id(xapi):
    response = xapi.delete("agents/profile", params={"agent": AGENT})
    assert response.status_code == 400
