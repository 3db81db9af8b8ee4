from django.urls import path

from basisjeugdhulp.safety import views

app_name = "safety"
urlpatterns = [
    path("gezin/<uuid:public_id>/", views.card, name="card"),
    path("gezin/<uuid:public_id>/nieuw/", views.new, name="new"),
    path("gezin/<uuid:public_id>/delen/", views.share, name="share"),
    path("kaart/<uuid:public_id>/print/", views.print_page, name="print"),
    path("kaart/<uuid:public_id>/foto/", views.photo, name="photo"),
    path("kaart/<uuid:public_id>/klein/", views.thumbnail, name="thumbnail"),
]
