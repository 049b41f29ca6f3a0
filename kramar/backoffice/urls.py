from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from kramar.backoffice.views import (
    calendar,
    cases,
    catalog,
    catalog_csv,
    catalog_groups,
    clients,
    deals,
    mail,
    notifications,
    orders,
    people,
)
from kramar.backoffice.views import returns as return_pages

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
    path("clients/<int:client_id>/mail/new/", mail.mail_compose, name="mail-compose"),
    path("mail/<int:mail_id>/", mail.mail_detail, name="mail-detail"),
    path(
        "mail/attachments/<int:attachment_id>/",
        mail.attachment_download,
        name="mail-attachment",
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
    path("returns/", return_pages.queue, name="return-queue"),
    path("returns/<int:return_id>/accept/", return_pages.accept, name="return-accept"),
    path("returns/<int:return_id>/reject/", return_pages.reject, name="return-reject"),
    path("returns/<int:return_id>/refunded/", return_pages.mark_refunded, name="return-refunded"),
    path("catalog/", catalog.product_list, name="product-list"),
    path("catalog/products/new/", catalog.product_create, name="product-create"),
    path("catalog/products/<int:product_id>/", catalog.product_edit, name="product-edit"),
    path("catalog/products/<int:product_id>/stock/", catalog.product_stock, name="product-stock"),
    path(
        "catalog/products/<int:product_id>/images/", catalog.product_images, name="product-images"
    ),
    path(
        "catalog/products/<int:product_id>/images/<int:image_id>/",
        catalog.product_image_change,
        name="product-image-change",
    ),
    path("catalog/groups/", catalog_groups.group_list, name="group-list"),
    path("catalog/groups/new/", catalog_groups.group_create, name="group-create"),
    path("catalog/groups/<int:group_id>/", catalog_groups.group_edit, name="group-edit"),
    path("catalog/groups/<int:group_id>/move/", catalog_groups.group_move, name="group-move"),
    path(
        "catalog/groups/<int:group_id>/visibility/",
        catalog_groups.group_visibility,
        name="group-visibility",
    ),
    path("catalog/export.csv", catalog_csv.product_export, name="product-export"),
    path("catalog/imports/", catalog_csv.import_list, name="import-list"),
    path("catalog/imports/<int:import_id>/", catalog_csv.import_detail, name="import-detail"),
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
