"""ISO 20022 camt.053 (bank-to-customer statement), versions 001.02 and later.

Each ``Ntry`` is an entry; a batch entry with several ``TxDtls`` that carry their own amounts
becomes one entry per transaction. The entry's reference is the ``AcctSvcrRef`` (else the
transaction's ``EndToEndId``), so an entry seen in an earlier file is not taken twice. Parsed with
defusedxml: entity expansion and external references are refused.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element  # nosec B405  # only the type; parsing is defusedxml

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from kramar.billing.statements.base import Entry, ParsedStatement, StatementError

NAMESPACE = re.compile(r"^\{(urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.\d{2})\}Document$")


class _Doc:
    def __init__(self, namespace: str) -> None:
        self.ns = {"c": namespace}

    def find(self, node: Element | None, path: str) -> Element | None:
        if node is None:
            return None
        return node.find("/".join(f"c:{part}" for part in path.split("/")), self.ns)

    def text(self, node: Element | None, *paths: str) -> str:
        for path in paths:
            found = self.find(node, path)
            if found is not None and (found.text or "").strip():
                return " ".join((found.text or "").split())
        return ""

    def all(self, node: Element | None, path: str) -> list[Element]:
        if node is None:
            return []
        return node.findall("/".join(f"c:{part}" for part in path.split("/")), self.ns)


def _amount(node: Element | None) -> tuple[Decimal, str]:
    if node is None or not (node.text or "").strip():
        raise ValueError("no amount")
    value = Decimal(node.text.strip()).quantize(Decimal("0.01"))  # type: ignore[union-attr]
    if not value.is_finite() or value <= 0 or value > Decimal("999999999999.99"):
        raise ValueError("amount")
    currency = (node.get("Ccy") or "").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValueError("currency")
    return value, currency


def _entries(doc: _Doc, ntry: Element) -> list[Entry]:
    amount, currency = _amount(doc.find(ntry, "Amt"))
    credit = doc.text(ntry, "CdtDbtInd")
    if credit not in ("CRDT", "DBIT"):
        raise ValueError("direction")
    booked = doc.text(ntry, "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm")
    booked_on = date.fromisoformat(booked[:10])
    entry_ref = doc.text(ntry, "AcctSvcrRef", "NtryRef")
    details = doc.all(ntry, "NtryDtls/TxDtls")
    party = "Dbtr" if credit == "CRDT" else "Cdtr"
    results = []
    for index, tx in enumerate(details or [None]):
        tx_amount, tx_currency = amount, currency
        own = doc.find(tx, "Amt")
        if own is None:  # (an Element with no children is falsy: no "or" here)
            own = doc.find(tx, "AmtDtls/TxAmt/Amt")
        if own is not None and len(details) > 1:
            tx_amount, tx_currency = _amount(own)
        ref = doc.text(tx, "Refs/AcctSvcrRef") or entry_ref or doc.text(tx, "Refs/EndToEndId")
        if ref and len(details) > 1 and ref == entry_ref:
            ref = f"{ref}/{index + 1}"
        results.append(
            Entry(
                booked_on=booked_on, amount=tx_amount, currency=tx_currency,
                is_credit=credit == "CRDT",
                payer_name=doc.text(tx, f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm")[:255],
                payer_account=doc.text(tx, f"RltdPties/{party}Acct/Id/IBAN",
                                       f"RltdPties/{party}Acct/Id/Othr/Id")[:40],
                payer_code=doc.text(tx, f"RltdPties/{party}/Id/OrgId/Othr/Id",
                                    f"RltdPties/{party}/Pty/Id/OrgId/Othr/Id")[:20],
                purpose=" ".join(
                    (node.text or "").strip() for node in doc.all(tx, "RmtInf/Ustrd")
                )[:500] or doc.text(ntry, "AddtlNtryInf")[:500],
                bank_ref="" if ref == "NOTPROVIDED" else ref,
            )
        )  # fmt: skip
    return results


def parse_camt053(content: bytes) -> ParsedStatement:
    try:
        root = ElementTree.fromstring(content, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise StatementError(f"not well-formed XML: {error}", unknown_format=True) from None
    matched = NAMESPACE.match(root.tag)
    if matched is None:
        raise StatementError("not an ISO 20022 camt.053 statement", unknown_format=True)
    doc = _Doc(matched.group(1))
    parsed = ParsedStatement(format="camt053")
    bad: list[int] = []
    number = 0
    for statement in doc.all(root, "BkToCstmrStmt/Stmt"):
        account = doc.text(statement, "Acct/Id/IBAN", "Acct/Id/Othr/Id")[:40]
        parsed.account = parsed.account or account
        for ntry in doc.all(statement, "Ntry"):
            number += 1
            try:
                parsed.entries.extend(_entries(doc, ntry))
            except (ValueError, InvalidOperation):
                bad.append(number)
    if bad:
        raise StatementError(
            "entries that cannot be read: " + ", ".join(map(str, bad[:20])), rows=bad
        )
    return parsed
