"""The accessibility statement, privacy notice and cookies page: the service's own and each
partnership's, what the law asks them to say, the settings behind them, the footer that links
them, and no cookie on any public page."""

import html
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import resolve

from challengelog.publishing.models import SiteInformation
from challengelog.register.models import Partnership

SITE = "/staff/southampton/publishing/site-information/"
PAGES = ("accessibility", "privacy", "cookies")


def _text(response) -> str:
    """The page's words, tags removed and spaces collapsed."""
    body = response.content.decode()
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())


def _footer(response) -> list[str]:
    footer = response.content.decode().split('<footer class="govuk-template__footer">')[1]
    return re.findall(r'class="govuk-footer__link" href="([^"]+)"', footer)


def _form(**changes) -> dict:
    data = {
        "version": "0",
        "contact_email": "business.unit@example.org",
        "contact_phone": "023 8000 0000",
        "contact_address": "Civic Centre\nSouthampton SO14 7LY",
        "reply_days": "5",
        "controller": "Southampton City Council",
        "dpo_contact": "Data Protection Officer, Southampton City Council, dpo@example.org",
        "lawful_basis": "Working Together to Safeguard Children 2023, chapter 2.",
        "compliance": "full",
        "non_compliance": "",
        "disproportionate_burden": "",
        "outside_scope": "",
        "testing": "Tested by our web team on 1 December 2026.",
        "prepared_on_day": "2",
        "prepared_on_month": "12",
        "prepared_on_year": "2026",
        "reviewed_on_day": "3",
        "reviewed_on_month": "12",
        "reviewed_on_year": "2026",
    }
    data.update(changes)
    return data


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-12-03 09:00 +00:00", tick=False)


# The service's own pages -------------------------------------------------------------------


def test_the_service_pages_say_what_the_regulations_ask(client, db):
    statement = _text(client.get("/accessibility/"))
    for words in (
        "Accessibility statement for Challenge Log",
        "Web Content Accessibility Guidelines (WCAG) 2.2 at level AA",
        "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA",
        "Non-compliance with the accessibility regulations",
        "Disproportionate burden",
        "Content that's not within the scope of the accessibility regulations",
        "in a different format",
        "Reporting accessibility problems",
        "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the "
        "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
        "Regulations 2018",
        "Equality Advisory and Support Service (EASS)",
        "How this website was tested",
        "axe-core",
        "This statement was prepared on 26 November 2026. It was last reviewed on 3 December 2026.",
        # What the product's statement said before stays true.
        "zoom in up to 400%",
        "scrolled sideways inside its box",
        "PDF/UA",
        "abbreviations such as LSCB, MASH or S11",
        "have not yet been tested with people who use assistive technologies",
    ):
        assert words in statement, words

    privacy = _text(client.get("/privacy/"))
    for words in (
        "public task",
        "UK GDPR Article 6(1)(e)",
        "Children Act 2004",
        "Care Act 2014",
        "Each partnership decides how long it keeps closed challenges",
        "Your rights",
        "Information Commissioner's Office (ICO)",
        "0303 123 1113",
        "referred to by a letter only",
        "unless a reviewer at the partnership decided it could be shown",
    ):
        assert words in privacy, words

    cookies = _text(client.get("/cookies/"))
    assert "The published log sets no cookies" in cookies
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"):
        assert f" {name} " in cookies, name
    assert "strictly necessary" in cookies
    assert "no cookie banner" in cookies
    assert "Privacy and Electronic Communications Regulations (PECR)" in cookies


def test_the_cookies_page_names_the_cookies_as_the_settings_do(client, db, settings):
    settings.SESSION_COOKIE_NAME = "challengelog_session"
    settings.CSRF_COOKIE_NAME = "challengelog_csrf"
    settings.SESSION_COOKIE_AGE = 45 * 60
    text = _text(client.get("/cookies/"))
    assert "challengelog_session" in text
    assert "after 45 minutes without using the staff pages" in text
    assert "challengelog_csrf" in text
    assert "sessionid" not in text
    settings.CSRF_USE_SESSIONS = True
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
    text = _text(client.get("/cookies/"))
    assert "challengelog_csrf" not in text
    assert " messages " not in text


