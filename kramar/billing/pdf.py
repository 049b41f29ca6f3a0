"""Invoices and credit notes as PDF, rendered on the server with reportlab (Ukrainian or
English, by the document's language). The DejaVu Sans font ships in ``billing/fonts`` (its
licence beside it), so Cyrillic renders the same on every machine without system fonts."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kramar.billing.models import CreditNote, Invoice

FONTS = Path(__file__).resolve().parent / "fonts"
_registered = False


def _fonts() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(TTFont("KramarSans", str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("KramarSans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
        _registered = True


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="KramarSans", fontSize=9, leading=12)
    return {
        "base": base,
        "title": ParagraphStyle(
            "title", parent=base, fontName="KramarSans-Bold", fontSize=15, leading=19, spaceAfter=6
        ),
        "bold": ParagraphStyle("bold", parent=base, fontName="KramarSans-Bold"),
    }


def _parties(invoice: Invoice, styles: dict[str, ParagraphStyle]) -> Table:
    seller = "<br/>".join(
        part for part in (
            f"<b>{_('Supplier')}</b>", settings.BILLING_SELLER_NAME,
            _("Code: %(code)s") % {"code": settings.BILLING_SELLER_CODE},
            settings.BILLING_SELLER_ADDRESS,
            _("Account (IBAN): %(iban)s") % {"iban": settings.BILLING_SELLER_IBAN},
        ) if part
    )  # fmt: skip
    buyer = "<br/>".join(
        part for part in (
            f"<b>{_('Buyer')}</b>", invoice.buyer_name,
            _("Code: %(code)s") % {"code": invoice.buyer_code} if invoice.buyer_code else "",
            invoice.buyer_address,
        ) if part
    )  # fmt: skip
    table = Table(
        [[Paragraph(seller, styles["base"]), Paragraph(buyer, styles["base"])]],
        colWidths=[90 * mm, 90 * mm],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _lines_table(rows: list[list[str]], styles: dict[str, ParagraphStyle]) -> Table:
    head = [_("No."), _("Goods / services"), _("Qty"), _("Price"), _("VAT, %"), _("Amount")]
    data = [[Paragraph(cell, styles["bold"]) for cell in head]]
    data += [[Paragraph(cell, styles["base"]) for cell in row] for row in rows]
    table = Table(
        data, colWidths=[10 * mm, 80 * mm, 20 * mm, 25 * mm, 15 * mm, 30 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ])
    )  # fmt: skip
    return table


def _build(story: list[object]) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title="Kramar", author=settings.BILLING_SELLER_NAME,
    )  # fmt: skip
    document.build(story)  # type: ignore[arg-type]
    return buffer.getvalue()


def invoice_pdf(invoice: Invoice) -> bytes:
    """Return the invoice as a PDF in its own language."""
    _fonts()
    with translation.override(invoice.language):
        styles = _styles()
        rows = [
            [str(index), line.description, f"{line.quantity.normalize():f} {line.unit}",
             _money(line.unit_price), f"{line.vat_rate.normalize():f}", _money(line.total)]
            for index, line in enumerate(invoice.lines.all(), start=1)
        ]  # fmt: skip
        story: list[object] = [
            Paragraph(
                _("Invoice No. %(number)s of %(date)s")
                % {
                    "number": invoice.number or _("(draft)"),
                    "date": f"{invoice.issue_date:%d.%m.%Y}" if invoice.issue_date else "—",
                },
                styles["title"],
            ),
            _parties(invoice, styles),
            Spacer(1, 6 * mm),
            _lines_table(rows, styles),
            Spacer(1, 4 * mm),
            Paragraph(
                _("Total: %(total)s UAH, of which VAT %(vat)s UAH")
                % {"total": _money(invoice.total), "vat": _money(invoice.vat_total)},
                styles["bold"],
            ),
        ]
        if invoice.credited_amount:
            story.append(
                Paragraph(
                    _("Credited: %(amount)s UAH") % {"amount": _money(invoice.credited_amount)},
                    styles["base"],
                )
            )
        if invoice.due_date:
            story.append(
                Paragraph(
                    _("Pay by %(due)s. Write the invoice number in the purpose of payment.")
                    % {"due": f"{invoice.due_date:%d.%m.%Y}"},
                    styles["base"],
                )
            )
        if invoice.status == "cancelled":
            story.append(Paragraph(_("CANCELLED"), styles["title"]))
        return _build(story)


def credit_note_pdf(note: CreditNote) -> bytes:
    """Return the credit note as a PDF in its invoice's language."""
    _fonts()
    invoice = note.invoice
    with translation.override(invoice.language):
        styles = _styles()
        rows = [
            [str(index), line.description, f"{line.quantity.normalize():f}",
             _money(line.unit_price), f"{line.vat_rate.normalize():f}", _money(line.total)]
            for index, line in enumerate(note.lines.all(), start=1)
        ]  # fmt: skip
        story: list[object] = [
            Paragraph(
                _("Credit note No. %(number)s of %(date)s")
                % {"number": note.number, "date": f"{note.issue_date:%d.%m.%Y}"},
                styles["title"],
            ),
            Paragraph(
                _("To invoice No. %(number)s of %(date)s")
                % {
                    "number": invoice.number,
                    "date": f"{invoice.issue_date:%d.%m.%Y}" if invoice.issue_date else "—",
                },
                styles["base"],
            ),
            Spacer(1, 4 * mm),
            _parties(invoice, styles),
            Spacer(1, 6 * mm),
            _lines_table(rows, styles),
            Spacer(1, 4 * mm),
            Paragraph(
                _("Credited: %(total)s UAH, of which VAT %(vat)s UAH")
                % {"total": _money(note.total), "vat": _money(note.vat_total)},
                styles["bold"],
            ),
            Paragraph(_("Reason: %(reason)s") % {"reason": note.reason}, styles["base"]),
        ]
        return _build(story)
