"""The safety card that travels with the family (issue 29): made with the family in few inputs,
versions kept, shared on a recorded ground, shown in "who looked at our file"."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.safety import scale
from basisjeugdhulp.safety.models import CardShare, SafetyCard
from tests import factories


def card_data(**changes):
    return {
        "worries": "Papa wordt boos als hij gedronken heeft.",
        "going_well": "Oma haalt de kinderen op school.",
        "tried": "Afspraken op papier; werkt niet 's avonds.",
        "next_steps": "Gesprek met papa en oma samen.",
        "judgement": "4", "judged_by": "Bob, met moeder", "judged_on": timezone.localdate().isoformat(),
        **changes,
    }


def share_data(**changes):
    return {"receiver": "specialist", "organisation": "Jeugd-GGZ Breda", "ground": "consent",
            "consent_from": "Moeder en Noor (14)", "form": "print", **changes}


@pytest.fixture
def journey(personas):
    return factories.trajectory(personas.team, family_label="Gezin Veilig")


def test_the_family_worker_makes_a_card_and_the_trajectory_shows_the_latest_with_its_date(client, personas, journey):
    client.force_login(personas.professional)
    url = reverse("safety:new", args=[journey.registration.public_id])
    earlier = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert client.post(url, card_data(judgement="2", judged_on=earlier)).status_code == 302
    response = client.post(url, card_data(judgement="6"), follow=True)
    assert "De veiligheidskaart is opgeslagen: oordeel 6 van 10." in response.text
    assert "Papa wordt boos als hij gedronken heeft." in response.text
    assert SafetyCard.objects.filter(registration=journey.registration).count() == 2  # both versions kept
    page = client.get(reverse("trajectories:detail", args=[journey.public_id])).text
    assert "beoordeeld door Bob, met moeder op " + timezone.localdate().strftime("%-d") in page
    assert 'class="scale-line"' in page  # the small line over time: two judgements
    card = SafetyCard.objects.first()
    assert AccessEvent.objects.filter(action=Action.SAFETY_CARD, subject=card.public_id, user=personas.professional).exists()
    # The file's last change is stamped (retention counts from it, Jeugdwet art. 7.3.8).
    assert Registration.objects.get(pk=journey.registration_id).last_changed_at >= card.made_at


@pytest.mark.parametrize("judgement", ["11", "-1", "zeven", ""])
def test_a_judgement_outside_0_to_10_is_refused_in_dutch_and_keeps_what_was_typed(client, personas, journey, judgement):
    client.force_login(personas.professional)
    response = client.post(reverse("safety:new", args=[journey.registration.public_id]), card_data(judgement=judgement))
    assert response.status_code == 422
    assert ("van 0 (niet veilig) tot 10" in response.text) or ("Kies hoe veilig het nu is" in response.text)
    assert "Papa wordt boos als hij gedronken heeft." in response.text
    assert not SafetyCard.objects.exists()


def test_an_empty_card_is_refused(client, personas, journey):
    client.force_login(personas.professional)
    empty = card_data(worries="", going_well="", tried="", next_steps="")
    response = client.post(reverse("safety:new", args=[journey.registration.public_id]), empty)
    assert response.status_code == 422 and "Schrijf ten minste één ding op de kaart" in response.text


def test_the_hand_written_card_is_photographed_like_the_a3_plan(client, personas, journey):
    client.force_login(personas.professional)
    photo = SimpleUploadedFile("kaart.jpg", factories.jpeg_bytes(1600, 1200), content_type="image/jpeg")
    data = card_data(worries="", going_well="", tried="", next_steps="", photo=photo)
    assert client.post(reverse("safety:new", args=[journey.registration.public_id]), data).status_code == 302
    card = SafetyCard.objects.get()
    assert card.has_photo and card.image.name.startswith("plans/") and default_storage.exists(card.image.name)
    served = client.get(reverse("safety:photo", args=[card.public_id]))
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    assert AccessEvent.objects.filter(action=Action.VIEW_CARD_PHOTO, subject=card.public_id).exists()
    refused = client.post(reverse("safety:new", args=[journey.registration.public_id]),
                          card_data(photo=SimpleUploadedFile("kaart.jpg", b"geen foto", content_type="image/jpeg")))
    assert refused.status_code == 422 and "kaart.jpg is geen foto" in refused.text
    assert SafetyCard.objects.count() == 1


def test_the_same_card_sent_twice_is_kept_once(client, personas, journey):
    client.force_login(personas.professional)
    url = reverse("safety:new", args=[journey.registration.public_id])
    data = card_data(submission_id="7f0c0e7e-0b7a-4f65-9d2e-8f1b5a0c1d23")
    client.post(url, data)
    assert "Deze kaart was al opgeslagen." in client.post(url, data, follow=True).text
    assert SafetyCard.objects.count() == 1


def test_a_card_on_an_aanmelding_by_the_triagist(client, personas):
    case = factories.registration(personas.team, channel="veilig_thuis")
    client.force_login(personas.triagist)
    assert "Veiligheidskaart" in client.get(reverse("intake:registration", args=[case.public_id])).text
    assert client.post(reverse("safety:new", args=[case.public_id]), card_data()).status_code == 302
    assert SafetyCard.objects.get().registration == case


def test_a_card_on_another_teams_family_is_refused(client, personas):
    foreign = factories.trajectory(personas.other_team)
    client.force_login(personas.professional)
    assert client.post(reverse("safety:new", args=[foreign.registration.public_id]), card_data()).status_code == 404
    client.force_login(personas.triagist)
    assert client.post(reverse("safety:new", args=[foreign.registration.public_id]), card_data()).status_code == 404
    assert not SafetyCard.objects.exists()


def test_the_municipality_never_sees_a_card(client, personas, journey):
    card = factories.safety_card(personas.team, case=journey.registration)
    client.force_login(personas.analyst)
    for url in (reverse("safety:card", args=[journey.registration.public_id]), reverse("safety:print", args=[card.public_id])):
        response = client.get(url)
        assert response.status_code == 403 and "gedronken" not in response.text


def test_a_closed_trajectory_takes_no_new_card_but_the_card_can_still_travel(client, personas, journey):
    factories.safety_card(personas.team, case=journey.registration)
    journey.close(timezone.localdate(), "referred", 2)
    client.force_login(personas.professional)
    page = client.get(reverse("safety:card", args=[journey.registration.public_id])).text
    assert 'action="' + reverse("safety:new", args=[journey.registration.public_id]) not in page
    response = client.post(reverse("safety:new", args=[journey.registration.public_id]), card_data(worries="Nieuw"))
    assert response.status_code == 409 and "Nieuw" in response.text
    assert client.post(reverse("safety:share", args=[journey.registration.public_id]), share_data()).status_code == 302
    assert CardShare.objects.count() == 1


def test_sharing_needs_consent_or_the_meldcode_and_the_meldcode_only_for_veilig_thuis(client, personas, journey):
    factories.safety_card(personas.team, case=journey.registration)
    client.force_login(personas.professional)
    url = reverse("safety:share", args=[journey.registration.public_id])
    no_ground = client.post(url, share_data(ground=""))
    assert no_ground.status_code == 422 and "Leg de toestemming van het gezin vast" in no_ground.text
    assert "Jeugd-GGZ Breda" in no_ground.text  # what was typed stays
    no_one = client.post(url, share_data(consent_from=""))
    assert no_one.status_code == 422 and "Zeg wie in het gezin toestemming gaf." in no_one.text
    meldcode_elsewhere = client.post(url, share_data(ground="meldcode"))
    assert meldcode_elsewhere.status_code == 422 and "alleen naar Veilig Thuis" in meldcode_elsewhere.text
    assert not CardShare.objects.exists()
    to_vt = client.post(url, share_data(receiver="veilig_thuis", organisation="Veilig Thuis West-Brabant", ground="meldcode"))
    assert to_vt.status_code == 302
    handover = CardShare.objects.get()
    assert (handover.ground, handover.consent_from, handover.shared_by) == ("meldcode", "", personas.professional)


def test_a_share_is_printed_and_shown_in_who_looked_at_our_file(client, personas, journey):
    card = factories.safety_card(personas.team, case=journey.registration)
    client.force_login(personas.professional)
    response = client.post(reverse("safety:share", args=[journey.registration.public_id]), share_data())
    assert response["Location"] == reverse("safety:print", args=[card.public_id])
    printed = client.get(response["Location"])
    assert printed.status_code == 200 and "Papa schreeuwt als hij gedronken heeft." in printed.text
    assert "document.css" in printed.text
    client.force_login(personas.administrator)
    overview = client.get(reverse("audit:family", args=[journey.registration.public_id])).text
    assert "De veiligheidskaart gedeeld: aan Jeugd-GGZ Breda (Specialistische jeugdhulp), het gezin gaf toestemming, Geprint" in overview


def test_sharing_a_destroyed_file_is_refused_in_dutch(client, personas, journey):
    factories.safety_card(personas.team, case=journey.registration, photographed=True)
    from basisjeugdhulp.intake import destruction

    destruction.destroy(journey.registration)
    client.force_login(personas.professional)
    response = client.post(reverse("safety:share", args=[journey.registration.public_id]), share_data())
    assert response.status_code == 410 and "intussen vernietigd" in response.text
    assert not CardShare.objects.exists() and SafetyCard.objects.get().worries == ""


def test_destruction_removes_the_cards_words_their_photos_and_who_consented(personas, journey, django_capture_on_commit_callbacks):
    from basisjeugdhulp.intake import destruction
    from basisjeugdhulp.safety import cards

    card = factories.safety_card(personas.team, case=journey.registration, photographed=True)
    cards.share(journey.registration, card, share_data(), personas.professional, recorded=lambda h: None)
    with django_capture_on_commit_callbacks(execute=True):
        destruction.destroy(journey.registration)
    # Every word and photo of the card goes; the anonymous judgement stays for past figures.
    kept = SafetyCard.objects.get()
    assert (kept.worries, kept.going_well, kept.judged_by, kept.image.name, kept.made_by) == ("", "", "", "", None)
    assert (kept.judgement, kept.judged_on) == (card.judgement, card.judged_on)
    assert not default_storage.exists(card.image.name) and not default_storage.exists(card.thumbnail.name)
    handover = CardShare.objects.get()
    assert handover.consent_from == "" and handover.organisation == "Jeugd-GGZ Breda"


def test_the_scale_runs_from_the_oldest_to_the_newest_judgement():
    today = timezone.localdate()
    line = scale.line([(today, 8), (today - timedelta(days=10), 2)], width=100, height=50)
    first, last = line.points
    assert (first.judgement, last.judgement) == (2, 8)
    assert first.x < last.x and first.y > last.y  # safer is higher
    assert scale.line([(today, 5)]).points[0].x == 160  # one judgement: a dot in the middle


def pdf_text(data):
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_share_as_pdf_carries_the_card_in_the_familys_words(client, personas, journey):
    factories.safety_card(personas.team, case=journey.registration, judgement=3, photographed=True)
    client.force_login(personas.professional)
    response = client.post(reverse("safety:share", args=[journey.registration.public_id]), share_data(form="pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="veiligheidskaart-')
    text = pdf_text(response.content)
    assert "Veiligheidskaart: Gezin Veilig" in text and "Papa schreeuwt als hij gedronken heeft." in text
    assert "Zorgen" in text and "Wat goed gaat" in text and "3" in text
    assert CardShare.objects.get().form == "pdf"


def test_the_pdf_fetches_only_our_static_files(rf, personas):
    """No page of the register, no file path, no network: only static files (documents/pdf.py)."""
    from basisjeugdhulp.documents import pdf

    weasyprint = pdf._weasyprint()
    fetcher = pdf._static_only(weasyprint)
    assert fetcher.fetch(pdf.BASE_URL + "static/css/document.css").status == 200
    for url in ("https://example.org/x.css", pdf.BASE_URL + "mijn-gezinnen/", "file:///etc/passwd",
                pdf.BASE_URL + "static/../../settings.py"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_without_pango_the_pdf_answers_in_dutch_and_nothing_is_recorded(client, personas, journey, monkeypatch):
    """`make demo` on a machine without Pango: a Dutch message, the print page still works."""
    from basisjeugdhulp.documents import pdf

    def missing():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    card = factories.safety_card(personas.team, case=journey.registration)
    client.force_login(personas.professional)
    response = client.post(reverse("safety:share", args=[journey.registration.public_id]), share_data(form="pdf"))
    assert response.status_code == 503 and "Op deze computer kan geen PDF worden gemaakt." in response.text
    assert not CardShare.objects.exists()
    assert client.get(reverse("safety:print", args=[card.public_id])).status_code == 200


def test_the_figures_count_cards_and_judgements_per_product_protected_like_every_figure(client, personas):
    """Issue 29: how many families had a card, the share referred on with the card, the average
    judgement at start and at close per product — through the cell-key method (docs/figures.md)."""
    from datetime import date

    from basisjeugdhulp.reporting import disclosure
    from basisjeugdhulp.reporting.models import ApiClient
    from basisjeugdhulp.safety import cards

    today = timezone.localdate()
    closed_on = date(today.year, today.month, 1) - timedelta(days=40)  # a whole month back
    start = closed_on - timedelta(days=90)
    journeys, carded, referred, referred_with_card = [], [], [], []
    for n in range(24):
        journey = factories.trajectory(personas.team, received_on=start, triaged_on=start, product="gb_middel")
        if n < 20:
            factories.safety_card(personas.team, case=journey.registration, judgement=2, judged_on=start + timedelta(days=2))
            last = factories.safety_card(personas.team, case=journey.registration, judgement=7 if n % 2 else 8,
                                         judged_on=closed_on - timedelta(days=3))
            carded.append(journey)
        reason = "referred" if n >= 8 else "goal"
        if reason == "referred":
            referred.append(journey)
            if n < 20 and n % 4:  # most, not all, referred families had their card sent along
                cards.share(journey.registration, last, share_data(), personas.professional, recorded=lambda h: None)
                referred_with_card.append(journey)
        journey.close(closed_on, reason, 2)
        journeys.append(journey)
    api = ApiClient(name="BI")
    token = api.issue_token()
    api.save()
    data = client.get(reverse("reporting:api"), {"periode": f"{closed_on:%Y-%m}"},
                      headers={"Authorization": f"Bearer {token}"}).json()
    table = next(t for t in data["tables"] if t["key"] == "safety")
    row = next(r for r in table["rows"] if r["key"] == "gb_middel")

    def published(records):
        return disclosure.perturb(len(records), sum(r.registration.figure_key for r in records))

    closed_n, with_card, at_start, at_close, sent, shared_share = row["values"]
    assert (closed_n, with_card, sent) == (published(journeys), published(carded), published(referred))
    assert (at_start, at_close) == (2.0, 7.5)
    from basisjeugdhulp.reporting.tables import share

    assert shared_share == float(share(published(referred_with_card), published(referred)).value)
    # The same cells through the product filter: the same values (one cell, one number).
    filtered = client.get(reverse("reporting:api"), {"periode": f"{closed_on:%Y-%m}", "product": "gb_middel"},
                          headers={"Authorization": f"Bearer {token}"}).json()
    assert next(t for t in filtered["tables"] if t["key"] == "safety")["rows"] == table["rows"]
