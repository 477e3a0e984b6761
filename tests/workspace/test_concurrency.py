"""Two people edit the same challenge: the second save is refused, showing what changed."""

S = "/staff/southampton"


def _form(challenge_version, text):
    return {
        "version": challenge_version,
        "date_raised": "06/06/2017",
        "forum": "LSCB",
        "raised_by": "LSCB",
        "to_all_partners": "",
        "risk": "yes",
        "text": text,
        "agencies": [],
    }


def test_the_second_save_is_refused_and_nothing_is_overwritten(as_user, people):
    from challengelog.register.models import Agency, Challenge

    agency = Agency.objects.get(slug="emergency-planning").pk
    first, second = _form(1, "First editor's words."), _form(1, "Second editor's words.")
    first["agencies"] = second["agencies"] = [agency]
    chair = as_user("chair")
    assert chair.post(f"{S}/log/148/edit/", first).status_code == 302
    admin = as_user("admin")
    refused = admin.post(f"{S}/log/148/edit/", second)
    text = refused.content.decode()
    assert refused.status_code == 409
    assert "was changed by someone else while you were working on it" in text
    assert "chair@example.org" in text
    assert "First editor&#x27;s words." in text
    challenge = Challenge.objects.get(reference="148")
    assert challenge.text == "First editor's words."
    assert challenge.version == 2
    # The refused form keeps the second editor's words and now carries the new version,
    # so saving again is a deliberate choice.
    assert "Second editor&#x27;s words." in text
    assert 'name="version" value="2"' in text
    second["version"] = 2
    assert admin.post(f"{S}/log/148/edit/", second).status_code == 302
    assert Challenge.objects.get(reference="148").text == "Second editor's words."


def test_a_stale_assure_is_refused_too(as_user):
    from challengelog.register.models import Challenge

    chair = as_user("chair")
    chair.post(f"{S}/log/148/progress/", {"text": "Update", "date": "01/11/2026"})
    chair.post(
        f"{S}/log/148/close/",
        {"status": "withdrawn", "reason": "Superseded", "date": "02/11/2026", "version": 1},
    )
    response = chair.post(
        f"{S}/log/148/assure/", {"outcome": "Fine", "date": "03/11/2026", "version": 1}
    )
    assert response.status_code == 409
    assert Challenge.objects.get(reference="148").status == "withdrawn"
