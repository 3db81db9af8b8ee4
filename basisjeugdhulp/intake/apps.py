from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "basisjeugdhulp.intake"
    label = "intake"
    verbose_name = _("Intake and triage")

    def ready(self):
        from basisjeugdhulp.intake.models import ClosureDay

        post_migrate.connect(sync_question_categories, sender=self)
        post_save.connect(closure_days_changed, sender=ClosureDay)
        post_delete.connect(closure_days_changed, sender=ClosureDay)
        from basisjeugdhulp.intake import retention

        retention.connect()


def sync_question_categories(using="default", **kwargs):
    """One row per category in routes.Category, also for categories added later."""
    from basisjeugdhulp.intake.models import QuestionCategory
    from basisjeugdhulp.intake.routes import Category

    QuestionCategory.objects.using(using).bulk_create(
        [QuestionCategory(code=code) for code in Category.values], ignore_conflicts=True
    )


def closure_days_changed(**kwargs):
    """A closure day added, moved or removed shifts the deadlines of families not yet contacted."""
    from basisjeugdhulp.intake.models import Registration

    Registration.objects.awaiting_contact().recompute_deadlines()
