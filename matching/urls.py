from django.urls import path

from matching import views

app_name = "matching"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("profiel/", views.profile, name="profile"),
    path("gezin/<uuid:public_id>/", views.panel, name="panel"),
    path("gezin/<uuid:public_id>/kiezen/", views.choose, name="choose"),
    path("gezin/<uuid:public_id>/toewijzen/", views.assign, name="assign"),
    path("gezin/<uuid:public_id>/wisselen/", views.rematch, name="rematch"),
]
