from django.urls import path

from basisjeugdhulp.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("gezin/<uuid:public_id>/", views.family, name="family"),
    path("gezin/<uuid:public_id>/vernietigen/", views.destroy, name="destroy"),
    path("verzoeken/", views.requests, name="requests"),
    path("verzoeken/nieuw/", views.new_request, name="new_request"),
    path("verzoeken/<uuid:public_id>/", views.destruction_request, name="request"),
    path("verzoeken/<uuid:public_id>/verlengen/", views.extend_request, name="extend_request"),
    path("verzoeken/<uuid:public_id>/beantwoorden/", views.answer_request, name="answer_request"),
]
