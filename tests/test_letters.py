"""The written triage outcome (issue 25): the letter, its PDF, e-mail, and reconsideration."""

import io
import socket
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.intake.routes import Status
from basisjeugdhulp.letters.models import Delivery, Letter, Reconsideration
from tests import factories

REASONS = "U vertelde over veel ruzie thuis. Daar helpen wij zelf bij, dichtbij huis."


def signed_in(client, user):
    client.force_login(user)
    return client


def make_letter(client, case, reasons=REASONS):
    response = client.post(reverse("letters:issue", args=[case.public_id]), {"reasons": reasons})
    assert response.status_code == 302, response.status_code
    return Letter.objects.filter(registration=case).first()


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_letter_says_route_why_deadline_contact_and_how_to_object(client, personas):
    other = factories.registration(personas.team, "awaiting_contact", family_label="Gezin Anders")
    case = factories.registration(personas.team, "awaiting_contact", by=personas.triagist, family_label="Gezin Bakker")
    factories.SecondCheck.objects.create(registration=case, proposed_by=personas.triagist, motivation="Interne notitie X")
    signed_in(client, personas.triagist)
    letter = make_letter(client, case)
    page = client.get(reverse("letters:letter", args=[letter.public_id])).text
    deadline = date_format(case.contact_due, "l j F Y")
    for expected in ("Gezin Bakker", "Veel ruzie thuis.", "basis jeugdhulp", REASONS, f"uiterlijk op {deadline}",
                     "14 050", "binnen 6 weken", "Een andere collega uit het team", "AKJ", "klacht"):
        assert expected in page, expected
    for never in ("Gezin Anders", other.phone + "x", "Interne notitie X", "score"):
        assert never not in page, never
    # The print page is an A4 sheet with print CSS.
    assert 'href="/static/css/letter.css"' in page


