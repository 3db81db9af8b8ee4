from django.urls import path

from basisjeugdhulp.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("gezin/<uuid:public_id>/", views.family, name="family"),
    path("gezin/<uuid:public_id>/vernietigen/", views.destroy, name="destroy"),
]
