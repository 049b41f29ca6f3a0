"""Forms of the catalogue pages; they parse input, the catalogue services decide (issue 3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kramar.catalog.enums import VatRate
from kramar.catalog.imports import MAX_FILE_BYTES
from kramar.catalog.models import Attribute, Product, ProductGroup, Variant
from kramar.catalog.parsing import format_pairs, parse_amount, parse_pairs
from kramar.catalog.selectors import group_tree, suppliers
from kramar.catalog.services import VariantChange
from kramar.catalog.text import fold_text

MAX_IMAGE_BYTES = 10 * 1024 * 1024


def group_choices(
    groups: Sequence[ProductGroup], *, blank: str | Promise
) -> list[tuple[Any, str | Promise]]:
    """Return the groups as choices in tree order, each indented under its parent."""
    indent = "\u00a0\u00a0\u00a0"  # no-break spaces: a browser keeps them in an option
    return [("", blank), *((g.pk, f"{indent * g.depth}{g.name}") for g in groups)]


class GroupField(forms.ModelChoiceField[ProductGroup]):
    """A product group, offered as the indented tree."""

    def __init__(self, *, blank: str | Promise = "—", **kwargs: Any) -> None:
        super().__init__(queryset=ProductGroup.objects.all(), **kwargs)
        self.blank = blank

    def use_tree(self, groups: Sequence[ProductGroup]) -> None:
        self.choices = group_choices(groups, blank=self.blank)


class AmountField(forms.CharField):
    """An amount of money as people type it: "1 299,50" or "1299.50"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "maxlength": "30"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        try:
            return parse_amount(text or "")
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


# --- The product list ---------------------------------------------------------------------------


class ProductFilterForm(forms.Form):
    """The product list's filters; ``selector_filters`` turns them into product_list arguments."""

    search = forms.CharField(label=_("Search"), required=False, max_length=200)
    group = GroupField(label=_("Group"), required=False, blank=_("All groups"))
    status = forms.ChoiceField(
        label=_("Shown"),
        required=False,
        choices=[("", _("All")), ("active", _("Shown in the shop")), ("hidden", _("Hidden"))],
    )
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=suppliers(), required=False, empty_label=_("All suppliers")
    )
    out_of_stock = forms.BooleanField(label=_("Out of stock"), required=False)

    def __init__(
        self, *args: Any, groups: Sequence[ProductGroup] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(GroupField, self.fields["group"]).use_tree(group_tree() if groups is None else groups)

    def selector_filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        filters: dict[str, Any] = {"search": data["search"], "out_of_stock": data["out_of_stock"]}
        if data["group"] is not None:
            filters["group"] = data["group"]
        if data["status"]:
            filters["is_active"] = data["status"] == "active"
        if data["supplier"] is not None:
            filters["supplier_id"] = data["supplier"].pk
        return filters

    def query(self) -> str:
        """Return the filters as a query string (for the pages and the export link)."""
        if not self.is_valid():
            return ""
        pairs = []
        for name, value in self.cleaned_data.items():
            if value in (None, "", False):
                continue
            pairs.append((name, "on" if value is True else getattr(value, "pk", value)))
        return urlencode(pairs)


# --- A product and its variants -----------------------------------------------------------------


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=220,
        required=False,
        help_text=_("Latin letters, digits and “-”; made from the name when left empty."),
    )
    group = GroupField(label=_("Product group"))
    brand = forms.CharField(label=_("Brand"), max_length=80, required=False)
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=suppliers(), required=False, empty_label=_("No supplier")
    )
    vat_rate = forms.ChoiceField(label=_("VAT rate"), choices=VatRate.choices)
    is_active = forms.BooleanField(label=_("Shown in the shop"), required=False, initial=True)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self, *args: Any, product: Product | None = None, editable: bool = True, **kwargs: Any
    ) -> None:
        if product is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": product.name,
                    "group": product.group_id,
                    "brand": product.brand,
                    "supplier": product.supplier_id,
                    "vat_rate": product.vat_rate,
                    "is_active": product.is_active,
                    "description": product.description,
                },
            )
        super().__init__(*args, **kwargs)
        if product is not None:
            del self.fields["slug"]  # addresses stay: links to them are out in the world
        cast(GroupField, self.fields["group"]).use_tree(group_tree())
        if not editable:
            for field in self.fields.values():
                field.disabled = True

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in ("name", "group", "brand", "supplier", "vat_rate", "is_active")
        }
        fields["description"] = data["description"]
        if "slug" in self.fields:
            fields["slug"] = data["slug"]
        return fields


