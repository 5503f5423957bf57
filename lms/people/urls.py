from django.urls import path

from . import views

app_name = "lms_people"

urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", views.SignOutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("kich-hoat-phu-huynh/", views.parent_activate, name="parent_activate"),
    path(
        "doi-mat-khau/xong/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
