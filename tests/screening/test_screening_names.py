from __future__ import annotations

from itertools import pairwise

import pytest

from corridor.screening.legal_forms import CJSC, JSC, LLC, OJSC
from corridor.screening.names import analyse_name, phonetic_key
from corridor.screening.scoring import names_agreement
from corridor.screening.translit import transliterate_word


@pytest.mark.parametrize(
    ("word", "latin"),
    [
        ("հովհաննիսյան", "hovhannisyan"),
        ("հարությունյան", "harutyunyan"),
        ("երևան", "yerevan"),
        ("ոսկանյան", "voskanyan"),
        ("մկրտչյան", "mkrtchyan"),
        ("оганесян", "oganesyan"),
        ("алиев", "aliyev"),
        ("щукин", "shchukin"),
        ("объезд", "obyezd"),
        ("ещё", "yeshchyo"),
        ("семенов", "semenov"),
        ("məmmədov", "mammadov"),
        ("cəfərov", "jafarov"),
        ("xəlilov", "khalilov"),
        ("qasımov", "gasimov"),
        ("şahin", "shahin"),
        ("müller", "muller"),
    ],
)
def test_transliteration_to_passport_latin(word: str, latin: str) -> None:
    assert transliterate_word(word) == latin


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Hakobyan", "Акопян"),
        ("Gevorgyan", "Геворкян"),
        ("Hambardzumyan", "Амбарцумян"),
        ("Ghazaryan", "Казарян"),
        ("Aliyev", "Алиев"),
        ("Əliyev", "Aliyev"),
        ("Cəfərov", "Джафаров"),
        ("Qasımov", "Гасымов"),
        ("Xəlilov", "Халилов"),
        ("Hovhannisyan", "Ованнисян"),
        ("Hovhannisian", "Հովհաննիսյան"),
    ],
)
def test_phonetic_keys_meet_across_scripts(first: str, second: str) -> None:
    assert analyse_name(first).keys == analyse_name(second).keys


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Оганесян Армен", "Հովհաննիսյան Արմեն"),
        ("Hovhannisyan Armen", "Оганесян Армен"),
        ("Mammadov Elnur", "Мамедов Эльнур"),
        ("Məmmədov Elnur", "Mamedov Elnur"),
        ("Гусейнов Вугар", "Hüseynov Vüqar"),
        ("Sargsyan Gagik", "Саркисян Гагик"),
        ("Tigran Gevorgyan", "Գևորգյան Տիգրան"),
        ("Leyla Aliyeva", "Алиева Лейла"),
    ],
)
def test_same_person_across_scripts_agrees_strongly(query: str, listed: str) -> None:
    assert names_agreement(analyse_name(query), analyse_name(listed)).score >= 0.85


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Hovhannisyan Aram", "Hovhannisyan Armen"),
        ("Mammadov Ali", "Mammadov Ela"),
        ("Petrosyan Ashot", "Hakobyan Ashot"),
        ("Zangezur Logistics LLC", "Araz Logistics LLC"),
        ("Sergei Petrov", "Petrova Svetlana"),
    ],
)
def test_shared_surname_or_company_word_stays_below_review(query: str, listed: str) -> None:
    assert names_agreement(analyse_name(query), analyse_name(listed)).score < 0.7


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Natiq Kərimov", "Kərimov Əfqan Natiq oğlu"),  # the father's name is not his name
        ("Araz Trade", "Araz Logistics LLC"),  # one place name, another trade
        ("Sibir Auto", "Sibir Energy QSC"),
    ],
)
def test_father_name_or_other_trade_stays_below_review(query: str, listed: str) -> None:
    assert names_agreement(analyse_name(query), analyse_name(listed)).score < 0.7


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Julija Worobjowa", "Yuliya Vorobyova"),  # German / ISO j for й
        ("Ewgenij Kudrjawzew", "Evgeniy Kudryavtsev"),  # German z for ц
        ("Արագած Սափլայ ООО", "Aragats Supply LLC"),  # transcribed business words
        ("ЗАО «Тавуш Энерджи»", "Tavush Energy QSC"),
        ("DebedTech OOO", "Debed Tech OOO"),  # written together
        ("Kərimov Əfqan Natiq", "Kərimov Əfqan Natiq oğlu"),  # unmarked father's name
    ],
)
def test_romanisations_and_transcribed_business_words_agree(query: str, listed: str) -> None:
    assert names_agreement(analyse_name(query), analyse_name(listed)).score >= 0.85


@pytest.mark.parametrize(
    ("name", "tokens", "form"),
    [
        ("Araz Logistik MMC", ("araz", "logistik"), LLC),
        ("ООО «Араз Логистик»", ("araz", "logistik"), LLC),
        ("«Զանգեզուր Տրանս» ՍՊԸ", ("zangezur", "trans"), LLC),
        ("«Սևան» ՓԲԸ", ("sevan",), CJSC),
        ("Naxçıvan Metal QSC", ("nakhchivan", "metal"), CJSC),
        ("Azərsu ASC", ("azarsu",), OJSC),
        ("ОАО Минская Оптоэлектроника", ("minskaya", "optoelektronika"), OJSC),
        ("ЗАО Нахчыван Металл", ("nakhchivan", "metall"), CJSC),
        ("L.L.C. Zangezur", ("zangezur",), LLC),
        ("Bosphorus A.Ş.", ("bosphorus",), JSC),
        ("OOO Araks", ("araks",), LLC),
    ],
)
def test_legal_forms_are_recognised_and_removed(
    name: str, tokens: tuple[str, ...], form: str
) -> None:
    analysed = analyse_name(name)
    assert analysed.tokens == tokens
    assert analysed.legal_forms == (form,)


def test_a_legal_form_alone_stays_the_name() -> None:
    assert analyse_name("Limited").tokens == ("limited",)


def test_azerbaijani_patronymic_marker_is_dropped_and_patronymic_weighs_less() -> None:
    form = analyse_name("Məmmədov Elnur Hüseyn oğlu")
    assert form.tokens == ("mammadov", "elnur", "huseyn")
    assert form.weights[2] < form.weights[0]


def test_russian_patronymic_weighs_less() -> None:
    form = analyse_name("Волков Дмитрий Сергеевич")
    assert form.tokens == ("volkov", "dmitriy", "sergeyevich")
    assert form.weights == (1.0, 1.0, form.weights[2])
    assert form.weights[2] < 1.0


def test_missing_patronymic_costs_little() -> None:
    full = analyse_name("Мамедов Эльнур Гусейн оглы")
    short = analyse_name("Elnur Mammadov")
    assert names_agreement(short, full).score >= 0.85


def test_phonetic_key_folds_voicing_and_doubles() -> None:
    assert phonetic_key("mammadov") == phonetic_key("mamedov")
    assert phonetic_key("sargsyan") != phonetic_key("sarkisyan")


def test_phonetic_key_keeps_one_letter_of_every_run() -> None:
    # Runs are folded after the letters are; letters a key keeps as they are (a, i, l,
    # m, ...) show the rule plainly.
    assert phonetic_key("aaalllmma") == "alma"
    assert phonetic_key("immii") == "imi"
    assert phonetic_key("hasratyan") == phonetic_key("hassrattyan")
    for word in ("a", "ll", "lila", "mmmmmm", "allaalla"):
        key = phonetic_key(word)
        assert all(first != second for first, second in pairwise(key))