# A partnership's pages ---------------------------------------------------------------------


def test_a_partnerships_pages_are_not_found_before_its_first_publish(seeded, client):
    for page in PAGES:
        assert client.get(f"/southampton/{page}/").status_code == 404, page
        # The service's pages do not name it either.
        service = client.get(f"/{page}/")
        assert service.status_code == 200
        assert "Southampton LSCB" not in service.content.decode(), page
    assert client.get("/nowhere/privacy/").status_code == 404


def test_a_partnerships_pages_without_settings_name_it(published, client):
    for page in PAGES:
        response = client.get(f"/southampton/{page}/")
        assert response.status_code == 200, page
        assert "Southampton LSCB" in _text(response)
    statement = _text(client.get("/southampton/accessibility/"))
    assert "Accessibility statement for the Southampton LSCB challenge log" in statement
    assert "This website is run by Southampton LSCB." in statement
    assert "http://testserver/southampton/log/" in statement
    assert "partially compliant" in statement
    assert "contact the business unit of Southampton LSCB" in statement
    assert "within 10 working days" in statement
    privacy = _text(client.get("/southampton/privacy/"))
    # An LSCB is a children's partnership: its statutory basis is the Children Act's.
    assert "Southampton LSCB carries out the multi-agency arrangements" in privacy
    assert "sections 16E to 16K of the Children Act 2004" in privacy
    assert "Care Act" not in privacy
    assert "has not set a period after which closed challenges are deleted" in privacy
    # The service's pages now list it, with a link to its own page.
    assert 'href="/southampton/privacy/"' in client.get("/privacy/").content.decode()


def test_the_privacy_notice_gives_the_retention_rule(published, client):
    Partnership.objects.filter(slug="southampton").update(retention_months=72)
    privacy = _text(client.get("/southampton/privacy/"))
    assert "keeps it for 72 months and then deletes it" in privacy


# The footer --------------------------------------------------------------------------------


def test_every_footer_links_the_three_pages(published, as_user, client):
    service = ["/accessibility/", "/privacy/", "/cookies/"]
    own = ["/southampton/accessibility/", "/southampton/privacy/", "/southampton/cookies/"]
    for path in (
        "/southampton/log/",
        "/southampton/log/144/",
        "/southampton/log/agencies/",
        "/southampton/log/summary/",
        "/southampton/accessibility/",
        "/southampton/privacy/",
        "/southampton/cookies/",
    ):
        assert _footer(client.get(path)) == own, path
    for path in ("/accessibility/", "/privacy/", "/cookies/", "/sign-in/", "/no-such-page/"):
        assert _footer(client.get(path)) == service, path
    assert client.get("/no-such-page/").status_code == 404
    staff = as_user("admin").get("/staff/southampton/publishing/")
    assert _footer(staff) == service
    assert _footer(as_user("lead").get("/staff/southampton/publishing/")) == service
    # A server error's page is made without any context.
    page = render_to_string("500.html")
    for path in service:
        assert f'href="{path}"' in page


# Settings ----------------------------------------------------------------------------------


