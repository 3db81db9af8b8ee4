from django.urls import path

from basisjeugdhulp.letters import views

app_name = "letters"
urlpatterns = [
    path("aanmelding/<uuid:public_id>/", views.file_letters, name="file"),
    path("aanmelding/<uuid:public_id>/nieuw/", views.issue, name="issue"),
    path("aanmelding/<uuid:public_id>/heroverweging/", views.reconsider, name="reconsider"),
    path("heroverweging/<uuid:public_id>/", views.decide, name="decide"),
    path("<uuid:public_id>/", views.letter, name="letter"),
    path("<uuid:public_id>/pdf/", views.letter_pdf, name="pdf"),
    path("<uuid:public_id>/gegeven/", views.deliver, name="deliver"),
]
