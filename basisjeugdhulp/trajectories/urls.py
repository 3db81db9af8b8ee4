from django.urls import path

from basisjeugdhulp.trajectories import views

app_name = "trajectories"
urlpatterns = [
    path("", views.mine, name="mine"),
]
