from __future__ import annotations

from django.urls import path

from zhifa.cases import docx_views, review_views, views

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/reviews/", review_views.queue_page, name="review_queue"),
    path("cases/reviews/figures/", review_views.figures_page, name="review_figures"),
    path("cases/open/<str:name>/", views.case_open, name="case_open"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/actions/<str:name>/", views.case_action, name="case_action"),
    path("cases/<int:pk>/documents/<str:kind>/", views.document_issue, name="document_issue"),
    path("cases/<int:pk>/documents/<int:document_pk>/signed/", views.document_signed, name="document_signed"),
    path("cases/<int:pk>/documents/<str:kind>/draft.docx", docx_views.document_draft, name="document_draft"),
    path("cases/settings/<int:agency_pk>/", views.settings_page, name="case_settings"),
    path("cases/major-catalog/<int:agency_pk>/", views.catalog_page, name="major_catalog"),
]
