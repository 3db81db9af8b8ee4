from django.conf import settings
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from basisjeugdhulp.accounts.access import forbidden
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.plans import storing
from basisjeugdhulp.plans.forms import PlanPhotoForm
from basisjeugdhulp.plans.models import PlanPhoto
from basisjeugdhulp.trajectories import views as trajectory_views
from basisjeugdhulp.trajectories.models import Trajectory


def refusal_message(refusal):
    """Which file, what is wrong with it, and what to do next (issue 22)."""
    reasons = {
        "too_large": _(
            "%(name)s is larger than %(size)s. A photo straight from the phone's camera fits: "
            "take the photo again with the camera button."
        ),
        "not_an_image": _(
            "%(name)s is not a photo (JPEG, PNG or HEIC). Take a photo with the camera button, "
            "or choose one from the gallery."
        ),
        "too_many_pixels": _(
            "%(name)s has too many pixels to be a phone photo (more than %(megapixels)s megapixels). "
            "Take the photo again with the phone's camera."
        ),
        "broken": _(
            "%(name)s is damaged or incomplete (perhaps not sent completely). Take the photo again, "
            "or choose it again from the gallery."
        ),
        "empty": _("%(name)s is empty (0 bytes). Take the photo again, or choose another one."),
    }
    return reasons[refusal.reason] % {
        "name": refusal.filename,
        "size": filesizeformat(settings.PLAN_PHOTO_MAX_BYTES),
        "megapixels": settings.PLAN_PHOTO_MAX_PIXELS // 1_000_000,
    }


@require_POST
def upload(request, public_id):
    """Photos of the A3 plan, from the phone's camera or gallery; each one a plan version."""
    trajectory = trajectory_views.trajectory_for(request, public_id)
    if not trajectory.is_professional(request.user):
        return forbidden(request)
    names = [f.name for field in ("camera", "gallery") for f in request.FILES.getlist(field)]
    typed = [(_("Photos"), ", ".join(names))]
    if trajectory.is_closed:
        return trajectory_views.closed_meanwhile(request, trajectory, typed)
    form = PlanPhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return trajectory_views.page(request, trajectory, photo_form=form, status=422)
    # Each photo's access-log entry is written in the transaction of the photo's row, under the
    # file's lock (plans/storing.py); a file destroyed meanwhile raises FileDestroyed (a Dutch page).
    registration = trajectory.registration
    outcome = storing.keep_uploads(
        trajectory, form.cleaned_data["photos"], request.user,
        kept=lambda photo: AccessEvent.record(request, Action.UPLOAD_PHOTO, registration, subject=photo),
        submission_id=form.cleaned_data["submission_id"],
    )
    if outcome.kept:
        n = len(outcome.kept)
        messages.success(request, ngettext("%(n)d photo added to the plan.", "%(n)d photos added to the plan.", n) % {"n": n})
    if outcome.already and not outcome.kept:
        messages.info(request, _("These photos were already saved."))
    if outcome.closed:
        return trajectory_views.closed_meanwhile(request, trajectory, typed)
    for refusal in outcome.refused:
        messages.error(request, refusal_message(refusal) + " " + _("It was not added."))
    if outcome.saving_failed:
        messages.error(request, _("The photo could not be saved just now, so nothing of it was kept. Please try again in a moment."))
    if outcome.storage_failed:
        messages.error(
            request,
            _(
                "The photo store cannot be reached right now, so the photo was not saved. "
                "Nothing has changed; please try again in a moment."
            ),
        )
    if outcome.storage_failed or outcome.saving_failed or (outcome.refused and not outcome.kept and not outcome.already):
        # Render rather than redirect: the status tells htmx and tests that nothing was kept.
        trajectory = trajectory_views.trajectory_for(request, public_id)
        unavailable = outcome.storage_failed or outcome.saving_failed
        return trajectory_views.page(request, trajectory, status=503 if unavailable else 422)
    return redirect("trajectories:detail", trajectory.public_id)


def _serve(request, public_id, *, thumbnail):
    photo = get_object_or_404(
        PlanPhoto.objects.select_related("trajectory__registration"), public_id=public_id
    )
    if not Trajectory.objects.visible_to(request.user).filter(pk=photo.trajectory_id).exists():
        return forbidden(request)
    name = photo.thumbnail.name if thumbnail else photo.image.name
    try:
        stream = photo.thumbnail.storage.open(name, "rb")
    except storing.STORAGE_ERRORS:
        return TemplateResponse(request, "plans/unavailable.html", status=503)
    action = Action.VIEW_THUMBNAIL if thumbnail else Action.VIEW_PHOTO
    AccessEvent.record(request, action, photo.trajectory.registration, subject=photo)
    response = FileResponse(
        stream,
        content_type="image/jpeg",
        filename=f"plan-{photo.uploaded_at:%Y-%m-%d}.jpg",
    )
    # The bytes go only through this view: no cache on a shared tablet, no public URL.
    response["Cache-Control"] = "private, no-store"
    return response


def photo(request, public_id):
    return _serve(request, public_id, thumbnail=False)


def thumbnail(request, public_id):
    return _serve(request, public_id, thumbnail=True)
