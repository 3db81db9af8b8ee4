from django.urls import path

from basisjeugdhulp.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.samples, name="samples"),
    path("steekproef/<uuid:public_id>/", views.sample, name="sample"),
    path("steekproef/<uuid:public_id>/opnieuw-koppelen/", views.pair_again, name="pair_again"),
    path("mijn-gesprekken/", views.mine, name="mine"),
    path("gesprek/<uuid:public_id>/", views.interview, name="interview"),
]
