"""Text helpers of the catalogue: Ukrainian transliteration for addresses, folding for search."""

from __future__ import annotations

import re
import unicodedata

from django.utils.text import slugify

# The official Ukrainian romanisation (Cabinet of Ministers resolution No. 55 of 2010), as
# used in passports. Letters that are romanised differently at the start of a word come first.
_WORD_START = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
    # Russian letters that turn up in supplier data.
    "ё": "e", "ъ": "", "ы": "y", "э": "e",
}  # fmt: skip


def transliterate_uk(text: str) -> str:
    """Return the text in Latin letters by the official Ukrainian table ("Згорани" -> "Zghorany"
    is the one exception the table has: "зг" is "zgh")."""
    out: list[str] = []
    lowered = text.lower()
    for index, char in enumerate(lowered):
        start = index == 0 or not lowered[index - 1].isalpha()
        if char == "г" and index > 0 and lowered[index - 1] == "з":
            latin = "gh"
        elif start and char in _WORD_START:
            latin = _WORD_START[char]
        else:
            latin = _LETTERS.get(char, char)
        out.append(latin.capitalize() if text[index].isupper() and latin else latin)
    return "".join(out)


def slugify_uk(text: str) -> str:
    """Return an ASCII address part for a Ukrainian or English name ("Стілець" -> "stilets")."""
    return slugify(transliterate_uk(text))


_SPACES = re.compile(r"\s+")


def fold_text(text: str) -> str:
    """Return text case-folded, without accents and apostrophes, spaces collapsed (search keys)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(
        ch
        for ch in decomposed
        if not unicodedata.combining(ch) or ch == "\u0306"  # keep й (и + breve)
    )
    kept = unicodedata.normalize("NFKC", kept)
    kept = kept.replace("'", "").replace("’", "").replace("ʼ", "")
    return _SPACES.sub(" ", kept).strip()
