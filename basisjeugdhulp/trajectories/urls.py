from django.urls import path

from basisjeugdhulp.trajectories import views

app_name = "trajectories"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("wacht-op-contact/", views.waiting, name="waiting"),
    path("traject/<uuid:public_id>/", views.detail, name="detail"),
    path("traject/<uuid:public_id>/afsluiten/", views.close, name="close"),
    path("traject/<uuid:public_id>/heropenen/", views.reopen, name="reopen"),
]
