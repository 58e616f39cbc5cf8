"""Name families whose spellings drift further apart than the phonetic key can fold.

Russian renders the Armenian հ (h) as г, х or nothing, and the Armenian -ով- cluster as
-ов- or -ог-: Hovhannisyan, Оганесян and Ованесян are one surname; Mher is Мгер; Vahe
is Ваге. Azerbaijani names borrowed from Arabic have several Russian and Latin forms
(Məhəmməd, Магомед, Mohammed). Each group below is one family; a token whose phonetic
key is in a group agrees with every other member of it (like a matching key).

The table holds transcription variants only, never translations (Hakob is not Jacob):
a translation is a different name for screening purposes unless a list says otherwise
in an alias.
"""

from __future__ import annotations

from functools import cache, lru_cache

_GROUPS: tuple[tuple[str, ...], ...] = (
    # Armenian surnames
    ("Hovhannisyan", "Оганесян", "Ованесян", "Оганнисян", "Ованнисян", "Hovannisian", "Oganesyan"),
    ("Hovsepyan", "Овсепян", "Hovsepian", "Ovsepyan"),
    ("Harutyunyan", "Арутюнян", "Harutiunian", "Arutyunyan"),
    ("Hayrapetyan", "Айрапетян", "Hairapetian", "Ayrapetyan"),
    ("Sahakyan", "Саакян", "Sahakian", "Saakyan"),
    ("Sargsyan", "Саркисян", "Sarkissian", "Sarkisyan", "Sargsian"),
    ("Movsisyan", "Мовсесян", "Movsesian", "Movsesyan"),
    ("Mkhitaryan", "Мхитарян", "Mkhitarian"),
    ("Vahanyan", "Ваганян", "Vaganyan"),
    ("Hambardzumyan", "Амбарцумян", "Ambartsumian", "Hambartsumian"),
    ("Hovakimyan", "Овакимян", "Hovakimian"),
    ("Mheryan", "Мгерян", "Mgeryan"),
    ("Abrahamyan", "Абраамян", "Абрамян", "Abramyan", "Abrahamian"),
    # Armenian given names
    ("Hovhannes", "Ованес", "Оганес", "Hovannes", "Ohannes", "Ovanes", "Oganes"),
    ("Hovsep", "Овсеп", "Ovsep"),
    ("Hayk", "Айк", "Haik", "Ayk"),
    ("Hrant", "Грант", "Hrand", "Grant"),
    ("Hrach", "Грач", "Рачик", "Hrachik"),
    ("Hripsime", "Рипсиме", "Ripsime"),
    ("Harutyun", "Арутюн", "Haroutioun", "Arutyun"),
    ("Hamlet", "Гамлет", "Gamlet"),
    ("Hmayak", "Амаяк", "Amayak"),
    ("Mher", "Мгер", "Mger"),
    ("Vahe", "Ваге", "Vage"),
    ("Vahan", "Ваган", "Vagan"),
    ("Sahak", "Саак", "Saak"),
    ("Gohar", "Гоар", "Goar"),
    ("Zohrab", "Зограб", "Zograb"),
    ("Khachatur", "Хачатур", "Khachatour", "Xachatur"),
    ("Mkrtich", "Мкртич", "Mkrtych", "Mgerdich"),
    # Azerbaijani names of Arabic and Persian origin
    ("Məhəmməd", "Магомед", "Мухаммед", "Muhammad", "Mohammed", "Mahammad", "Magomed"),
    ("Məmməd", "Мамед", "Mammad", "Mamed"),
    ("Hüseyn", "Гусейн", "Хусейн", "Huseyn", "Hussein", "Guseyn"),
    ("Həsən", "Гасан", "Хасан", "Hasan", "Gasan", "Hassan"),
    ("İbrahim", "Ибрагим", "Ibrahim", "Ibragim"),
    ("İbrahimov", "Ибрагимов", "Ibrahimov", "Ibragimov"),
    ("Əhməd", "Ахмед", "Ahmad", "Akhmed", "Ahmed"),
    ("Əhmədov", "Ахмедов", "Ahmadov", "Akhmedov", "Ahmedov"),
    ("Mehdiyev", "Мехтиев", "Mekhtiyev", "Mehdiev"),
    ("Hacıyev", "Гаджиев", "Hajiyev", "Gadzhiyev", "Gadjiev"),
    ("Heydərov", "Гейдаров", "Heydarov", "Geydarov"),
    ("İlham", "Ильгам", "Ilham", "Ilgam"),
    ("Vüqar", "Вугар", "Vugar", "Vuqar"),
    ("Hikmət", "Хикмет", "Hikmat", "Khikmet"),
    ("Şahin", "Шахин", "Shahin", "Sahin"),
    ("Ağa", "Ага", "Agha", "Aga"),
)  # fmt: skip

