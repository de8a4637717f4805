from __future__ import annotations

from django.urls import path

from zhifa.portal import sitemaps, views

urlpatterns = [
    path("public/", views.portal_home, name="portal_home"),
    path("public/agencies/", views.agency_list, name="portal_agencies"),
    path("public/agencies/<int:pk>/", views.agency_page, name="portal_agency"),
    path("public/agencies/<int:pk>/lists/<str:kind>/", views.list_page, name="portal_list"),
    path("public/agencies/<int:pk>/benchmarks/", views.benchmarks_page, name="portal_benchmarks"),
    path("public/agencies/<int:pk>/no-penalty/", views.no_penalty_page, name="portal_no_penalty"),
    path("public/agencies/<int:pk>/legal-review/", views.catalog_page, name="portal_catalog"),
    path("public/agencies/<int:pk>/procedures/", views.procedures_page, name="portal_agency_procedures"),
    path("public/lists/versions/<int:pk>/", views.version_page, name="portal_version"),
    path("public/lists/versions/<int:pk>/xlsx", views.version_export, name="portal_version_export"),
    path("public/letters/<str:sha256>", views.letter_download, name="portal_letter"),
    path("public/procedures/", views.procedures_page, name="portal_procedures"),
    path("public/statistics/", views.statistics_index, name="portal_statistics"),
    path("public/statistics/<int:year>/", views.statistics_year, name="portal_statistics_year"),
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
