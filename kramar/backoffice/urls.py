from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from kramar.backoffice.views import calendar, cases, clients, deals, notifications, orders, people

app_name = "backoffice"

urlpatterns = [
    path("", people.dashboard, name="dashboard"),
    path("staff/", people.staff, name="staff"),
    path("tokens/", people.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", people.token_revoke, name="token-revoke"),
    path("clients/", clients.client_list, name="client-list"),
    path("clients/new/", clients.client_create, name="client-create"),
    path("clients/views/", clients.client_view_save, name="client-view-save"),
    path(
        "clients/views/<int:view_id>/delete/",
        clients.client_view_delete,
        name="client-view-delete",
    ),
    path("clients/reassign/", clients.client_reassign, name="client-reassign"),
    path("clients/<int:client_id>/", clients.client_detail, name="client-detail"),
    path("clients/<int:client_id>/notes/", clients.client_add_note, name="client-add-note"),
    path("clients/<int:client_id>/merge/", clients.client_merge, name="client-merge"),
    path("clients/<int:client_id>/deals/new/", deals.deal_create, name="deal-create"),
    path("clients/<int:client_id>/plan/", deals.activity_plan, name="activity-plan"),
    path(
        "clients/<int:client_id>/plan-template/",
        deals.plan_template_apply,
        name="plan-template-apply",
    ),
    path("deals/", deals.board, name="deal-board"),
    path("deals/<int:deal_id>/", deals.deal_detail, name="deal-detail"),
    path("deals/<int:deal_id>/move/", deals.deal_move, name="deal-move"),
    path("deals/<int:deal_id>/lose/", deals.deal_lose, name="deal-lose"),
    path(
        "activities/<int:activity_id>/complete/", deals.activity_complete, name="activity-complete"
    ),
    path("my-day/", deals.my_day, name="my-day"),
    path("calendar/", calendar.month, name="calendar"),
    path("clients/<int:client_id>/cases/new/", cases.case_create, name="case-create"),
    path("cases/", cases.queue, name="case-queue"),
    path("cases/<int:case_id>/", cases.case_detail, name="case-detail"),
    path("cases/<int:case_id>/assign/", cases.case_assign, name="case-assign"),
    path("cases/<int:case_id>/status/", cases.case_status, name="case-status"),
    path("cases/<int:case_id>/resolve/", cases.case_resolve, name="case-resolve"),
    path("orders/", orders.order_list, name="order-list"),
    path("orders/<int:order_id>/", orders.order_detail, name="order-detail"),
    path("orders/<int:order_id>/advance/", orders.order_advance, name="order-advance"),
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/badge/", notifications.badge, name="notifications-badge"),
    path("notifications/read/", notifications.mark_read, name="notifications-read"),
    path("login/", people.OfficeLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("backoffice:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("backoffice:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
