from django.urls import path

from . import views

app_name = "lms_courses"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("khoa-hoc/", views.catalogue, name="catalogue"),
]
