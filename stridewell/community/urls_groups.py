from django.urls import URLPattern, path

from stridewell.community import views_groups as views

app_name = "groups"

urlpatterns: list[URLPattern] = [
    path("groups/", views.group_list, name="list"),
    path("groups/new/", views.group_new, name="new"),
    path("groups/join/", views.join_by_code, name="join_code"),
    path("groups/join/<str:code>/", views.invite, name="invite"),
    path("groups/<slug:slug>/", views.group_detail, name="detail"),
    path("groups/<slug:slug>/edit/", views.group_edit, name="edit"),
    path("groups/<slug:slug>/join/", views.group_join, name="join"),
    path("groups/<slug:slug>/leave/", views.group_leave, name="leave"),
    path("groups/<slug:slug>/code/", views.new_code, name="new_code"),
    path("groups/<slug:slug>/members/", views.group_members, name="members"),
    path("groups/<slug:slug>/members/<int:user_id>/role/", views.member_role, name="role"),
    path("groups/<slug:slug>/members/<int:user_id>/remove/", views.member_remove, name="remove"),
    path("groups/<slug:slug>/support/", views.group_support, name="support"),
    path("groups/<slug:slug>/runs/new/", views.run_new, name="new_run"),
    path("groups/<slug:slug>/goals/new/", views.goal_new, name="new_goal"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
    path("events/<int:event_id>/rsvp/", views.event_rsvp, name="rsvp"),
    path("events/<int:event_id>/sweep/", views.event_sweep, name="sweep"),
    path("events/<int:event_id>/checkin/", views.event_checkin, name="checkin"),
    path("events/<int:event_id>/attendance/", views.event_attendance, name="attendance"),
    path("events/<int:event_id>/share/", views.event_share, name="share"),
    path("events/<int:event_id>/cancel/", views.event_cancel, name="cancel_run"),
    path("goals/new/", views.goal_new, name="new_buddy_goal"),
    path("goals/<int:goal_id>/", views.goal_detail, name="goal"),
    path("goals/<int:goal_id>/counting/", views.goal_counting, name="counting"),
]
