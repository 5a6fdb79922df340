"""Tag identity: one key for every spelling of a tag's name ("Perú", "peru", "PERU" -> "peru").

Standard library only, so storage can import it for `--tag` matching and tag facets without
loading the extractors.
"""

from __future__ import annotations

import unicodedata

# Latin letters that carry their mark inside them (no decomposition), folded by hand.
LATIN_FOLDS = str.maketrans({
    "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ħ": "h", "ŧ": "t", "ð": "d", "þ": "th",
    "æ": "ae", "œ": "oe", "ŀ": "l",
})  # fmt: skip
# Scripts whose accents are dropped: they mark stress, tone or a variant of the same letter.
# Elsewhere (Cyrillic й, Devanagari vowel signs, Thai tone marks) a mark makes another letter or
# word and is kept.
ACCENTED_SCRIPTS = ("LATIN", "GREEK")
# Scripts whose optional vowel points are dropped (letters such as ئ keep their hamza).
POINTED_SCRIPTS = ("ARABIC", "HEBREW")
SEPARATOR = "-"


def tag_slug(name: str) -> str:
    """The key of a tag name: case and accents folded, words joined by "-".

    Latin and Greek letters lose their accents ("Perú" -> "peru", "Ελλάδα" -> "ελλαδα"), Arabic
    and Hebrew their vowel points; other scripts keep every letter and mark ("Перу" -> "перу",
    "環境" -> "環境", "हिंदी" -> "हिंदी"). Anything that is neither a letter, a digit nor a mark separates words. A name with no
    letter or digit at all is its own key, trimmed and case-folded.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    kept: list[str] = []
    drop_marks = False
    for ch in text:
        if unicodedata.combining(ch):
            if not drop_marks:
                kept.append(ch)
            continue
        script = unicodedata.name(ch, "")
        if script.startswith(ACCENTED_SCRIPTS):
            ch = "".join(
                c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)
            )
        drop_marks = script.startswith(ACCENTED_SCRIPTS + POINTED_SCRIPTS)
        kept.append(ch)
    folded = unicodedata.normalize("NFC", "".join(kept)).translate(LATIN_FOLDS)
    words = "".join(ch if _word_char(ch) else " " for ch in folded).split()
    return SEPARATOR.join(words) if words else " ".join(folded.split())


def _word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")
