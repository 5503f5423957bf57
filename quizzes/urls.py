from django.urls import path

from . import views

app_name = "lms_quizzes"

urlpatterns = [
    path("lan-lam/<int:attempt_id>/", views.attempt_view, name="attempt"),
    path("lan-lam/<int:attempt_id>/luu/", views.attempt_save, name="save"),
    path("lan-lam/<int:attempt_id>/nop-bai/", views.attempt_submit_view, name="submit"),
    path("lan-lam/<int:attempt_id>/ket-qua/", views.attempt_review, name="review"),
]
