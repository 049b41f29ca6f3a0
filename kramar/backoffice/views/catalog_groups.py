"""The product-group tree of the back office: create, rename and describe, move, hide or show."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kramar.backoffice.catalog_forms import GroupForm, GroupMoveForm
from kramar.backoffice.decorators import office_view
from kramar.backoffice.views.catalog import require_perm
from kramar.catalog import selectors, services
from kramar.core.errors import ApplicationError


@office_view("catalog.view_productgroup")
def group_list(request: HttpRequest) -> HttpResponse:
    """The whole tree, indented, with the products directly in each group."""
    context = {
        "groups": selectors.group_tree(with_counts=True),
        "form": GroupForm() if request.user.has_perm("catalog.add_productgroup") else None,
    }
    return render(request, "backoffice/catalog/groups.html", context)


@office_view("catalog.add_productgroup")
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(**form.cleaned_data)
        except ApplicationError as error:
            field = error.extra.get("field")
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Group “%(name)s” created.") % {"name": group.name})
            return redirect("backoffice:group-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/catalog/group_form.html", {"form": form}, status=status)


@office_view("catalog.view_productgroup")
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    """Rename, describe, reorder, hide or show a group; moving it is the form beside."""
    group = selectors.group_by_pk(pk=group_id)
    if request.method == "POST":
        require_perm(request, "catalog.change_productgroup")
    form = GroupForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, **form.cleaned_data)
        except ApplicationError as error:
            field = error.extra.get("field")
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Group “%(name)s” saved.") % {"name": group.name})
            return redirect("backoffice:group-list")
    return _edit_page(request, group, form=form, move_form=GroupMoveForm(group=group))


@office_view("catalog.change_productgroup")
@require_POST
def group_move(request: HttpRequest, group_id: int) -> HttpResponse:
    group = selectors.group_by_pk(pk=group_id)
    move_form = GroupMoveForm(request.POST, group=group)
    if move_form.is_valid():
        try:
            services.group_move(group=group, parent=move_form.cleaned_data["parent"])
        except ApplicationError as error:
            move_form.add_error("parent", str(error.message))
        else:
            messages.success(request, _("Group “%(name)s” moved.") % {"name": group.name})
            return redirect("backoffice:group-list")
    return _edit_page(request, group, form=GroupForm(group=group), move_form=move_form)


@office_view("catalog.change_productgroup")
@require_POST
def group_visibility(request: HttpRequest, group_id: int) -> HttpResponse:
    """Hide a group (and so everything below it) from the shop, or show it again."""
    group = selectors.group_by_pk(pk=group_id)
    shown = request.POST.get("is_active") == "1"
    services.group_update(group=group, is_active=shown)
    if shown:
        messages.success(request, _("“%(name)s” is shown in the shop.") % {"name": group.name})
    else:
        messages.success(
            request,
            _("“%(name)s” and every group below it are hidden from the shop.")
            % {"name": group.name},
        )
    return redirect("backoffice:group-list")


def _edit_page(
    request: HttpRequest, group: object, *, form: GroupForm, move_form: GroupMoveForm
) -> HttpResponse:
    context = {
        "group": group,
        "form": form,
        "move_form": move_form,
        "editable": request.user.has_perm("catalog.change_productgroup"),
    }
    failed = request.method == "POST"
    return render(
        request, "backoffice/catalog/group_edit.html", context, status=400 if failed else 200
    )
