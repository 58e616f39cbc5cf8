"""Deterministic evaluation data for name screening: entities, labelled pairs, 1 M names.

Everything is generated from a seed by code here, nothing is downloaded. The spelling
variants are produced by this module's own transcription rules (Latin -> Russian
Cyrillic, Latin -> Armenian script, Azerbaijani -> Russian, Russian -> several Latin
romanisations, keyboard typos), written independently of corridor's normaliser, which
goes the other way (any script -> Latin).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

ARMENIAN_GIVEN = [
    "Armen",
    "Aram",
    "Tigran",
    "Karen",
    "Levon",
    "Gagik",
    "Ashot",
    "Samvel",
    "Suren",
    "Vardan",
    "Davit",
    "Grigor",
    "Hovhannes",
    "Hakob",
    "Harutyun",
    "Sargis",
    "Gevorg",
    "Ghazar",
    "Poghos",
    "Mkrtich",
    "Khachatur",
    "Artur",
    "Arsen",
    "Hayk",
    "Narek",
    "Ruben",
    "Vahe",
    "Mher",
    "Artak",
    "Edgar",
    "Gor",
    "Norayr",
    "Vazgen",
    "Zaven",
    "Hamlet",
    "Hrant",
    "Vahan",
    "Sahak",
    "Hovsep",
    "Anahit",
    "Lusine",
    "Hasmik",
    "Narine",
    "Gohar",
    "Mariam",
    "Ani",
    "Sona",
    "Armine",
    "Siranush",
    "Tatevik",
    "Astghik",
]
ARMENIAN_SURNAMES = [
    "Hovhannisyan",
    "Hakobyan",
    "Harutyunyan",
    "Sargsyan",
    "Gevorgyan",
    "Ghazaryan",
    "Poghosyan",
    "Petrosyan",
    "Grigoryan",
    "Vardanyan",
    "Khachatryan",
    "Mkrtchyan",
    "Karapetyan",
    "Avetisyan",
    "Margaryan",
    "Manukyan",
    "Stepanyan",
    "Simonyan",
    "Davtyan",
    "Babayan",
    "Galstyan",
    "Aslanyan",
    "Movsisyan",
    "Sahakyan",
    "Asatryan",
    "Arakelyan",
    "Baghdasaryan",
    "Abrahamyan",
    "Tadevosyan",
    "Zakaryan",
    "Hovsepyan",
    "Hayrapetyan",
    "Mirzoyan",
    "Hambardzumyan",
    "Martirosyan",
    "Antonyan",
    "Melkonyan",
    "Nazaryan",
    "Ohanyan",
    "Kirakosyan",
    "Torosyan",
    "Yeghiazaryan",
    "Minasyan",
    "Safaryan",
    "Voskanyan",
    "Musheghyan",
    "Gasparyan",
    "Danielyan",
    "Sukiasyan",
]
AZERBAIJANI_GIVEN = [
    "Elnur",
    "Elçin",
    "Rəşad",
    "Vüqar",
    "Anar",
    "Tural",
    "Orxan",
    "Ramil",
    "Kamran",
    "Fərid",
    "Elvin",
    "Nicat",
    "Samir",
    "Rauf",
    "Cavid",
    "İlham",
    "Ramiz",
    "Natiq",
    "Hikmət",
    "Əli",
    "Məmməd",
    "Hüseyn",
    "Həsən",
    "Rəhim",
    "Səbuhi",
    "Zaur",
    "Emin",
    "Ceyhun",
    "Əfqan",
    "Şahin",
    "Leyla",
    "Günay",
    "Aynur",
    "Sevinc",
    "Aytən",
    "Nigar",
    "Könül",
    "Səbinə",
    "Lalə",
    "Nərmin",
    "Ülviyyə",
    "Xədicə",
    "Fidan",
    "Aysel",
    "Gülnar",
]
AZERBAIJANI_FEMALE = {
    "Leyla",
    "Günay",
    "Aynur",
    "Sevinc",
    "Aytən",
    "Nigar",
    "Könül",
    "Səbinə",
    "Lalə",
    "Nərmin",
    "Ülviyyə",
    "Xədicə",
    "Fidan",
    "Aysel",
    "Gülnar",
}
AZERBAIJANI_SURNAMES = [
    "Məmmədov",
    "Əliyev",
    "Hüseynov",
    "Həsənov",
    "Quliyev",
    "Hacıyev",
    "Abbasov",
    "İsmayılov",
    "Rzayev",
    "İbrahimov",
    "Əhmədov",
    "Mehdiyev",
    "Cəfərov",
    "Vəliyev",
    "Kərimov",
    "Nəsirov",
    "Süleymanov",
    "Babayev",
    "Mustafayev",
    "Heydərov",
    "Qasımov",
    "Xəlilov",
    "Bayramov",
    "Orucov",
    "Səfərov",
    "Novruzov",
    "Sadıqov",
    "Şükürov",
    "Zeynalov",
    "Rəhimov",
    "Allahverdiyev",
    "Nağıyev",
    "Qəhrəmanov",
    "Əsgərov",
    "Musayev",
    "Yusifov",
    "Bağırov",
    "Cavadov",
    "Tağıyev",
    "Məlikov",
]
RUSSIAN_GIVEN = [
    "Дмитрий",
    "Сергей",
    "Алексей",
    "Андрей",
    "Михаил",
    "Николай",
    "Владимир",
    "Евгений",
    "Игорь",
    "Олег",
    "Юрий",
    "Павел",
    "Виктор",
    "Константин",
    "Григорий",
    "Ярослав",
    "Илья",
    "Фёдор",
    "Кирилл",
    "Артём",
    "Вадим",
    "Роман",
    "Максим",
    "Денис",
]
RUSSIAN_FEMALE = [
    "Ирина",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Юлия",
    "Ксения",
    "Екатерина",
    "Анастасия",
    "Людмила",
]
RUSSIAN_SURNAMES = [
    "Волков",
    "Кузнецов",
    "Смирнов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Петров",
    "Васильев",
    "Зайцев",
    "Павлов",
    "Семёнов",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Воробьёв",
    "Фёдоров",
    "Михайлов",
    "Беляев",
    "Тарасов",
    "Белов",
    "Комаров",
    "Орлов",
    "Киселёв",
    "Макаров",
    "Андреев",
    "Ковалёв",
    "Ильин",
    "Гусев",
    "Титов",
    "Кузьмин",
    "Кудрявцев",
    "Баранов",
    "Куликов",
    "Алексеев",
    "Степанов",
    "Яковлев",
    "Сорокин",
    "Шубин",
    "Жуков",
    "Щукин",
    "Харитонов",
]
RUSSIAN_PATRONYMICS = [
    "Сергеевич",
    "Александрович",
    "Дмитриевич",
    "Владимирович",
    "Николаевич",
    "Игоревич",
    "Олегович",
    "Петрович",
    "Иванович",
    "Юрьевич",
    "Викторович",
    "Андреевич",
]
COMPANY_WORDS = [
    "Araz",
    "Araks",
    "Zangezur",
    "Syunik",
    "Meghri",
    "Kapan",
    "Goris",
    "Ordubad",
    "Julfa",
    "Sharur",
    "Nakhchivan",
    "Ganja",
    "Shamkir",
    "Lankaran",
    "Sevan",
    "Ararat",
    "Aragats",
    "Debed",
    "Vorotan",
    "Kura",
    "Absheron",
    "Shirvan",
    "Volga",
    "Ural",
    "Baikal",
    "Amur",
    "Neva",
    "Sibir",
    "Kama",
    "Orion",
    "Vega",
    "Altair",
    "Sirius",
    "Delta",
    "Omega",
    "Titan",
    "Atlas",
    "Polaris",
    "Zenit",
    "Arktika",
    "Yenisei",
    "Kolyma",
    "Pechora",
    "Terek",
    "Samur",
    "Kapaz",
    "Savalan",
    "Tufan",
    "Shahdag",
    "Murov",
    "Khazar",
    "Tavush",
    "Lori",
    "Dilijan",
    "Jermuk",
    "Agarak",
    "Masis",
    "Hrazdan",
    "Gyumri",
    "Vanadzor",
    "Talysh",
    "Quba",
]
GENERIC_WORDS = {
    "Logistics": ("Логистикс", "Լոջիստիքս"), "Trans": ("Транс", "Տրանս"),
    "Trade": ("Трейд", "Թրեյդ"), "Group": ("Групп", "Գրուպ"), "Metal": ("Металл", "Մետալ"),
    "Tech": ("Тех", "Տեխ"), "Electronics": ("Электроникс", "Էլեկտրոնիքս"),
    "Invest": ("Инвест", "Ինվեստ"), "Cargo": ("Карго", "Կարգո"), "Energy": ("Энерджи", "Էներջի"),
    "Export": ("Экспорт", "Էքսպորտ"), "Auto": ("Авто", "Ավտո"), "Supply": ("Саплай", "Սափլայ"),
}  # fmt: skip
LEGAL_FORMS = {
    "AM": ("LLC", "ՍՊԸ", "ООО", "CJSC", "ՓԲԸ"),
    "AZ": ("MMC", "LLC", "ООО", "QSC", "ASC"),
    "RU": ("ООО", "LLC", "OOO", "АО", "JSC"),
}
LEGAL_FORM_EQUIVALENTS = {
    "LLC": ("LLC", "MMC", "ООО", "ՍՊԸ", "Ltd"), "MMC": ("MMC", "LLC", "ООО"),
    "ООО": ("ООО", "LLC", "OOO"), "ՍՊԸ": ("ՍՊԸ", "LLC", "ООО"), "OOO": ("OOO", "LLC", "ООО"),
    "CJSC": ("CJSC", "ЗАО", "ՓԲԸ"), "ՓԲԸ": ("ՓԲԸ", "CJSC", "ЗАО"), "QSC": ("QSC", "CJSC", "ЗАО"),
    "ASC": ("ASC", "OJSC", "ОАО"), "АО": ("АО", "JSC", "AO"), "JSC": ("JSC", "АО", "AO"),
}  # fmt: skip


@dataclass(frozen=True)
class EvalEntity:
    entity_id: str
    schema: str
    names: tuple[str, ...]
    country: str
    birth_date: str | None = None


@dataclass(frozen=True)
class EvalPair:
    query_id: str
    query: str
    entity_id: str
    label: bool
    kind: str
    birth_date: str | None = None
    country: str | None = None


@dataclass
class EvalSet:
    entities: list[EvalEntity] = field(default_factory=list)
    pairs: list[EvalPair] = field(default_factory=list)


# --- transcription rules of the evaluation (independent of corridor.screening) ---------

_RU_FROM_LATIN = [
    ("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
    ("ya", "я"), ("yu", "ю"), ("ye", "е"), ("yo", "ё"), ("j", "дж"), ("x", "кс"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"),
    ("i", "и"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
    ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("y", "й"), ("c", "к"),
    ("q", "к"), ("w", "в"),
]  # fmt: skip
_AM_FROM_LATIN = [
    ("kh", "խ"), ("gh", "ղ"), ("ts", "ցծ"), ("dz", "ձ"), ("ch", "չճ"), ("sh", "շ"),
    ("zh", "ժ"), ("u", "ու"), ("a", "ա"), ("b", "բ"), ("g", "գ"), ("d", "դ"), ("e", "եէ"),
    ("z", "զ"), ("t", "տթ"), ("i", "ի"), ("l", "լ"), ("k", "կք"), ("h", "հ"), ("m", "մ"),
    ("y", "յ"), ("n", "ն"), ("o", "ո"), ("p", "պփ"), ("j", "ջ"), ("r", "րռ"), ("s", "ս"),
    ("v", "վ"), ("f", "ֆ"), ("c", "կ"), ("q", "ք"), ("x", "քս"), ("w", "վ"),
]  # fmt: skip
_AZ_TO_RU = {
    "ə": "ае", "ğ": "г", "ı": "ы", "ş": "ш", "ç": "ч", "c": "д", "x": "х", "q": "гк", "ö": "ёо",
    "ü": "юу", "h": "гх", "i": "и", "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г",
    "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с",
    "t": "т", "u": "у", "v": "в", "y": "й", "z": "з",
}  # fmt: skip
_AZ_TO_ASCII = {
    "ə": ("a", "e"), "ş": ("sh", "s"), "ç": ("ch", "c"), "ğ": ("gh", "g"), "ı": ("i",),
    "x": ("kh", "x", "h"), "q": ("g", "q"), "c": ("j", "c", "dzh"), "ö": ("o", "yo"),
    "ü": ("u", "yu"), "i̇": ("i",),
}  # fmt: skip
_RU_TO_LATIN = {
    "bgn": dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", [
        "a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
        "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
        "yu", "ya"], strict=True)),
    "iso": dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", [
        "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "j", "k", "l", "m", "n", "o",
        "p", "r", "s", "t", "u", "f", "h", "c", "ch", "sh", "shh", "", "y", "", "e",
        "ju", "ja"], strict=True)),
    "german": dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", [
        "a", "b", "w", "g", "d", "e", "jo", "sch", "s", "i", "j", "k", "l", "m", "n", "o",
        "p", "r", "s", "t", "u", "f", "ch", "z", "tsch", "sch", "schtsch", "", "y", "", "e",
        "ju", "ja"], strict=True)),
}  # fmt: skip
_QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def latin_to_russian(word: str, rng: random.Random, armenian: bool) -> str:
    text, out, i = word.lower(), [], 0
    while i < len(text):
        if armenian and text[i] == "h" and text[i : i + 2] not in ("kh", "gh", "sh", "zh", "ch"):
            out.append(rng.choice(("", "г", "х")) if i else "")
            i += 1
            continue
        if armenian and text.startswith("gh", i):
            out.append(rng.choice("гк"))
            i += 2
            continue
        for latin, cyrillic in _RU_FROM_LATIN:
            if text.startswith(latin, i):
                out.append(_devoice(cyrillic, text, i + len(latin), rng) if armenian else cyrillic)
                i += len(latin)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out).capitalize()


def _devoice(letter: str, text: str, after: int, rng: random.Random) -> str:
    """Russian renderings of Armenian names often devoice g, b, d before y or a consonant."""
    nxt = text[after : after + 1]
    if letter in "гбд" and nxt and nxt not in "aeiou" and rng.random() < 0.5:
        return {"г": "к", "б": "п", "д": "т"}[letter]
    return letter


def latin_to_armenian(word: str, rng: random.Random) -> str:
    text, out, i = word.lower(), [], 0
    if text.startswith("ye"):
        out, i = ["ե"], 2
    elif text.startswith("vo"):
        out, i = ["ո"], 2
    elif text.startswith("o"):
        out, i = ["օ"], 1
    while i < len(text):
        for latin, armenian in _AM_FROM_LATIN:
            if text.startswith(latin, i):
                out.append(armenian if latin == "u" or len(armenian) == 1 else rng.choice(armenian))
                i += len(latin)
                break
        else:
            out.append(text[i])
            i += 1
    spelled = "".join(out)
    return spelled[:1].upper() + spelled[1:]


def azerbaijani_to_russian(word: str, rng: random.Random) -> str:
    text = word.lower().replace("i̇", "i")
    text = text.replace("ya", "я").replace("yu", "ю").replace("ye", "е").replace("c", "дж")
    out = [rng.choice(_AZ_TO_RU[ch]) if ch in _AZ_TO_RU else ch for ch in text]
    return "".join(out).capitalize()


def azerbaijani_to_ascii(word: str, rng: random.Random) -> str:
    text = word.replace("İ", "I").replace("i̇", "i")
    out = [
        rng.choice(_AZ_TO_ASCII[ch.lower()]) if ch.lower() in _AZ_TO_ASCII else ch for ch in text
    ]
    return "".join(out).capitalize()


def russian_to_latin(word: str, system: str) -> str:
    table = _RU_TO_LATIN[system]
    return "".join(table.get(ch, ch) for ch in word.lower()).capitalize()


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    operation = rng.choice(("delete", "transpose", "double", "substitute"))
    if operation == "delete":
        return word[:i] + word[i + 1 :]
    if operation == "transpose":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if operation == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + _neighbour(word[i], rng) + word[i + 1 :]


def _neighbour(ch: str, rng: random.Random) -> str:
    for row in _QWERTY:
        j = row.find(ch.lower())
        if j >= 0:
            options = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
            return rng.choice(options)
    return ch


# --- entities and labelled pairs ----------------------------------------------------------


def _birth_date(rng: random.Random) -> str:
    return f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _female_surname(surname: str, russian: bool) -> str:
    return surname + "а" if russian else surname + "a"


def _armenian_person(n: int, rng: random.Random) -> tuple[EvalEntity, list[str]]:
    given, family = rng.choice(ARMENIAN_GIVEN), rng.choice(ARMENIAN_SURNAMES)
    latin = f"{given} {family}"
    native = f"{latin_to_armenian(family, rng)} {latin_to_armenian(given, rng)}"
    entity = EvalEntity(f"am-{n}", "Person", (latin, native), "AM", _birth_date(rng))
    variants = [
        f"{latin_to_russian(family, rng, True)} {latin_to_russian(given, rng, True)}",
        f"{family} {typo(given, rng)}",
        f"{typo(family, rng)} {given}",
        f"{latin_to_armenian(given, rng)} {latin_to_armenian(family, rng)}",
        f"{latin_to_russian(given, rng, True)} {typo(latin_to_russian(family, rng, True), rng)}",
    ]
    return entity, variants


def _azerbaijani_person(n: int, rng: random.Random) -> tuple[EvalEntity, list[str]]:
    given, family = rng.choice(AZERBAIJANI_GIVEN), rng.choice(AZERBAIJANI_SURNAMES)
    if given in AZERBAIJANI_FEMALE:
        family = _female_surname(family, russian=False)
    father = rng.choice([g for g in AZERBAIJANI_GIVEN if g not in AZERBAIJANI_FEMALE])
    marker = "qızı" if given in AZERBAIJANI_FEMALE else "oğlu"
    native = f"{family} {given} {father} {marker}"
    ascii_name = f"{azerbaijani_to_ascii(given, rng)} {azerbaijani_to_ascii(family, rng)}"
    entity = EvalEntity(f"az-{n}", "Person", (native, ascii_name), "AZ", _birth_date(rng))
    ru_marker = "кызы" if given in AZERBAIJANI_FEMALE else "оглы"
    variants = [
        f"{azerbaijani_to_russian(family, rng)} {azerbaijani_to_russian(given, rng)} "
        f"{azerbaijani_to_russian(father, rng)} {ru_marker}",
        f"{azerbaijani_to_ascii(family, rng)} {azerbaijani_to_ascii(given, rng)}",
        f"{typo(azerbaijani_to_ascii(given, rng), rng)} {azerbaijani_to_ascii(family, rng)}",
        f"{azerbaijani_to_russian(given, rng)} {azerbaijani_to_russian(family, rng)}",
        f"{given} {typo(family, rng)}",
    ]
    return entity, variants


def _russian_person(n: int, rng: random.Random) -> tuple[EvalEntity, list[str]]:
    female = rng.random() < 0.3
    given = rng.choice(RUSSIAN_FEMALE if female else RUSSIAN_GIVEN)
    family = rng.choice(RUSSIAN_SURNAMES)
    patronymic = rng.choice(RUSSIAN_PATRONYMICS)
    if female:
        family, patronymic = family + "а", patronymic[:-2] + "на"
    native = f"{family} {given} {patronymic}"
    latin = f"{russian_to_latin(given, 'bgn')} {russian_to_latin(family, 'bgn')}"
    entity = EvalEntity(f"ru-{n}", "Person", (native, latin), "RU", _birth_date(rng))
    variants = [
        f"{russian_to_latin(given, 'german')} {russian_to_latin(family, 'german')}",
        f"{russian_to_latin(family, 'iso')} {russian_to_latin(given, 'iso')}",
        f"{given} {typo(family, rng)}",
        f"{typo(russian_to_latin(family, 'bgn'), rng)} {russian_to_latin(given, 'bgn')}",
        f"{family} {given}",
    ]
    return entity, variants


def _company(n: int, rng: random.Random) -> tuple[EvalEntity, list[str]]:
    country = rng.choice(("AM", "AZ", "RU"))
    word, generic = rng.choice(COMPANY_WORDS), rng.choice(list(GENERIC_WORDS))
    form = rng.choice(LEGAL_FORMS[country])
    name = f"{word} {generic} {form}"
    russian, armenian = GENERIC_WORDS[generic]
    word_ru = latin_to_russian(word, rng, False)
    cyr = f"{rng.choice(LEGAL_FORM_EQUIVALENTS[form])} «{word_ru} {russian}»"
    entity = EvalEntity(f"co-{n}", "Company", (name,), country)
    variants = [
        cyr,
        f"{latin_to_armenian(word, rng)} {armenian} {rng.choice(LEGAL_FORM_EQUIVALENTS[form])}",
        f"{typo(word, rng)} {generic} {rng.choice(LEGAL_FORM_EQUIVALENTS[form])}",
        f"{word}{generic} {form}",
        f'"{word.upper()} {generic.upper()}"',
    ]
    return entity, variants


def _negatives(entity: EvalEntity, rng: random.Random) -> list[tuple[str, str]]:
    """Names of other parties that share a surname, a given name or a company word."""
    if entity.schema == "Company":
        word, generic = entity.names[0].split()[:2]
        other_word = rng.choice([w for w in COMPANY_WORDS if w != word])
        other_generic = rng.choice([g for g in GENERIC_WORDS if g != generic])
        return [
            ("company-other-word", f"{other_word} {generic} {entity.names[0].split()[-1]}"),
            ("company-other-generic", f"{word} {other_generic}"),
        ]
    given, family = _given_and_family(entity)
    pool = {"am": ARMENIAN_GIVEN, "az": AZERBAIJANI_GIVEN, "ru": RUSSIAN_GIVEN + RUSSIAN_FEMALE}
    surnames = {"am": ARMENIAN_SURNAMES, "az": AZERBAIJANI_SURNAMES, "ru": RUSSIAN_SURNAMES}
    nationality = entity.entity_id[:2]
    other_given = rng.choice([g for g in pool[nationality] if g != given])
    other_family = rng.choice([s for s in surnames[nationality] if not family.startswith(s)])
    return [
        ("person-same-surname", f"{other_given} {family}"),
        ("person-same-given-name", f"{given} {other_family}"),
    ]


def _given_and_family(entity: EvalEntity) -> tuple[str, str]:
    parts = entity.names[0].split()
    if entity.entity_id.startswith("am"):
        return parts[0], parts[1]
    return parts[1], parts[0]


_KINDS = {
    "am": ("am-cyrillic", "am-given-typo", "am-surname-typo", "am-script-reordered",
           "am-cyrillic-typo"),
    "az": ("az-cyrillic-patronymic", "az-ascii-reordered", "az-ascii-typo", "az-cyrillic",
           "az-surname-typo"),
    "ru": ("ru-german", "ru-iso-reordered", "ru-surname-typo", "ru-bgn-typo", "ru-no-patronymic"),
    "co": ("company-cyrillic", "company-armenian", "company-typo", "company-merged",
           "company-quoted-upper"),
}  # fmt: skip
_MAKERS = (
    (120, _armenian_person),
    (120, _azerbaijani_person),
    (80, _russian_person),
    (120, _company),
)


def evaluation_set(seed: int = 2026) -> EvalSet:
    """About 440 entities and 1,300 labelled pairs (≈ 880 true, ≈ 440 hard negatives)."""
    rng = random.Random(seed)
    data = EvalSet()
    for count, maker in _MAKERS:
        for n in range(count):
            entity, variants = maker(n, rng)
            data.entities.append(entity)
            _add_pairs(data, entity, variants, rng)
    return data


def _add_pairs(data: EvalSet, entity: EvalEntity, variants: list[str], rng: random.Random) -> None:
    kinds = _KINDS[entity.entity_id[:2]]
    chosen = rng.sample(range(len(variants)), 2)
    for i in chosen:
        dob = entity.birth_date if entity.birth_date and rng.random() < 0.3 else None
        pair_id = f"{entity.entity_id}-p{i}"
        data.pairs.append(EvalPair(pair_id, variants[i], entity.entity_id, True, kinds[i], dob))
    negatives = _negatives(entity, rng)
    kind, name = negatives[rng.randrange(len(negatives))]
    dob = _birth_date(rng) if entity.birth_date and rng.random() < 0.3 else None
    data.pairs.append(EvalPair(f"{entity.entity_id}-n", name, entity.entity_id, False, kind, dob))


# --- a million synthetic names ----------------------------------------------------------

_SYLLABLES = [
    "ka",
    "ra",
    "mi",
    "to",
    "su",
    "ne",
    "lo",
    "vi",
    "da",
    "ge",
    "zo",
    "ba",
    "ri",
    "tu",
    "sa",
    "me",
    "no",
    "pa",
    "li",
    "ko",
    "ha",
    "ve",
    "ja",
    "zu",
    "ti",
    "mo",
    "dar",
    "gan",
    "sur",
    "tev",
    "lin",
    "mar",
    "kor",
    "san",
    "vel",
    "tam",
    "bor",
    "zel",
    "rus",
    "gor",
    "nat",
    "dav",
    "ash",
    "ser",
    "vak",
    "nur",
    "xan",
    "bek",
    "ali",
    "rza",
    "ham",
    "far",
    "lev",
    "vor",
    "tik",
    "yan",
    "ov",
    "ev",
    "in",
    "li",
    "zade",
    "shvili",
    "enko",
    "uk",
]


def synthetic_names(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(schema, name) pairs: pool names recombined, syllable names, companies, scripts mixed."""
    rng = random.Random(seed)
    surnames = (
        ARMENIAN_SURNAMES
        + AZERBAIJANI_SURNAMES
        + [russian_to_latin(s, "bgn") for s in RUSSIAN_SURNAMES]
    )
    given = ARMENIAN_GIVEN + AZERBAIJANI_GIVEN + [russian_to_latin(g, "bgn") for g in RUSSIAN_GIVEN]
    out: list[tuple[str, str]] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.15:
            form = rng.choice(("LLC", "MMC", "ООО", "JSC", "CJSC"))
            out.append(
                ("Company", f"{_pseudo(rng).capitalize()} {rng.choice(list(GENERIC_WORDS))} {form}")
            )
        elif roll < 0.45:
            name = f"{rng.choice(given)} {_pseudo(rng).capitalize()}{rng.choice(('yan', 'ov', 'ev', 'in', 'li'))}"  # noqa: E501
            out.append(("Person", _maybe_cyrillic(name, rng)))
        elif roll < 0.6:
            out.append(
                ("Person", _maybe_cyrillic(f"{rng.choice(given)} {rng.choice(surnames)}", rng))
            )
        else:
            parts = [_pseudo(rng).capitalize() for _ in range(rng.choice((2, 2, 3)))]
            out.append(("Person", _maybe_cyrillic(" ".join(parts), rng)))
    return out


def _pseudo(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))


def _maybe_cyrillic(name: str, rng: random.Random) -> str:
    if rng.random() < 0.25:
        return " ".join(latin_to_russian(w, rng, False) for w in name.split())
    return name
