"""Vietnamese text rules; no database."""

import unicodedata

from lms.people.text import fold_for_search, normalize_text, vietnamese_sort_key


def test_decomposed_name_is_normalised_to_nfc_and_trimmed():
    nfd = unicodedata.normalize("NFD", "  Nguyễn   Thị Ánh Tuyết ")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert normalize_text(nfd) == "Nguyễn Thị Ánh Tuyết"


def test_search_folding_ignores_case_and_diacritics():
    assert fold_for_search("Đặng Gia Huy") == "dang gia huy"
    assert fold_for_search(unicodedata.normalize("NFD", "Luật An ninh mạng")) == (
        "luat an ninh mang"
    )


def test_names_sort_by_given_name_first():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Anh"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Nguyễn Thị An",
        "Lê Anh",
        "Trần Văn Bình",
    ]


def test_vietnamese_letters_follow_their_base_letter():
    # a < ă < â < b; d < đ < e; o < ô < ơ; u < ư
    names = ["Đào", "Dung", "Ân", "Ăn", "An", "Bé", "Ơn", "Ôn", "On", "Ưu", "Uy"]
    ordered = sorted(names, key=vietnamese_sort_key)
    assert ordered == [
        "An",
        "Ăn",
        "Ân",
        "Bé",
        "Dung",
        "Đào",
        "On",
        "Ôn",
        "Ơn",
        "Uy",
        "Ưu",
    ]


def test_tones_only_break_ties():
    names = ["Mã", "Má", "Ma", "Mà", "Mả", "Mạ", "Mai"]
    ordered = sorted(names, key=vietnamese_sort_key)
    assert ordered == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ", "Mai"]


def test_sort_key_is_plain_lowercase_ascii():
    key = vietnamese_sort_key("Nguyễn Thị Ánh Tuyết")
    assert key.isascii() and key.isalpha() and key == key.lower()
