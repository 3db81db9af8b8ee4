"""Background work of the register, as Django Tasks (run daily by the deployment's scheduler)."""

from django.tasks import task

from basisjeugdhulp.intake import destruction


@task
def destroy_expired_files():
    """Destroy the files whose retention period (settings.RETENTION_YEARS) has passed."""
    return destruction.destroy_expired().as_dict()
