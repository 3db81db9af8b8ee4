from django.urls import path

from basisjeugdhulp.plans import views

app_name = "plans"
urlpatterns = [
    path("traject/<uuid:public_id>/foto/", views.upload, name="upload"),
    path("foto/<uuid:public_id>/", views.photo, name="photo"),
    path("foto/<uuid:public_id>/klein/", views.thumbnail, name="thumbnail"),
]
