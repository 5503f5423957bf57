from django.urls import path

from . import views

urlpatterns = [
    path("", views.CompletionReportView.as_view(), name="completion"),
    path("learners/", views.LearnerReportView.as_view(), name="learners"),
    path("department/", views.DepartmentReportView.as_view(), name="department"),
    path("annual/", views.AnnualReportView.as_view(), name="annual"),
    path(
        "family-letters/<int:class_id>/",
        views.FamilyLettersView.as_view(),
        name="family_letters",
    ),
]
