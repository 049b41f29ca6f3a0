from django.urls import path

from kramar.payments import views

app_name = "payments"

urlpatterns = [
    path("orders/<str:token>/pay/", views.order_pay, name="pay"),
    path("webhooks/<slug:provider>/", views.webhook, name="webhook"),
    path("sandbox/<str:payment_id>/", views.sandbox_card, name="sandbox-card"),
]