# Generic words of company names as Russian and Armenian write them (Энерджи, Սափլայ):
# a transcription of the English word, so one family, and a generic word (low weight).
_BUSINESS_WORDS: tuple[tuple[str, ...], ...] = (
    ("Logistics", "Logistic", "Logistik", "Логистикс", "Логистик", "Լոջիստիքս", "Lojistik"),
    ("Trade", "Treyd", "Trading", "Трейд", "Трейдинг", "Թրեյդ"),
    ("Group", "Grup", "Grupp", "Групп", "Груп", "Գրուպ"),
    ("Metal", "Metall", "Металл", "Մետալ"),
    ("Tech", "Tekh", "Тех", "Тек", "Տեխ"),
    ("Electronics", "Elektroniks", "Электроникс", "Էլեկտրոնիքս", "Electronic"),
    ("Energy", "Enerji", "Energi", "Enerdzhi", "Энерджи", "Էներջի"),
    ("Supply", "Saplay", "Саплай", "Սափլայ"),
    ("Auto", "Avto", "Авто", "Ավտո"),
    ("Cargo", "Kargo", "Карго", "Կարգո"),
    ("Export", "Eksport", "Экспорт", "Էքսպորտ"),
    ("Invest", "Инвест", "Ինվեստ"),
    ("Service", "Servis", "Сервис", "Սերվիս"),
    ("Holding", "Kholding", "Холдинг", "Հոլդինգ"),
)  # fmt: skip


@cache
def variant_groups() -> dict[str, int]:
    """Phonetic key -> group number. Built on first use (keys need the analyser)."""
    from corridor.screening.names import phonetic_key, split_words
    from corridor.screening.translit import transliterate_word

    table: dict[str, int] = {}
    for number, group in enumerate(_GROUPS + _BUSINESS_WORDS):
        for spelling in group:
            for word in split_words(spelling):
                table.setdefault(phonetic_key(transliterate_word(word)), number)
    return table


def is_business_word(symbol: str | None) -> bool:
    """Whether a token's family (see `symbol_of`) is one of the generic company words."""
    return symbol is not None and symbol.isdigit() and int(symbol) >= len(_GROUPS)


# Phonetic keys of the surname endings built on a given name: -ov/-ova, -yev/-yeva,
# -yan/-ian, -li/-lu (Həsənov, Гасанов and Hasanov share the stem Həsən).
_SUFFIX_KEYS = ("ofa", "afa", "of", "af", "an", "li", "lu")


@lru_cache(maxsize=1 << 16)
def symbol_of(key: str) -> str | None:
    """The family a token's key belongs to ("12", or "12+of" for a derived surname)."""
    groups = variant_groups()
    group = groups.get(key)
    if group is not None:
        return str(group)
    for suffix in _SUFFIX_KEYS:
        stem = key[: -len(suffix)]
        if key.endswith(suffix) and len(stem) >= 3 and stem in groups:
            return f"{groups[stem]}+{suffix}"
    return None
