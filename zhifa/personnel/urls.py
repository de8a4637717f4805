from __future__ import annotations

from django.urls import path

from zhifa.personnel import views

urlpatterns = [
    path("public/certificates/", views.certificate_check, name="certificate_check"),
    path("public/certificates/<str:number>/", views.certificate_check, name="certificate_check_number"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/new/", views.officer_create, name="officer_create"),
    path("officers/import/", views.officer_import, name="officer_import"),
    path("officers/export.xlsx", views.officer_export, name="officer_export"),
    path("officers/<int:pk>/login/", views.officer_create_login, name="officer_create_login"),
    path("officers/import/template.xlsx", views.import_template, name="officer_import_template"),
    path("officers/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("officers/<int:pk>/leave/", views.officer_leave, name="officer_leave"),
    path("officers/<int:pk>/legal-review/", views.officer_legal_review, name="officer_legal_review"),
    path("officers/<int:pk>/certificates/new/", views.certificate_issue, name="certificate_issue"),
    path("certificates/<int:pk>/<str:action>/", views.certificate_action, name="certificate_action"),
]
