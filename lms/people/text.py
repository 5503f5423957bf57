"""Vietnamese text handling: normalisation, search folding and name sorting."""

import unicodedata

# Vietnamese alphabetical order; letters with a breve, circumflex or horn are
# letters of their own, sorted after their base letter.
_ALPHABET = [
    *"0123456789",
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k",
    "l", "m", "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w",
    "x", "y", "z",
]  # fmt: skip
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Tones in dictionary order: level, grave, hook, tilde, acute, dot below.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
_DIGITS = "bcdefghijklmnopqrstuvwxyz"  # 25 symbols; "a" is kept as separator


def normalize_text(value: str | None) -> str:
    """NFC-normalise, trim and collapse inner whitespace."""
    if not value:
        return ""
    return " ".join(unicodedata.normalize("NFC", value).split())


def fold_for_search(value: str | None) -> str:
    """Lower-case without diacritics, so "nguyen van an" finds "Nguyễn Văn An"."""
    decomposed = unicodedata.normalize("NFD", normalize_text(value).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def _letters_and_tones(word: str) -> tuple[list[str], list[int]]:
    letters: list[str] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", word.lower()):
        base, *marks = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize(
            "NFC", base + "".join(m for m in marks if m in _LETTER_MARKS)
        )
        if letter not in _RANK:
            continue
        letters.append(letter)
        tones.append(max((_TONES.get(m, 0) for m in marks), default=0))
    return letters, tones


def _encode(rank: int) -> str:
    return _DIGITS[rank // 25] + _DIGITS[rank % 25]


def vietnamese_sort_key(full_name: str | None) -> str:
    """A plain-ASCII key that orders names as Vietnamese class lists do.

    Given name (the last word) first, then family and middle names; letters
    in Vietnamese alphabetical order, tones only breaking ties. The key uses
    lower-case ASCII letters alone so that every database collation orders it
    the same way.
    """
    words = normalize_text(full_name).split(" ")
    if not words or words == [""]:
        return ""
    ordered = [words[-1], *words[:-1]]
    primary: list[str] = []
    secondary: list[str] = []
    for word in ordered:
        letters, tones = _letters_and_tones(word)
        primary.append("".join(_encode(_RANK[letter]) for letter in letters))
        secondary.append("".join(_DIGITS[tone] for tone in tones))
    return "a".join(primary) + "aa" + "a".join(secondary)
