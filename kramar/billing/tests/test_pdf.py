"""Invoice and credit note PDFs (issue 7): server-side, Cyrillic, Ukrainian and English."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from kramar.billing.pdf import credit_note_pdf, invoice_pdf
from kramar.billing.services import LineIn, credit_note_issue
from kramar.billing.tests.factories import issued_invoice

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_invoice_pdf_has_its_number_lines_and_cyrillic_text(own_client):
    invoice = issued_invoice(
        client=own_client,
        lines=[LineIn("Крісло офісне «Ґражда»", Decimal(2), Decimal("2499.99"))],
    )
    text = text_of(invoice_pdf(invoice))
    assert invoice.number in text
    # Cyrillic from the data (the words of the layout are translated in the .po files).
    assert "Крісло офісне «Ґражда»" in text and "ТОВ «Крамар»" in text
    assert "4 999.98" in text


def test_english_invoice_and_credit_note(own_client):
    invoice = issued_invoice(client=own_client, amount="1000.00")
    invoice.language = "en"
    invoice.save(update_fields=["language"])
    assert "Invoice No." in text_of(invoice_pdf(invoice))
    note = credit_note_issue(actor=None, invoice=invoice, reason="Знижка", amount=Decimal(100))
    text = text_of(credit_note_pdf(note))
    assert note.number in text and invoice.number in text and "Знижка" in text