def test_the_pdf_is_made_from_the_same_template_and_says_the_same(client, personas):
    case = factories.registration(personas.team, "awaiting_contact")
    signed_in(client, personas.professional)
    client.force_login(personas.triagist)
    letter = make_letter(client, case)
    response = client.get(reverse("letters:pdf", args=[letter.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content).split())
    assert "Wat wij met uw aanmelding doen" in text
    assert date_format(case.contact_due, "j F Y") in text
    assert "vertrouwenspersoon" in text and "heroverweging" in text
    assert "Downloaden" not in text and "Vastleggen" not in text  # the toolbar is not printed
    assert PdfReader(io.BytesIO(response.content)).pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4


def test_the_pdf_fetches_no_url_from_the_network():
    """A letter's HTML that points elsewhere makes no connection: only our static files are read."""
    from basisjeugdhulp.documents import pdf

    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        fetcher = pdf.static_fetcher()
        for url in (f"http://127.0.0.1:{port}/static/../../etc/passwd", "file:///etc/passwd",
                    f"http://127.0.0.1:{port}/elders.png"):
            with pytest.raises(ValueError):
                fetcher.fetch(url)
        assert fetcher.fetch(pdf.BASE_URL + "static/css/letter.css").status == 200
        made = pdf.weasyprint().HTML(
            string=f'<img src="http://127.0.0.1:{port}/x.png"><p>hallo</p>', url_fetcher=pdf.static_fetcher()
        ).write_pdf()
        assert made.startswith(b"%PDF")
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody connected


def test_what_was_given_is_stored_with_the_exact_text(client, personas):
    case = factories.registration(personas.team, "awaiting_contact")
    signed_in(client, personas.triagist)
    letter = make_letter(client, case)
    body = letter.body
    long_ago = timezone.now() - timedelta(days=400)
    Registration.objects.filter(pk=case.pk).update(last_changed_at=long_ago)
    response = client.post(reverse("letters:deliver", args=[letter.public_id]), {"how": "print", "to": "moeder, aan de balie"})
    # Giving the letter is a change to the file: its retention counts from now (intake/retention.py).
    assert Registration.objects.get(pk=case.pk).last_changed_at > long_ago + timedelta(days=399)
    assert response.status_code == 302
    delivery = Delivery.objects.get(letter=letter)
    assert (delivery.how, delivery.to, delivery.given_by, delivery.sent) == ("print", "moeder, aan de balie", personas.triagist, True)
    # The file changes later: the letter stays as it was given.
    Registration.objects.filter(pk=case.pk).update(question="Iets heel anders nu.")
    page = client.get(reverse("letters:letter", args=[letter.public_id])).text
    assert "Veel ruzie thuis." in page and "Iets heel anders nu." not in page
    assert Letter.objects.get(pk=letter.pk).body == body
    assert "op papier" in client.get(reverse("letters:file", args=[case.public_id])).text


def test_every_view_of_the_letter_is_logged(client, personas):
    case = factories.registration(personas.team, "awaiting_contact")
    signed_in(client, personas.triagist)
    letter = make_letter(client, case)
    client.force_login(personas.second_reader)
    before = AccessEvent.objects.filter(user=personas.second_reader, family=case.public_id).count()
    for name in ("letters:letter", "letters:pdf"):
        assert client.get(reverse(name, args=[letter.public_id])).status_code == 200
    events = AccessEvent.objects.filter(user=personas.second_reader, family=case.public_id, action=Action.VIEW_FILE)
    assert events.count() == before + 2
    assert set(events.values_list("subject", flat=True)) == {letter.public_id}
    client.force_login(personas.outsider)
    assert client.get(reverse("letters:letter", args=[letter.public_id])).status_code == 404


def test_a_letter_needs_a_decided_triage_and_reasons(client, personas):
    new = factories.registration(personas.team)
    case = factories.registration(personas.team, "awaiting_contact")
    signed_in(client, personas.triagist)
    response = client.post(reverse("letters:issue", args=[new.public_id]), {"reasons": "Zomaar."})
    assert response.status_code == 409 and "Er is geen brief gemaakt" in response.text
    assert "Zomaar." in response.text
    response = client.post(reverse("letters:issue", args=[case.public_id]), {"reasons": ""})
    assert response.status_code == 422 and "Schrijf in een paar zinnen" in response.text
    assert not Letter.objects.exists()


def test_a_letter_for_a_destroyed_file_is_refused_in_dutch(client, personas):
    from basisjeugdhulp.intake.destruction import destroy

    case = factories.registration(personas.team, "awaiting_contact")
    signed_in(client, personas.triagist)
    letter = make_letter(client, case)
    destroy(case)
    response = client.post(reverse("letters:issue", args=[case.public_id]), {"reasons": REASONS})
    assert response.status_code == 410 and "vernietigd" in response.text
    response = client.post(reverse("letters:deliver", args=[letter.public_id]), {"how": "print", "to": "vader"})
    assert response.status_code == 410
    assert Letter.objects.filter(registration=case).count() == 1 and not Delivery.objects.exists()
    assert Letter.objects.get(pk=letter.pk).body == ""


# --- E-mail, through a real SMTP server on loopback ------------------------------------------


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bestaatniet@"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}
    yield mailbox
    controller.stop()


def test_the_letter_is_e_mailed_with_its_pdf(client, personas, smtp_server):
    case = factories.registration(personas.team, "awaiting_contact")
    signed_in(client, personas.professional)
    client.force_login(personas.triagist)
    letter = make_letter(client, case)
    response = client.post(reverse("letters:deliver", args=[letter.public_id]), {"how": "email", "to": "ouder@example.nl"}, follow=True)
    assert "De brief is gemaild naar ouder@example.nl" in response.text
    [(recipients, raw)] = smtp_server.messages
    assert recipients == ["ouder@example.nl"]
    message = message_from_bytes(raw)
    [attachment] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert "Wat wij met uw aanmelding doen" in " ".join(pdf_text(attachment.get_payload(decode=True)).split())
    delivery = Delivery.objects.get(letter=letter)
    assert (delivery.how, delivery.to, delivery.sent) == ("email", "ouder@example.nl", True)


def test_a_refused_address_is_told_in_dutch_and_recorded_as_not_sent(client, personas, smtp_server):
    case = factories.registration(personas.team, "awaiting_contact")
    signed_in(client, personas.triagist)
    letter = make_letter(client, case)
    response = client.post(reverse("letters:deliver", args=[letter.public_id]),
                           {"how": "email", "to": "bestaatniet@example.nl"}, follow=True)
    assert "Niet verstuurd: de mailserver weigerde bestaatniet@example.nl" in response.text
    assert smtp_server.messages == []
    delivery = Delivery.objects.get(letter=letter)
    assert (delivery.sent, delivery.to) == (False, "bestaatniet@example.nl")
    assert "niet verstuurd" in client.get(reverse("letters:file", args=[case.public_id])).text
    # Not an address at all: refused before sending, what was typed kept.
    response = client.post(reverse("letters:deliver", args=[letter.public_id]), {"how": "email", "to": "ouder-at-thuis"})
    assert response.status_code == 422 and "geen e-mailadres" in response.text and "ouder-at-thuis" in response.text
    assert Delivery.objects.filter(letter=letter).count() == 1


# --- Reconsideration ------------------------------------------------------------------------


def ask(client, case, objection="Wij willen liever hulp van een specialist.", received_on=None):
    return client.post(reverse("letters:reconsider", args=[case.public_id]), {
        "received_on": (received_on or timezone.localdate()).isoformat(), "objection": objection})


def test_a_reconsideration_end_to_end_changed_then_triaged_again_and_a_new_letter(client, personas):
    case = factories.registration(personas.team, by=personas.triagist)
    Registration.objects.filter(pk=case.pk).update(route="advice", status=Status.ADVISED, triaged_on=timezone.localdate() - timedelta(days=5),
                                                   triaged_by=personas.triagist)
    signed_in(client, personas.triagist)
    make_letter(client, case)
    received = timezone.localdate() - timedelta(days=3)
    assert ask(client, case, received_on=received).status_code == 302
    request_ = Reconsideration.objects.get(registration=case)
    assert request_.assigned_to == personas.second_reader and request_.route_objected == "advice"
    # A second open request for the same triage: refused, nothing saved.
    response = ask(client, case, objection="Nog een keer.")
    assert response.status_code in (409, 422) and "Nog een keer." in response.text
    assert Reconsideration.objects.filter(registration=case).count() == 1
    # Only the tweede lezer it was routed to decides; the triagist may not.
    client.force_login(personas.second_reader)
    page = client.get(reverse("letters:file", args=[case.public_id])).text
    assert "Wij willen liever hulp van een specialist." in page
    response = client.post(reverse("letters:decide", args=[request_.public_id]),
                           {"outcome": "changed", "reasons": "De zorgen zijn groter dan gedacht."})
    assert response.status_code == 302
    request_.refresh_from_db()
    assert (request_.outcome, request_.days_to_decide) == ("changed", 3)
    case.refresh_from_db()
    assert case.status == Status.NEW  # back through the normal triage
    client.force_login(personas.triagist)
    response = client.post(reverse("intake:triage", args=[case.public_id]), {"route": "basic", "product": "gb_middel"})
    assert response.status_code == 302
    letter = make_letter(client, case, reasons="Na heroverweging krijgt u hulp van ons team.")
    assert letter.reconsideration == request_
    text = client.get(reverse("letters:letter", args=[letter.public_id])).text
    assert "Uw vraag om heroverweging" in text and "Wij veranderen ons besluit" in text
    assert "De zorgen zijn groter dan gedacht." in text and "basis jeugdhulp" in text


def test_reconsideration_bad_input_is_refused_in_dutch_nothing_saved(client, personas):
    new = factories.registration(personas.team)
    signed_in(client, personas.triagist)
    response = ask(client, new)
    assert response.status_code == 422 and "alleen mogelijk" in response.text
    # The only tweede lezer decided the second check: nobody uninvolved is left.
    referred = factories.registration(personas.team, "referred", by=personas.triagist)
    referred.second_checks.update(decided_by=personas.second_reader, decided_at=timezone.now(), approved=True)
    response = ask(client, referred, objection="Wij willen geen verwijzing.")
    assert response.status_code == 422 and "niet bij de triage betrokken" in response.text
    assert "Wij willen geen verwijzing." in response.text
    # A date in the future.
    case = factories.registration(personas.team, "awaiting_contact", by=personas.triagist)
    response = ask(client, case, received_on=timezone.localdate() + timedelta(days=2))
    assert response.status_code == 422 and "toekomst" in response.text
    assert not Reconsideration.objects.exists()


def test_the_tweede_lezer_who_triaged_nothing_decides_and_others_may_not(client, personas):
    case = factories.registration(personas.team, "awaiting_contact", by=personas.triagist)
    signed_in(client, personas.triagist)
    assert ask(client, case).status_code == 302
    request_ = Reconsideration.objects.get()
    for user in (personas.triagist, personas.professional):
        client.force_login(user)
        response = client.post(reverse("letters:decide", args=[request_.public_id]), {"outcome": "upheld", "reasons": "x"})
        assert response.status_code == 403
    assert Reconsideration.objects.get().is_open


def test_destruction_empties_letters_and_objections(client, personas):
    from basisjeugdhulp.intake.destruction import destroy

    case = factories.registration(personas.team, "awaiting_contact", by=personas.triagist)
    signed_in(client, personas.triagist)
    letter = make_letter(client, case)
    client.post(reverse("letters:deliver", args=[letter.public_id]), {"how": "print", "to": "Moeder Bakker"})
    ask(client, case, objection="Bezwaar van familie Bakker")
    destroy(case)
    letter.refresh_from_db()
    assert (letter.body, letter.reasons) == ("", "")
    assert Delivery.objects.get().to == ""
    request_ = Reconsideration.objects.get()
    assert request_.objection == "" and request_.received_on is not None


# --- Figures: through the same disclosure control as every figure ------------------------


def test_the_figures_count_requests_decisions_and_days_under_the_disclosure_control(client, personas):
    from basisjeugdhulp.reporting import disclosure
    from basisjeugdhulp.reporting.models import ApiClient

    today = timezone.localdate()
    cases = [factories.registration(personas.team, "awaiting_contact", triaged_on=today.replace(day=1))
             for _n in range(3)]
    requests = [factories.reconsideration(personas.team, case=case, assigned_to=personas.second_reader) for case in cases]
    client.force_login(personas.second_reader)
    for request_, outcome in zip(requests[:2], ("upheld", "changed")):
        assert client.post(reverse("letters:decide", args=[request_.public_id]),
                           {"outcome": outcome, "reasons": "Uitleg."}).status_code == 302
    api = ApiClient(name="BI")
    token = api.issue_token()
    api.save()
    response = client.get(reverse("reporting:api"), {"periode": str(today.year)}, headers={"Authorization": f"Bearer {token}"})
    [table] = [t for t in response.json()["tables"] if t["key"] == "reconsideration"]
    rows = {row["key"]: row["values"][0] for row in table["rows"]}
    keys = [Registration.objects.get(pk=case.pk).figure_key for case in cases]
    assert rows["asked"] == disclosure.perturb(3, sum(keys))
    assert rows["upheld"] == disclosure.perturb(1, keys[0])
    assert rows["changed"] == disclosure.perturb(1, keys[1])
    # An average of two decisions is never shown: "x", or null when the published base is 0.
    assert rows["days"] == (disclosure.TOO_FEW if disclosure.perturb(2, keys[0] + keys[1]) else None)
    assert all(value == 0 or value >= disclosure.SMALLEST_SHOWN for value in (rows["asked"], rows["upheld"], rows["changed"]))


def test_without_pango_the_pdf_says_so_in_dutch_and_the_print_page_works(client, personas, monkeypatch):
    """A machine without WeasyPrint's libraries (make demo on a bare machine): importing it
    fails, as it does when libpango is missing (OSError) or the package is (ImportError)."""
    import sys

    case = factories.registration(personas.team, "awaiting_contact")
    signed_in(client, personas.triagist)
    letter = make_letter(client, case)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    page = client.get(reverse("letters:letter", args=[letter.public_id]))
    assert page.status_code == 200 and "Wat wij met uw aanmelding doen" in page.text
    assert "Pdf is op deze server niet beschikbaar" in page.text and "Pdf downloaden" not in page.text
    response = client.get(reverse("letters:pdf", args=[letter.public_id]))
    assert response.status_code == 503 and "Deze server kan geen pdf-bestanden maken" in response.text
    response = client.post(reverse("letters:deliver", args=[letter.public_id]), {"how": "email", "to": "ouder@example.nl"}, follow=True)
    assert "Niet verstuurd: deze server kan geen pdf maken" in response.text
    assert not Delivery.objects.get().sent
