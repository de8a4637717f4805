from __future__ import annotations

from django.urls import path

from zhifa.inspections import views, views_documents, views_oversight, views_visit

urlpatterns = [
    path("inspections/", views.target_list, name="inspection_targets"),
    path("inspections/targets/new/", views.target_new, name="inspection_target_new"),
    path("inspections/targets/import/", views.target_import, name="inspection_target_import"),
    path("inspections/targets/template.xlsx", views.target_template, name="inspection_target_template"),
    path("inspections/targets/<int:pk>/", views.target_detail, name="inspection_target"),
    path("inspections/targets/<int:pk>/edit/", views.target_edit, name="inspection_target_edit"),
    path("inspections/targets/<int:pk>/active/", views.target_active, name="inspection_target_active"),
    path("inspections/plans/", views.plan_list, name="inspection_plans"),
    path("inspections/plans/new/", views.plan_new, name="inspection_plan_new"),
    path("inspections/plans/<int:pk>/", views.plan_detail, name="inspection_plan"),
    path("inspections/plans/<int:pk>/edit/", views.plan_edit, name="inspection_plan_edit"),
    path("inspections/list/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/mine/", views.inspection_mine, name="inspection_mine"),
    path("inspections/oversight/", views_oversight.oversight_page, name="inspection_oversight"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/code/", views.inspection_code, name="inspection_code"),
    path("inspections/<int:pk>/do/<str:name>/", views_visit.inspection_action, name="inspection_action"),
    path("inspections/objections/<int:pk>/answer/", views_visit.objection_answer, name="inspection_objection_answer"),
    # 检查结果公开 and the business's objection or complaint from its code: public, no login.
    path("public/inspections/results/", views_visit.public_results, name="inspection_results_public"),
    path(
        "public/inspections/code/<str:token>/objection/",
        views_visit.public_objection,
        name="inspection_objection_public",
    ),
    # 检查码核验: public, no login; the token is the key (services.CODE_BYTES).
    # 双随机、一公开: a draw is public from its freezing (the inputs file and its hash), then seed and result.
    path("public/inspections/draws/<int:pk>/", views.public_draw, name="inspection_draw_public"),
    path(
        "public/inspections/draws/<int:pk>/<str:which>.json",
        views.public_draw_file,
        name="inspection_draw_file",
    ),
    path("public/inspections/code/<str:token>/", views.public_code, name="inspection_code_public"),
    # The seven standard documents (司法部 2025 格式文本): issue one, download the PDF or a Word copy.
    path("inspections/<int:pk>/documents/issue/", views_documents.document_issue, name="inspection_document_issue"),
    path(
        "inspections/<int:pk>/documents/<int:doc_pk>.pdf", views_documents.document_pdf, name="inspection_document_pdf"
    ),
    path(
        "inspections/<int:pk>/documents/<int:doc_pk>.docx",
        views_documents.document_docx,
        name="inspection_document_docx",
    ),
]
