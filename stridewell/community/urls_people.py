from django.urls import path

from stridewell.community import views_people as views

app_name = "people"

urlpatterns = [
    path("together/", views.together, name="together"),
    path("feed/", views.feed, name="feed"),
    path("buddies/", views.buddy_list, name="buddies"),
    path("buddies/ask/", views.buddy_request, name="buddy_request"),
    path("buddies/invite/new/", views.invite_renew, name="invite_renew"),
    path("buddies/invite/<str:code>/", views.invite, name="invite"),
    path(
        "buddies/<int:pair_id>/accept/",
        views.buddy_answer,
        {"answer": "accept"},
        name="buddy_accept",
    ),
    path(
        "buddies/<int:pair_id>/decline/",
        views.buddy_answer,
        {"answer": "decline"},
        name="buddy_decline",
    ),
    path("buddies/<int:pair_id>/end/", views.buddy_answer, {"answer": "end"}, name="buddy_end"),
    path(
        "buddies/<int:pair_id>/cheer/",
        views.buddy_encourage,
        {"what": "cheer"},
        name="buddy_cheer",
    ),
    path(
        "buddies/<int:pair_id>/nudge/",
        views.buddy_encourage,
        {"what": "nudge"},
        name="buddy_nudge",
    ),
    path("people/<str:handle>/", views.person, name="person"),
    path("people/<str:handle>/block/", views.block_person, name="block"),
    path("blocked/", views.blocked, name="blocked"),
    path("blocked/<int:block_id>/unblock/", views.unblock, name="unblock"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<int:notification_id>/", views.notification_open, name="notification"),
]
