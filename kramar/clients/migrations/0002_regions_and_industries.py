"""Reference lists for the sales slices of M18: the regions of Ukraine and common industries."""

from django.db import migrations

REGIONS = [
    ("kyiv-city", "Київ"),
    ("vinnytsia", "Вінницька область"),
    ("volyn", "Волинська область"),
    ("dnipropetrovsk", "Дніпропетровська область"),
    ("donetsk", "Донецька область"),
    ("zhytomyr", "Житомирська область"),
    ("zakarpattia", "Закарпатська область"),
    ("zaporizhzhia", "Запорізька область"),
    ("ivano-frankivsk", "Івано-Франківська область"),
    ("kyiv", "Київська область"),
    ("kirovohrad", "Кіровоградська область"),
    ("luhansk", "Луганська область"),
    ("lviv", "Львівська область"),
    ("mykolaiv", "Миколаївська область"),
    ("odesa", "Одеська область"),
    ("poltava", "Полтавська область"),
    ("rivne", "Рівненська область"),
    ("sumy", "Сумська область"),
    ("ternopil", "Тернопільська область"),
    ("kharkiv", "Харківська область"),
    ("kherson", "Херсонська область"),
    ("khmelnytskyi", "Хмельницька область"),
    ("cherkasy", "Черкаська область"),
    ("chernivtsi", "Чернівецька область"),
    ("chernihiv", "Чернігівська область"),
    ("crimea", "Автономна Республіка Крим"),
    ("abroad", "За кордоном"),
]

INDUSTRIES = [
    ("retail", "Роздрібна торгівля"),
    ("wholesale", "Оптова торгівля"),
    ("manufacturing", "Виробництво"),
    ("construction", "Будівництво"),
    ("agriculture", "Сільське господарство"),
    ("it", "Інформаційні технології"),
    ("logistics", "Логістика"),
    ("horeca", "Готелі, ресторани, кафе"),
    ("education", "Освіта"),
    ("healthcare", "Охорона здоров’я"),
    ("finance", "Фінанси"),
    ("public", "Державний сектор"),
    ("energy", "Енергетика"),
    ("services", "Послуги"),
]


def add(apps, schema_editor):
    Region = apps.get_model("clients", "Region")
    Industry = apps.get_model("clients", "Industry")
    for code, name in REGIONS:
        Region.objects.get_or_create(code=code, defaults={"name": name})
    for code, name in INDUSTRIES:
        Industry.objects.get_or_create(code=code, defaults={"name": name})


def remove(apps, schema_editor):
    apps.get_model("clients", "Region").objects.filter(code__in=[c for c, _ in REGIONS]).delete()
    apps.get_model("clients", "Industry").objects.filter(
        code__in=[c for c, _ in INDUSTRIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_clients")]
    operations = [migrations.RunPython(add, remove)]