class VariantForm(forms.Form):
    variant = forms.IntegerField(widget=forms.HiddenInput, required=False)
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name = forms.CharField(label=_("Variant"), max_length=120, required=False)
    price = AmountField(label=_("Price"))
    old_price = AmountField(label=_("Old price"), required=False)
    cost = AmountField(label=_("Purchase cost"), required=False)
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)
    attributes = forms.CharField(
        label=_("Attribute values"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "Колір=чорний; Розмір=M"}),
    )

    def __init__(
        self, *args: Any, attributes: Mapping[str, Attribute], editable: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.known_attributes = attributes
        for field in self.fields.values():
            if not field.widget.is_hidden:  # the rows of a table have no <label>s
                field.widget.attrs.setdefault("aria-label", str(field.label))
            field.disabled = not editable

    def clean_attributes(self) -> list[tuple[Attribute, str]]:
        try:
            pairs = parse_pairs(self.cleaned_data["attributes"])
        except ValueError as error:
            raise ValidationError(str(error)) from None
        found = []
        for name, value in pairs:
            attribute = self.known_attributes.get(fold_text(name))
            if attribute is None:
                known = sorted({a.name for a in self.known_attributes.values()})
                raise ValidationError(
                    _("No attribute is named “%(name)s”; known: %(known)s."),
                    params={"name": name, "known": ", ".join(known) or "—"},
                )
            found.append((attribute, value))
        return found


def attributes_by_name() -> dict[str, Attribute]:
    """Return the attributes by folded name and by code, as the form's text names them."""
    found: dict[str, Attribute] = {}
    for attribute in Attribute.objects.all():
        found.setdefault(fold_text(attribute.name), attribute)
        found.setdefault(fold_text(attribute.code), attribute)
    return found


def variant_initial(variant: Variant) -> dict[str, Any]:
    values = sorted(variant.values.all(), key=lambda v: (v.attribute.position, v.attribute.name))
    return {
        "variant": variant.pk,
        "sku": variant.sku,
        "name": variant.name,
        "price": variant.price,
        "old_price": variant.old_price,
        "cost": variant.cost,
        "is_active": variant.is_active,
        "attributes": format_pairs((value.attribute.name, value.value) for value in values),
    }


class BaseVariantFormSet(forms.BaseFormSet[VariantForm]):
    """The variants of one product: existing ones first, then blank rows for new ones."""

    def __init__(self, *args: Any, variants: Sequence[Variant] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing = {variant.pk: variant for variant in variants}

    def filled(self) -> list[VariantForm]:
        """Return the forms that hold a variant (blank extra rows are left out)."""
        return [
            form for form in self.forms if form.has_changed() or form.cleaned_data.get("variant")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        filled = self.filled()
        if not filled:
            raise ValidationError(_("A product needs at least one variant with a SKU and a price."))
        skus = [form.cleaned_data["sku"].strip() for form in filled]
        if len(set(skus)) != len(skus):
            raise ValidationError(_("Every variant needs a SKU of its own."))
        for form in filled:
            if (
                form.cleaned_data.get("variant")
                and form.cleaned_data["variant"] not in self.existing
            ):
                raise ValidationError(_("A variant of another product was sent; reload the page."))

    def changes(self) -> list[VariantChange]:
        """Return a change for each filled row, in the rows' order (``product_save``'s)."""
        changes = []
        for form in self.filled():
            data = form.cleaned_data
            changes.append(
                VariantChange(
                    sku=data["sku"],
                    name=data["name"],
                    price=data["price"],
                    old_price=data["old_price"],
                    cost=data["cost"],
                    is_active=data["is_active"],
                    attributes=data["attributes"],
                    variant=self.existing.get(data.get("variant") or 0),
                )
            )
        return changes


def variant_formset(extra: int) -> type[BaseVariantFormSet]:
    return cast(
        type[BaseVariantFormSet],
        forms.formset_factory(
            VariantForm, formset=BaseVariantFormSet, extra=extra, max_num=200, validate_max=True
        ),
    )


# --- Stock, pictures, groups, imports -----------------------------------------------------------


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Picture"))
    alt = forms.CharField(label=_("Description for screen readers"), max_length=200, required=False)

    def clean_image(self) -> Any:
        image = self.cleaned_data["image"]
        if image.size > MAX_IMAGE_BYTES:
            raise ValidationError(
                _("A picture may be at most %(mb)d MB."),
                params={"mb": MAX_IMAGE_BYTES // (1024 * 1024)},
            )
        return image


class ImageAltForm(forms.Form):
    alt = forms.CharField(label=_("Description for screen readers"), max_length=200, required=False)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = GroupField(label=_("Parent group"), required=False, blank=_("— at the top —"))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("Shown in the shop"), required=False, initial=True)

    def __init__(self, *args: Any, group: ProductGroup | None = None, **kwargs: Any) -> None:
        if group is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": group.name,
                    "description": group.description,
                    "position": group.position,
                    "is_active": group.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if group is not None:
            del self.fields["parent"]  # moving is its own form: it may be refused (cycles)
        else:
            cast(GroupField, self.fields["parent"]).use_tree(group_tree())


class GroupMoveForm(forms.Form):
    parent = GroupField(label=_("Move under"), required=False, blank=_("— at the top —"))

    def __init__(self, *args: Any, group: ProductGroup, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"parent": group.parent_id})
        super().__init__(*args, **kwargs)
        cast(GroupField, self.fields["parent"]).use_tree(group_tree())


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, “;” or “,” between columns, at most 20 MB."),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)d MB; split it into smaller files."),
                params={"mb": MAX_FILE_BYTES // (1024 * 1024)},
            )
        return file
