from django.urls import path

from stridewell.accounts import views

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("settings/tokens/", views.token_create, name="token_create"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("settings/places/", views.place_add, name="place_add"),
    path("settings/places/<int:place_id>/delete/", views.place_delete, name="place_delete"),
    path("settings/export/", views.export, name="export"),
    path("settings/delete/", views.delete, name="delete_account"),
]
