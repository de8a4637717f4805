from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from zhifa.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/language/", views.set_language, name="set_language"),
    path("agencies/", views.agency_tree, name="agency_tree"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("users/", views.user_list, name="user_list"),
    path("users/<int:pk>/roles/<str:change>/", views.user_role, name="user_role"),
    path("calendar/", views.calendar, name="calendar"),
    path("healthz", views.healthz, name="healthz"),
]
