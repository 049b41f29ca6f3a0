import pytest
from django.contrib.auth.models import Group

from kramar.accounts.enums import AccountsErrorCode, DepartmentKind, Role
from kramar.accounts.models import ApiToken, User
from kramar.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    customer_register,
    staff_create,
    staff_set_roles,
)
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def test_staff_create_makes_a_staff_member_with_roles_and_headship(sales_department):
    head = staff_create(
        email="Head@Kramar.Test",
        full_name=" Олена Коваль ",
        roles=[Role.HEAD_OF_SALES],
        department=sales_department,
        password=PASSWORD,
    )
    assert head.email == "head@kramar.test"
    assert head.full_name == "Олена Коваль"
    assert head.is_staff and not head.is_superuser
    assert set(head.groups.values_list("name", flat=True)) == {"head_of_sales"}
    assert list(sales_department.heads.all()) == [head]
    assert head.check_password(PASSWORD)


def test_sales_roles_outside_a_sales_department_are_refused_and_nothing_is_written():
    marketing = DepartmentFactory(kind=DepartmentKind.MARKETING)
    with pytest.raises(ApplicationError) as error:
        staff_create(
            email="m@kramar.test",
            full_name="M",
            roles=[Role.SALES_MANAGER],
            department=marketing,
            password=PASSWORD,
        )
    assert error.value.code == AccountsErrorCode.ROLE_NEEDS_SALES_DEPARTMENT
    assert not User.objects.filter(email="m@kramar.test").exists()


def test_e_mail_is_unique_whatever_its_case(sales_manager):
    with pytest.raises(ApplicationError) as error:
        customer_register(email=sales_manager.email.upper(), password=PASSWORD)
    assert error.value.code == AccountsErrorCode.EMAIL_TAKEN
    assert error.value.status == 409


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "x" * 300 + "@kramar.test"])
def test_bad_e_mail_is_refused(email):
    with pytest.raises(ApplicationError) as error:
        customer_register(email=email, password=PASSWORD)
    assert error.value.code == AccountsErrorCode.INVALID_EMAIL
    assert User.objects.count() == 0


@pytest.mark.parametrize("password", ["123", "password", "12345678901"])
def test_weak_password_is_refused_with_the_validators_reasons(password):
    with pytest.raises(ApplicationError) as error:
        customer_register(email="c@kramar.test", password=password)
    assert error.value.code == AccountsErrorCode.WEAK_PASSWORD
    assert error.value.extra == {"field": "password"}
    assert not User.objects.filter(email="c@kramar.test").exists()


def test_customer_register_gives_no_staff_access_and_no_roles():
    customer = customer_register(email="buyer@example.test", password=PASSWORD, full_name="B")
    assert not customer.is_staff
    assert customer.groups.count() == 0
    assert not customer.has_perm("accounts.access_office")


def test_staff_set_roles_replaces_roles_and_drops_headship(make_staff, sales_department):
    head = make_staff(Role.HEAD_OF_SALES)
    staff_set_roles(user=head, roles=[Role.SALES_MANAGER])
    assert set(head.groups.values_list("name", flat=True)) == {"sales_manager"}
    assert not sales_department.heads.filter(pk=head.pk).exists()


def test_staff_set_roles_refuses_customers(customer):
    with pytest.raises(ApplicationError) as error:
        staff_set_roles(user=customer, roles=[Role.MARKETING])
    assert error.value.code == AccountsErrorCode.NOT_STAFF
    assert customer.groups.count() == 0


def test_a_token_authenticates_its_owner_and_only_its_hash_is_stored(sales_manager):
    token, raw = api_token_create(user=sales_manager, name="laptop")
    assert raw.startswith(f"kr_{token.prefix}_")
    assert raw not in token.token_hash and len(token.token_hash) == 64
    assert api_token_authenticate(raw=raw) == sales_manager
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),
        lambda raw: raw.replace("kr_", "xx_", 1),
        lambda raw: "kr_deadbeef_" + raw.split("_", 2)[2],
        lambda raw: "",
        lambda raw: "kr__",
    ],
)
def test_a_wrong_token_authenticates_nobody(sales_manager, mangle):
    _token, raw = api_token_create(user=sales_manager, name="laptop")
    assert api_token_authenticate(raw=mangle(raw)) is None


def test_a_revoked_token_authenticates_nobody(sales_manager):
    token, raw = api_token_create(user=sales_manager, name="laptop")
    api_token_revoke(user=sales_manager, token_id=token.pk)
    assert api_token_authenticate(raw=raw) is None


def test_a_token_stops_working_when_its_owner_leaves_the_staff(sales_manager):
    _token, raw = api_token_create(user=sales_manager, name="laptop")
    sales_manager.is_active = False
    sales_manager.save(update_fields=["is_active"])
    assert api_token_authenticate(raw=raw) is None


def test_a_token_stops_working_when_the_role_loses_the_right(sales_manager):
    _token, raw = api_token_create(user=sales_manager, name="laptop")
    sales_manager.groups.clear()
    sales_manager = User.objects.get(pk=sales_manager.pk)  # drop the permission cache
    assert api_token_authenticate(raw=raw) is None


def test_customers_cannot_hold_tokens(customer):
    with pytest.raises(ApplicationError) as error:
        api_token_create(user=customer, name="mine")
    assert error.value.status == 403
    assert ApiToken.objects.count() == 0


def test_token_names_are_unique_among_active_tokens(sales_manager):
    token, _raw = api_token_create(user=sales_manager, name="laptop")
    with pytest.raises(ApplicationError) as error:
        api_token_create(user=sales_manager, name="laptop")
    assert error.value.code == AccountsErrorCode.TOKEN_NAME_TAKEN
    api_token_revoke(user=sales_manager, token_id=token.pk)
    api_token_create(user=sales_manager, name="laptop")  # the name is free again


def test_one_cannot_revoke_another_persons_token(make_staff, sales_manager):
    other = make_staff(Role.MARKETING)
    token, raw = api_token_create(user=other, name="phone")
    with pytest.raises(ApplicationError) as error:
        api_token_revoke(user=sales_manager, token_id=token.pk)
    assert error.value.status == 404
    assert api_token_authenticate(raw=raw) == other


def test_roles_need_their_groups_even_before_any_sync():
    Group.objects.all().delete()
    department = DepartmentFactory(kind=DepartmentKind.ACCOUNTING)
    user = staff_create(
        email="acc@kramar.test",
        full_name="A",
        roles=[Role.ACCOUNTANT],
        department=department,
        password=PASSWORD,
    )
    assert user.has_perm("accounts.access_office")


def test_user_set_language_refuses_a_language_the_site_does_not_speak(customer):
    from kramar.accounts.services import user_set_language

    with pytest.raises(ApplicationError) as error:
        user_set_language(user=customer, language="de")
    assert error.value.extra["allowed"] == ["uk", "en"]
    customer.refresh_from_db()
    assert customer.language == "uk"
