from django.urls import path

from stridewell.wellbeing import views

app_name = "wellbeing"

urlpatterns = [
    path("checkins/", views.checkin_list, name="list"),
    path("checkins/new/", views.checkin_new, name="new"),
    path("checkins/tags/", views.tag_list, name="tags"),
    path("checkins/<int:checkin_id>/", views.checkin_edit, name="edit"),
    path("checkins/<int:checkin_id>/delete/", views.checkin_delete, name="delete"),
    path("help/", views.help_now, name="help"),
    path("questionnaires/", views.questionnaire_list, name="questionnaires"),
    path(
        "questionnaires/responses/<int:response_id>/", views.questionnaire_response, name="response"
    ),
    path("questionnaires/<slug:instrument_id>/", views.questionnaire_take, name="take"),
]
