"""Trainers read course titles, not slugs, on the session list and the sign-in sheet."""


def test_session_list_and_sign_in_sheet_name_the_course_by_title(client, login, trainer,
                                                                 make_session):
    session = make_session()
    login(trainer)
    listing = client.get("/sessions").get_data(as_text=True)
    assert ">E-Mobilität für Zulieferer</a>" in listing
    assert ">e-mobility</a>" not in listing
    sheet = client.get(f"/sessions/{session.id}/sign-in-sheet").get_data(as_text=True)
    assert "<dd>E-Mobilität für Zulieferer</dd>" in sheet and "<dd>e-mobility</dd>" not in sheet