def test_settings_are_shown_on_the_pages_once_saved(today, published, as_user):
    client = as_user("admin")
    page = client.get(SITE)
    assert page.status_code == 200
    text = page.content.decode()
    # The form shows what the pages say now: the standard wording, ready to change.
    assert "Southampton LSCB carries out the multi-agency arrangements" in html.unescape(text)
    assert 'name="version" value="0"' in text
    assert 'id="id_prepared_on_day" name="prepared_on_day" type="text" inputmode="numeric"' in text

    response = client.post(
        SITE,
        _form(
            controller="Southampton <b>City</b> Council",
            non_compliance="Maps fail 1.1.1.\n\nCharts fail 1.4.11.",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == SITE
    saved = SiteInformation.objects.get(partnership__slug="southampton")
    assert saved.version == 1
    assert saved.history.count() == 1

    public = client.get("/southampton/accessibility/")
    text = _text(public)
    assert "business.unit@example.org" in text
    assert "023 8000 0000" in text
    assert "within 5 working days" in text
    assert "This website is fully compliant with the Web Content Accessibility Guidelines" in text
    # Fully compliant: the non-compliances are not listed.
    assert "Maps fail" not in text
    assert "We know of no content that fails WCAG 2.2 AA" in text
    assert "Tested by our web team on 1 December 2026." in text
    assert "prepared on 2 December 2026. It was last reviewed on 3 December 2026." in text
    assert 'href="mailto:business.unit@example.org"' in public.content.decode()

    privacy = client.get("/southampton/privacy/")
    body = privacy.content.decode()
    # Text is shown escaped, its line breaks as paragraphs.
    assert "Southampton &lt;b&gt;City&lt;/b&gt; Council" in body
    assert "<b>City</b>" not in body
    assert "Civic Centre<br>Southampton SO14 7LY" in body
    assert "Working Together to Safeguard Children 2023, chapter 2." in _text(privacy)
    assert "Children Act 2004" not in _text(privacy)
    assert "last updated on 3 December 2026" in _text(privacy)

    client.post(
        SITE,
        _form(
            version="1",
            compliance="partial",
            non_compliance="Maps fail 1.1.1.\r\n\r\nCharts fail 1.4.11.",
        ),
    )
    body = client.get("/southampton/accessibility/").content.decode()
    assert "partially compliant" in body
    assert "<p>Maps fail 1.1.1.</p>\n\n<p>Charts fail 1.4.11.</p>" in body
    assert "business.unit@example.org" in _text(client.get("/southampton/cookies/"))


def test_a_text_left_as_the_standard_wording_follows_it(today, published, as_user):
    client = as_user("chair")
    page = client.get(SITE)
    # Post back what the form offered, changing only the e-mail address.
    offered = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'name="([a-z_]+)"[^>]*value="([^"]*)"', page.content.decode()
        )
    }
    offered.update(
        {
            name: html.unescape(value).replace("\n", "\r\n")
            for name, value in re.findall(
                r'<textarea[^>]*name="([a-z_]+)"[^>]*>([^<]*)</textarea>', page.content.decode()
            )
        }
    )
    offered["compliance"] = "partial"
    offered["contact_email"] = "unit@example.org"
    offered.pop("csrfmiddlewaretoken", None)
    response = client.post(SITE, offered)
    assert response.status_code == 302, _text(response)
    saved = SiteInformation.objects.get(partnership__slug="southampton")
    assert saved.lawful_basis == saved.controller == saved.non_compliance == ""
    assert saved.contact_email == "unit@example.org"
    # Cleared, a text goes back to the standard wording too.
    client.post(SITE, _form(version="1", lawful_basis=""))
    privacy = _text(client.get("/southampton/privacy/"))
    assert "sections 16E to 16K of the Children Act 2004" in privacy


def test_a_stale_form_is_refused(today, published, as_user):
    client = as_user("admin")
    assert client.post(SITE, _form(contact_email="first@example.org")).status_code == 302
    # Someone else opened the form before that save: theirs is refused, nothing of it saved.
    response = client.post(SITE, _form(contact_email="second@example.org", version="0"))
    assert response.status_code == 409
    text = _text(response)
    assert "changed by someone else while you were working on them" in text
    assert "Nothing you entered was saved" in text
    assert "admin@example.org" in text
    saved = SiteInformation.objects.get(partnership__slug="southampton")
    assert saved.contact_email == "first@example.org"
    assert saved.version == 1
    # The form keeps what they typed, at the version now current: saving again works.
    body = response.content.decode()
    assert 'value="second@example.org"' in body
    assert 'name="version" value="1"' in body
    client.post(SITE, _form(contact_email="third@example.org", version="1"))
    response = client.post(SITE, _form(contact_email="fourth@example.org", version="1"))
    assert response.status_code == 409
    assert "E-mail address: “first@example.org” became “third@example.org”" in _text(response)
    assert SiteInformation.objects.get().contact_email == "third@example.org"


