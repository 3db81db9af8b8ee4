from django.urls import path

from basisjeugdhulp.cbs import views

app_name = "cbs"
urlpatterns = [
    path("", views.page, name="delivery"),
    path("bestand/", views.download, name="download"),
]
