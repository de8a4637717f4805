from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from zhifa.core import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/language/", views.set_language, name="set_language"),
    path("agencies/", views.agency_tree, name="agency_tree"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path("accounts/two-factor/", account_views.two_factor, name="two_factor"),
    path("accounts/two-factor/setup/", account_views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/tokens/", account_views.token_list, name="token_list"),
    path("accounts/tokens/<int:pk>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("users/", account_views.user_list, name="user_list"),
    path("users/new/", account_views.user_new, name="user_new"),
    path("users/<int:pk>/roles/<str:change>/", account_views.user_role, name="user_role"),
    path("users/<int:pk>/password/", account_views.user_password_reset, name="user_password_reset"),
    path("users/<int:pk>/unlock/", account_views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/two-factor/reset/", account_views.user_two_factor_reset, name="user_two_factor_reset"),
    path("agencies/<int:pk>/two-factor/", account_views.agency_two_factor, name="agency_two_factor"),
    path("audit/accounts/", account_views.account_changes, name="account_changes"),
    path("calendar/", views.calendar, name="calendar"),
    path("healthz", views.healthz, name="healthz"),
]
