from django.urls import path

from stridewell.community import views_stories as views

app_name = "stories"

urlpatterns = [
    path("stories/", views.story_list, name="list"),
    path("stories/new/", views.story_new, name="new"),
    path("stories/<int:story_id>/", views.story_detail, name="detail"),
    path("stories/<int:story_id>/edit/", views.story_edit, name="edit"),
    path("stories/<int:story_id>/delete/", views.story_delete, name="delete"),
    path("stories/<int:story_id>/comments/", views.story_comment, name="comment"),
    path("stories/<int:story_id>/cheer/", views.story_cheer, name="cheer"),
    path("runs/<int:run_id>/comments/", views.run_comment, name="run_comment"),
    path("runs/<int:run_id>/cheer/", views.run_cheer, name="run_cheer"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("reports/new/", views.report_new, name="report"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/act/", views.moderation_act, name="moderation_act"),
    path("moderation/log/", views.moderation_log, name="moderation_log"),
]