def test_mistakes_are_named_and_nothing_is_saved(today, published, as_user):
    client = as_user("admin")
    response = client.post(
        SITE,
        _form(
            contact_email="not an address",
            reply_days="soon",
            compliance="",
            prepared_on_month="",
            reviewed_on_day="4",
        ),
    )
    assert response.status_code == 200
    text = _text(response)
    assert text.startswith("Error: ")
    for words in (
        "There is a problem",
        "E-mail address: Enter an e-mail address in the correct format, like name@example.org",
        "Reply within (working days): Enter the number of working days as a whole number",
        "Choose how far the pages meet WCAG 2.2 AA",
        "The date the statement was prepared must include a month",
        "The date the statement was last reviewed must be today or in the past",
    ):
        assert words in text, words
    body = response.content.decode()
    assert 'href="#id_contact_email"' in body
    assert 'href="#id_prepared_on_day"' in body
    assert 'id="prepared_on-error"' in body
    assert not SiteInformation.objects.exists()

    response = client.post(SITE, _form(prepared_on_day="3", reviewed_on_day="2"))
    assert "must be the same as or after the date it was prepared" in _text(response)
    response = client.post(SITE, _form(prepared_on_day="31", prepared_on_month="2"))
    assert "The date the statement was prepared must be a real date" in _text(response)
    response = client.post(SITE, _form(prepared_on_year="26"))
    assert "Year must include 4 numbers" in _text(response)
    assert not SiteInformation.objects.exists()


def test_only_those_who_may_publish_may_edit(published, as_user):
    for role in ("lead", "member", "other_lead"):
        client = as_user(role)
        assert client.get(SITE).status_code == 403, role
        assert client.post(SITE, _form()).status_code == 403, role
    anonymous = as_user("anonymous")
    for response in (anonymous.get(SITE), anonymous.post(SITE, _form())):
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
    assert not SiteInformation.objects.exists()
    for role in ("admin", "chair"):
        assert as_user(role).get(SITE).status_code == 200, role
    # The publishing page links to it.
    assert (
        f'href="{SITE}"' in as_user("chair").get("/staff/southampton/publishing/").content.decode()
    )


# Addresses ---------------------------------------------------------------------------------


def test_no_partnership_can_take_the_pages_addresses(db):
    for slug in PAGES:
        with pytest.raises(ValidationError):
            Partnership(name=slug.title(), slug=slug).full_clean()
        assert resolve(f"/{slug}/").url_name == slug
        assert resolve(f"/southampton/{slug}/").url_name == f"partnership-{slug}"
    assert resolve("/accessibility/log/").url_name == "log"


# Cookies -----------------------------------------------------------------------------------


def test_no_public_page_sets_a_cookie(published, client):
    paths = [
        "/log/",
        "/southampton/log/",
        "/southampton/log/?q=attendance&status=open",
        "/southampton/log/?year=1066",
        "/southampton/log/144/",
        "/southampton/log/agencies/",
        "/southampton/log/agencies/barnardos/",
        "/southampton/log/meetings/",
        "/southampton/log/raised-by/",
        "/southampton/log/summary/",
        "/accessibility/",
        "/privacy/",
        "/cookies/",
        "/southampton/accessibility/",
        "/southampton/privacy/",
        "/southampton/cookies/",
        "/southampton/log/no-such-challenge/",
    ] + [f"/southampton/log/download.{fmt}" for fmt in ("csv", "json", "xlsx", "pdf")]
    paths.append("/southampton/log/download.csv?status=open")
    for round_ in ("made", "kept"):  # built, then answered from the cache
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 302, 404), (path, response.status_code)
            assert not response.cookies, (round_, path, response.cookies)
            assert "Set-Cookie" not in response.headers, (round_, path)
    assert not client.cookies


def test_the_standard_statutory_basis_follows_the_partnerships_name():
    from challengelog.publishing.site_information import lawful_basis_for

    adults = lawful_basis_for("Hampshire Safeguarding Adults Board")
    assert "section 43 of the Care Act 2014" in adults
    assert "Children Act" not in adults
    children = lawful_basis_for("Portsmouth Safeguarding Children Partnership")
    assert "sections 16E to 16K of the Children Act 2004" in children
    assert "Care Act" not in children
    both = lawful_basis_for("Isle of Wight Safeguarding Partnership")
    assert "Children Act 2004" in both
    assert "Care Act 2014" in both
