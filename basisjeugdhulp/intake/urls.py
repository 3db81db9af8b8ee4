from django.urls import path

from basisjeugdhulp.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("aanmelding/nieuw/", views.new_registration, name="new"),
    path("aanmelding/<uuid:public_id>/", views.registration, name="registration"),
    path("aanmelding/<uuid:public_id>/triage/", views.triage, name="triage"),
    path("aanmelding/<uuid:public_id>/eerste-contact/", views.first_contact, name="first_contact"),
    path("crisis/", views.crisis, name="crisis"),
    path("tweede-lezing/", views.second_check, name="second_check"),
    path("tweede-lezing/<uuid:public_id>/", views.decide, name="decide"),
]
