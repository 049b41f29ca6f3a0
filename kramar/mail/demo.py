"""Demo correspondence: letter templates, a few letters to demo clients and their replies (the
first with a file), one letter from a stranger that becomes a lead, and one bounce that waits in
the quarantine for a person to file it (M8).

Written through the services, so the timelines, threads and the lead are what real use leaves.
The demo's outgoing letters are recorded as sent, so the worker sends nothing to demo addresses.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from django.utils import timezone

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.models import User
from kramar.clients.models import Client
from kramar.mail.enums import MailStatus
from kramar.mail.models import MailMessage, MailTemplate
from kramar.mail.services import LetterFile, mail_import, mail_send, mail_template_save

LETTERS = {"small": 8, "medium": 40, "large": 120}
TEMPLATES = [
    (
        "Комерційна пропозиція",
        "Комерційна пропозиція для {client_name}",
        "Добрий день, {first_name}!\n\nНадсилаю пропозицію щодо «{deal_title}». "
        "Ціни дійсні до кінця місяця.\n\nЗ повагою,\n{sender_name}\n{sender_email}",
    ),
    (
        "Нагадування про оплату",
        "Нагадування про оплату",
        "Добрий день, {first_name}!\n\nНагадуємо про оплату рахунку. Якщо ви вже сплатили, "
        "не зважайте на цей лист.\n\n{sender_name}",
    ),
    (
        "Дякуємо за замовлення",
        "Дякуємо за замовлення, {first_name}!",
        "Дякуємо, що обрали нас. Якщо будуть питання — пишіть у відповідь на цей лист.\n\n"
        "{sender_name}",
    ),
]
OFFER_FILE = (
    "Комерційна пропозиція.txt",
    "Шафа-купе 2400×600×2200, дуб сонома: 18 600 грн.\n"
    "Доставка і монтаж по місту: безкоштовно.\nПропозиція дійсна 14 днів.\n",
)
QUESTIONS = [
    ("Щодо пропозиції", "Ціна влаштовує. Чи можлива доставка в суботу?"),
    ("Уточнення", "Чи є цей товар у сірому кольорі?"),
    ("Дякую", "Отримали, все гаразд. Дякуємо!"),
]


def work_units(scale_name: str) -> int:
    return LETTERS[scale_name] + len(TEMPLATES)


def seed(context: Any) -> list[tuple[str, str, str]]:
    units = work_units(context.scale)
    if MailMessage.objects.exists() or MailTemplate.objects.exists():
        context.progress(units)
        return []
    for name, subject, body in TEMPLATES:
        mail_template_save(name=name, subject=subject, body=body)
    rng = context.rng_for("mail")
    clients = list(
        Client.objects.filter(
            merged_into__isnull=True,
            manager__is_active=True,
            manager__department__kind=DepartmentKind.SALES,
            emails__isnull=False,
        )
        .select_related("manager")
        .prefetch_related("emails")
        .order_by("pk")
        .distinct()[:200]
    )
    chosen = rng.sample(clients, min(len(clients), LETTERS[context.scale] // 2))
    for number, client in enumerate(chosen):
        _conversation(rng, client, with_file=number == 0)
    _stranger_writes()
    if chosen:
        _bounce(chosen[-1])
    context.progress(units)
    return []


def _conversation(rng: Any, client: Client, *, with_file: bool = False) -> None:
    manager = client.manager
    if manager is None or not manager.has_perm("mail.add_mailmessage"):
        return
    address = client.emails.all()[0].email
    deal = client.deals.filter(status="open").order_by("pk").first()
    ours = mail_send(
        actor=manager,
        client=client,
        to=address,
        subject=f"Пропозиція для {client.name}",
        body=f"Добрий день!\n\nНадсилаю пропозицію.\n\n{manager.get_full_name()}",
        deal=deal,
        attachments=[LetterFile.of_bytes(OFFER_FILE[0], OFFER_FILE[1].encode(), "text/plain")]
        if with_file
        else [],
    )
    # Recorded as sent: the demo must not mail its made-up addresses.
    MailMessage.objects.filter(pk=ours.pk).update(status=MailStatus.SENT, sent_at=timezone.now())
    subject, text = rng.choice(QUESTIONS)
    reply = EmailMessage()
    reply["From"] = f"{client.name} <{address}>"
    reply["To"] = "shop@kramar.localhost"
    reply["Subject"] = f"Re: {subject}"
    reply["Date"] = format_datetime(timezone.now())
    reply["Message-ID"] = f"<demo-reply-{ours.pk}@client.example.com>"
    reply["In-Reply-To"] = ours.message_id
    reply["References"] = ours.message_id
    reply.set_content(text)
    mail_import(raw=reply.as_bytes(), mailbox="demo", notify=False)


def _stranger_writes() -> None:
    if not User.objects.filter(groups__name=Role.SALES_MANAGER.value, is_active=True).exists():
        return
    letter = EmailMessage()
    letter["From"] = "Ігор Бондар <igor.bondar@example.org>"
    letter["To"] = "shop@kramar.localhost"
    letter["Subject"] = "Потрібні меблі для офісу на 12 місць"
    letter["Date"] = format_datetime(timezone.now())
    letter["Message-ID"] = "<demo-lead-1@example.org>"
    letter.set_content("Добрий день! Плануємо облаштувати офіс. Надішліть, будь ласка, каталог.")
    mail_import(raw=letter.as_bytes(), mailbox="demo", notify=False)


def _bounce(client: Client) -> None:
    """A mail server's bounce of a letter to the client: automatic, from an unknown sender, so
    quarantined; its text names the client's address, which the quarantine page suggests."""
    address = client.emails.all()[0].email
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.com>"
    bounce["To"] = "shop@kramar.localhost"
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Date"] = format_datetime(timezone.now())
    bounce["Message-ID"] = "<demo-bounce-1@mx.example.com>"
    bounce["Auto-Submitted"] = "auto-replied"
    bounce.set_content(
        "This is the mail system at host mx.example.com.\n\n"
        "I'm sorry to have to inform you that your message could not be delivered to\n"
        f"<{address}>: mailbox full.\n"
    )
    mail_import(raw=bounce.as_bytes(), mailbox="demo", notify=False)
