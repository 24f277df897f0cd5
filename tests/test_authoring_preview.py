"""The editor's preview endpoint: a step of the unsaved document comes back exactly as a phone
would get it (``participant_view`` in the page's language, before any reveal); a document that
could not be saved gets the same problems as saving; nothing is ever stored."""

import json

import pytest

from facilitate.content import check_document
from facilitate.sessions.kinds import kind_of

from .conftest import csrf_token
from .test_authoring import FIVE_STEPS, counts, document, new, save


def preview(client, module_id, body, language="sv"):
    return client.post(
        f"/authoring/{module_id}/preview",
        json=body,
        headers={
            "X-CSRFToken": csrf_token(client, "/authoring"),
            "Accept": "application/json",
            "Accept-Language": language,
        },
    )


@pytest.fixture
def module_id(logged_in):
    module_id = new(logged_in, "Byakväll")
    assert save(logged_in, module_id, document()).status_code == 200
    return module_id


@pytest.mark.parametrize("language", ["sv", "en", "fi"])
def test_every_step_comes_back_as_a_phone_gets_it(app, logged_in, module_id, language):
    unsaved = document(title="Byakväll, ändrad men inte sparad")
    with app.app_context():
        module, problems = check_document(unsaved)
        assert problems == []
        expected = [
            kind_of(step).participant_view(step, language, revealed=False)
            for step in module.parts[0].steps
        ]
    before = counts(app)
    for index, step in enumerate(expected):
        body = {"module": unsaved, "part": 0, "step": index}
        response = preview(logged_in, module_id, body, language)
        assert response.status_code == 200, response.json
        assert response.json == {"ok": True, "step": step}
    assert counts(app) == before  # nothing stored


def test_the_step_is_in_the_page_language_where_it_has_one(logged_in, module_id):
    body = {"module": document(), "part": 0, "step": 1}
    english = preview(logged_in, module_id, body, "en").json["step"]
    assert english["prompt"] == "Do you have an emergency kit?" and english["lang"] == "en"
    assert english["options"][0] == {"id": "a", "text": "Ja", "lang": "sv"}
    finnish = preview(logged_in, module_id, body, "fi").json["step"]
    assert finnish["prompt"] == "Har du ett krislåda hemma?" and finnish["lang"] == "sv"


def test_a_document_that_cannot_be_saved_gets_the_problems_saving_would(logged_in, module_id):
    broken = json.loads(json.dumps(FIVE_STEPS))
    broken[1]["prompt"] = {}
    response = preview(
        logged_in, module_id, {"module": document(steps=broken), "part": 0, "step": 1}
    )
    assert response.status_code == 422
    assert response.json["error"] == "invalid_content"
    assert [(tuple(p["path"]), p["code"]) for p in response.json["problems"]] == [
        (("parts", 0, "steps", 1, "prompt"), "missing_swedish")
    ]
    assert (
        response.json["problems"]
        == save(logged_in, module_id, document(steps=broken)).json["problems"]
    )


@pytest.mark.parametrize(
    "position",
    [
        {},
        {"part": 0},
        {"part": 1, "step": 0},
        {"part": 0, "step": 5},
        {"part": 0, "step": -1},
        {"part": 0, "step": "1"},
        {"part": True, "step": 0},
        {"part": 0, "step": 1.0},
    ],
)
def test_a_step_that_is_not_there_is_a_bad_request(logged_in, module_id, position):
    response = preview(logged_in, module_id, {"module": document(), **position})
    assert response.status_code == 400 and response.json["error"] == "invalid_payload"


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"module": 3, "part": 0, "step": 0}'])
def test_bad_payloads_are_refused_without_a_500(logged_in, module_id, body):
    response = logged_in.post(
        f"/authoring/{module_id}/preview",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token(logged_in, "/authoring")},
    )
    assert response.status_code == 400 and response.json["ok"] is False


def test_the_preview_needs_the_csrf_token(logged_in, module_id):
    body = {"module": document(), "part": 0, "step": 0}
    assert logged_in.post(f"/authoring/{module_id}/preview", json=body).status_code == 400
