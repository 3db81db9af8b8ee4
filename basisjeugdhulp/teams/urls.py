from django.urls import path

from basisjeugdhulp.teams import views

app_name = "teams"
urlpatterns = [
    path("", views.administration, name="administration"),
]
