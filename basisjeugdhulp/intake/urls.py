from django.urls import path

from basisjeugdhulp.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tweede-lezing/", views.second_check, name="second_check"),
]
