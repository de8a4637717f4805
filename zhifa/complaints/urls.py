from __future__ import annotations

from django.urls import path

from zhifa.complaints import views

urlpatterns = [
    path("public/complaints/", views.public_file, name="complaint_file"),
    path("public/complaints/filed/", views.public_filed, name="complaint_filed"),
    path("public/complaints/track/", views.public_track, name="complaint_track"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/<str:action>/", views.complaint_act, name="complaint_act"),
]
