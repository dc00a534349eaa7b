from django.urls import path

from stridewell.runs import views

app_name = "runs"

urlpatterns = [
    path("runs/", views.run_list, name="list"),
    path("runs/new/", views.run_new, name="new"),
    path("runs/<int:run_id>/", views.run_detail, name="detail"),
    path("runs/<int:run_id>/streams.json", views.run_streams, name="streams"),
    path("runs/<int:run_id>/edit/", views.run_edit, name="edit"),
    path("runs/<int:run_id>/delete/", views.run_delete, name="delete"),
    path("import/", views.import_page, name="import"),
    path("import/<uuid:job_id>/", views.import_status, name="import_status"),
]
