from __future__ import annotations

from django.urls import path

from zhifa.devices import views

urlpatterns = [
    path("devices/", views.device_list, name="device_list"),
    path("devices/new/", views.device_edit, name="device_new"),
    path("devices/<int:pk>/edit/", views.device_edit, name="device_edit"),
    path("devices/imports/", views.import_list, name="device_imports"),
    path("devices/imports/new/", views.import_new, name="device_import_new"),
    path("devices/imports/<int:pk>/", views.import_detail, name="device_import"),
    path("devices/imports/<int:pk>/transfer/", views.import_transfer, name="device_import_transfer"),
    path("devices/imports/<int:pk>/lead/", views.import_lead, name="device_import_lead"),
    path("devices/imports/<int:pk>/attach/<int:case_pk>/", views.import_attach, name="device_import_attach"),
    path(
        "devices/imports/<int:pk>/recording/<int:case_pk>/",
        views.import_attach_recording,
        name="device_import_attach_recording",
    ),
]
