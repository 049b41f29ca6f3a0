from django.urls import path

from kramar.storefront.views import (
    account,
    cart,
    catalog,
    checkout,
    home,
    search,
    site_forms,
    wishlist,
)
from kramar.storefront.views.returns import order_return

app_name = "storefront"

urlpatterns = [
    path("", home.home, name="home"),
    path("c/<slug:slug>/", catalog.category, name="category"),
    path("p/<slug:slug>/", catalog.product_detail, name="product"),
    path("search/", search.search, name="search"),
    path("search/suggest/", search.suggest, name="search-suggest"),
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/", cart.cart_add, name="cart-add"),
    path("cart/lines/<int:variant_id>/", cart.cart_line_update, name="cart-line"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("orders/<str:token>/", checkout.order_detail, name="order"),
    path("orders/<str:token>/return/", order_return, name="order-return"),
    path("account/", account.account, name="account"),
    path("account/orders/<str:token>/reorder/", account.reorder, name="reorder"),
    path("account/wishlist/", wishlist.wishlist, name="wishlist"),
    path("account/invoices/<int:invoice_id>.pdf", account.invoice_document, name="invoice-pdf"),
    path(
        "account/invoices/<int:invoice_id>/credit-notes/<int:note_id>.pdf",
        account.credit_note_document,
        name="credit-note-pdf",
    ),
    path("wishlist/<int:product_id>/", wishlist.wishlist_toggle, name="wishlist-toggle"),
    path("alerts/<int:variant_id>/", wishlist.stock_alert, name="stock-alert"),
    path("account/login/", account.ShopLoginView.as_view(), name="login"),
    path("account/logout/", account.ShopLogoutView.as_view(), name="logout"),
    path("account/sign-up/", account.sign_up, name="sign-up"),
    path("privacy/consent/", site_forms.consent, name="consent"),
    path("contact/<slug:kind>/", site_forms.web_form, name="web-form"),
]
