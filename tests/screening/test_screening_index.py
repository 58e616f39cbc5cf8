from __future__ import annotations

import random
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from corridor.screening.blocking import SMALL_CANDIDATES, Blocking, _best
from corridor.screening.columns import crc32_rows
from corridor.screening.entity import WatchEntity, parse_identifier
from corridor.screening.index import NameIndex
from corridor.screening.matcher import screen
from corridor.screening.names import analyse_name
from corridor.screening.nearkeys import DeletionTable, KeyScan, deletions
from corridor.screening.scan_blocking import ScanBlocking
from corridor.screening.scoring import Query

REVIEW = 0.7
_SYLLABLES = ["ka", "ra", "mi", "to", "su", "ne", "lo", "vi", "da", "ge", "dar", "gan", "sur",
              "tev", "lin", "mar", "kor", "san", "vel", "tam", "yan", "ov", "li"]  # fmt: skip


def _crowd(count: int, seed: int = 3) -> list[WatchEntity]:
    """Invented people, many sharing a given name with a listed one, and namesakes of the
    listed ones that differ in a letter or two."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3, 3)))).title()

    people = [f"{word()} {word()}" for _ in range(count)]
    # Common given names, so that no listed name is found through a rare word alone.
    people += [f"{given} {word()}" for given in ("Vardan", "Евгений") for _ in range(40)]
    people += [f"Vardan {s}" for s in ("Khachatur", "Khachaturov", "Kachatryan", "Khachatrov",
                                       "Khachikyan", "Khachmanyan", "Khatchadour")]  # fmt: skip
    people += [f"{g} Petrosyan" for g in ("Aram", "Karen", "Ashot", "Tigran", "Levon")]
    return [WatchEntity(f"crowd-{i}", "Person", (n,), "crowd") for i, n in enumerate(people)]


LISTED = [
    WatchEntity("khachatryan", "Person", ("Vardan Khachatryan", "Վարդան Խաչատրյան"), "t"),
    WatchEntity("petrosyan", "Person", ("Armen Petrosyan",), "t"),
    WatchEntity("karimov", "Person", ("Kərimov Əfqan Natiq oğlu", "Efqan Karimov"), "t"),
    WatchEntity("araz", "Company", ("Araz Logistics LLC",), "t"),
    WatchEntity("zangezur", "Company", ("Zangezur Trans LLC",), "t",
                identifiers=(parse_identifier("inn:7701234567"),)),  # type: ignore[arg-type]
    WatchEntity("kudryavtsev", "Person", ("Кудрявцев Евгений Дмитриевич",), "t"),
]  # fmt: skip


@pytest.fixture(scope="module")
def crowded() -> NameIndex:
    return NameIndex(_crowd(3000) + LISTED)


def _ids(index: NameIndex, name: str, threshold: float = REVIEW) -> list[str]:
    return [m.entity.entity_id for m in screen(index, Query(analyse_name(name)), threshold)]


def test_crc32_of_rows_is_zlib_crc32() -> None:
    words = [b"kaCatran", b"\xd5\xa1bcdefg", b"\x00\xff\x10\x20\x30\x40\x50\x60"]
    rows = np.frombuffer(b"".join(words), dtype=np.uint8).reshape(3, 8)
    assert crc32_rows(rows).tolist() == [zlib.crc32(w) for w in words]


def test_deletions_go_two_deep_from_five_bytes() -> None:
    assert max(deletions(b"kaCatran").values()) == 2
    assert max(deletions(b"arman").values()) == 2
    assert max(deletions(b"aram").values()) == 1
    assert deletions(b"an") == {b"an": 0}


def test_deletion_table_reports_the_indel_distance() -> None:
    keys = [b"kaCatran", b"kaCtaram", b"petrosan", b"arman", b"armin", b"aram"]
    table = DeletionTable.build(keys)
    (near_ids, near_distances), (short_ids, short_distances) = table.lookup([b"kaCtaram", b"arman"])
    found = dict(zip(near_ids.tolist(), near_distances.tolist(), strict=True))
    assert found == {0: 4, 1: 0}  # a transposition and a substitution: two deletions a side
    # Two short keys meet up to Indel 2 (a substitution), so Aram (Indel 3) does not.
    assert dict(zip(short_ids.tolist(), short_distances.tolist(), strict=True)) == {3: 0, 4: 2}


def test_a_scan_of_few_keys_meets_the_keys_the_deletion_table_meets() -> None:
    # Short and long keys over a small alphabet, so that many are near one another,
    # with multi-byte letters and the empty key; the table and the scan must agree.
    rng = random.Random(11)
    letters = [b"a", b"k", b"r", b"s", b"t", b"n", b"C", b"J", "ə".encode(), "ш".encode()]

    def key() -> bytes:
        return b"".join(
            rng.choice(letters) for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 7, 8, 11)))
        )

    listed = list(dict.fromkeys(key() for _ in range(400)))
    queries = [key() for _ in range(300)] + listed[:50]
    table, scan = DeletionTable.build(listed), KeyScan(listed)
    for (keys, distances), (scanned, scanned_distances) in zip(
        table.lookup(queries), scan.lookup(queries), strict=True
    ):
        assert keys.tolist() == scanned.tolist()
        assert distances.tolist() == scanned_distances.tolist()
    assert sum(len(k) for k, _ in scan.lookup(queries)) > len(queries)  # many meet
    assert [scan.exact(k) for k in listed[:5]] == [[0], [1], [2], [3], [4]]


def test_an_index_of_few_keys_shortlists_as_one_of_many(monkeypatch: pytest.MonkeyPatch) -> None:
    # Few keys and names: plain Python lists and a scan of the keys. More names: numpy's
    # columns with the scan. More keys: numpy's columns with the deletion table. The
    # three must bring in the same names in the same order.
    one_word = ("Araz", "Zangezur", "Vardan", "Sibir", "Petrosyan", "Petrosya", "Petros",
                "Kudryavtsev", "Tigran")  # fmt: skip
    entities = _crowd(40) + LISTED + [WatchEntity(n, "Company", (n,), "t") for n in one_word]
    python_lists = NameIndex(entities)
    monkeypatch.setattr("corridor.screening.scan_blocking.SCAN_NAMES", 0)
    scanned = NameIndex(entities)
    monkeypatch.setattr("corridor.screening.nearkeys.SCAN_KEYS", 0)
    tabled = NameIndex(entities)
    assert isinstance(python_lists._blocking, ScanBlocking)
    assert isinstance(scanned._blocking, Blocking)
    assert isinstance(scanned._blocking.near_finder, KeyScan)
    assert isinstance(tabled._blocking.near_finder, DeletionTable)
    rng = random.Random(5)
    names = [n for e in entities for n in e.names]
    queries = ["Хачтарям Вардан", "Aram Petrosyan", "Zangezurtrans", "Ewgenij Kudrjawzwe",
               "Araz Trade", "Natiq Kərimov", "Vardan", "Kudrjawzew J.", "Зангезур", "",
               "Araz Petrosyan", "Sibirr Vardan Tigran", "Petrosyan Kudryavtsev",
               "Xyzzq Petrosyan"]  # fmt: skip
    queries += names + [" ".join(reversed(_typo(n, rng).split())) for n in names]
    identifiers = (parse_identifier("7701234567"),)
    for name in queries:
        form = analyse_name(name)
        expected = tabled.shortlist(form, identifiers)  # type: ignore[arg-type]
        assert python_lists.shortlist(form, identifiers) == expected  # type: ignore[arg-type]
        assert scanned.shortlist(form, identifiers) == expected  # type: ignore[arg-type]
        query = Query(form)
        assert screen(python_lists, query, 0.3) == screen(tabled, query, 0.3)


def _typo(name: str, rng: random.Random) -> str:
    at = rng.randrange(len(name))
    return name[:at] + name[at + 1 :]


def test_two_edits_and_another_script_still_find_the_entity(crowded: NameIndex) -> None:
    # Khachatryan in Cyrillic with a transposition and a wrong letter (Хачтарям).
    assert _ids(crowded, "Хачтарям Вардан")[:1] == ["khachatryan"]
    # German romanisation of Кудрявцев with a typo on top.
    assert "kudryavtsev" in _ids(crowded, "Ewgenij Kudrjawzwe")


def test_hard_negatives_sharing_a_surname_stay_below_review(crowded: NameIndex) -> None:
    assert "petrosyan" not in _ids(crowded, "Aram Petrosyan")
    assert "petrosyan" in _ids(crowded, "Aram Petrosyan", threshold=0.3)
    # The father's name of a listed man is not his given name.
    assert "karimov" not in _ids(crowded, "Natiq Kərimov")
    # Same place name, another trade: another company.
    assert "araz" not in _ids(crowded, "Araz Trade")
    assert _ids(crowded, "ООО «Араз Лоджистикс»")[:1] == ["araz"]


def test_words_written_together_or_apart_meet(crowded: NameIndex) -> None:
    assert _ids(crowded, "Zangezurtrans")[:1] == ["zangezur"]
    merged = NameIndex([WatchEntity("m", "Company", ("Zangezurtrans MMC",), "t")])
    assert _ids(merged, "Zangezur Trans LLC") == ["m"]


def test_identifier_alone_brings_in_the_entity(crowded: NameIndex) -> None:
    query = Query(analyse_name("Unrelated Name"), identifiers=(parse_identifier("7701234567"),))  # type: ignore[arg-type]
    assert "zangezur" in [m.entity.entity_id for m in screen(crowded, query, 0.0)]


def test_a_saved_index_maps_back_and_screens_the_same(crowded: NameIndex, tmp_path: Path) -> None:
    crowded.save(tmp_path / "index")
    loaded = NameIndex.load(tmp_path / "index")
    assert len(loaded) == len(crowded)
    assert list(loaded.entities[-len(LISTED) :]) == LISTED
    assert loaded.names[5] == crowded.names[5]
    for name in ("Хачтарям Вардан", "Aram Petrosyan", "Zangezurtrans", "Ewgenij Kudrjawzwe"):
        query = Query(analyse_name(name))
        assert screen(loaded, query, 0.3) == screen(crowded, query, 0.3)


def test_shortlist_is_bounded_and_ranks_the_closest_first(crowded: NameIndex) -> None:
    shortlist = crowded.shortlist(analyse_name("Vardan Khachatryan"))
    assert len(shortlist) <= 48
    first = crowded.entity_of(shortlist[0])
    assert first.entity_id == "khachatryan"


@pytest.mark.parametrize("size", [0, 1, 40, SMALL_CANDIDATES, SMALL_CANDIDATES + 1, 3000])
def test_candidates_are_ranked_alike_in_python_and_in_numpy(size: int) -> None:
    # Few candidates are ranked in Python, many in numpy: both as the plain rule says,
    # by rank, then by a fixed permutation of the name numbers, each name once.
    generator = np.random.default_rng(size)
    names = generator.integers(0, 4000, size, dtype=np.int64)
    ranks = generator.integers(0, 7, size, dtype=np.int64)
    half = size // 2
    found = [(names[:half], ranks[:half]), (names[half:], ranks[half:])]
    pairs = sorted(zip(ranks.tolist(), names.tolist(), strict=True),
                   key=lambda p: (p[0], (p[1] * 2654435761) % 2**32))  # fmt: skip
    expected = list(dict.fromkeys(name for _, name in pairs))
    assert _best(found, 48) == expected[:48]
    assert _best(found, 10**6) == expected


@pytest.fixture(scope="module")
def few() -> NameIndex:
    return NameIndex(_crowd(40) + LISTED)


@pytest.mark.parametrize("which", ["crowded", "few"])
def test_threads_share_an_index_whose_memories_overflow(
    which: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The numpy columns of many names, and the Python lists of few (scan_blocking).
    crowded: NameIndex = request.getfixturevalue(which)
    assert isinstance(crowded._blocking, ScanBlocking) is (which == "few")
    monkeypatch.setattr("corridor.screening.blocking.NEAR_CACHE", 3)
    monkeypatch.setattr("corridor.screening.scan_blocking.NEAR_CACHE", 3)
    monkeypatch.setattr("corridor.screening.index.TOKEN_CACHE", 5)
    monkeypatch.setattr("corridor.screening.index.NAME_CACHE", 7)
    names = ["Хачтарям Вардан", "Aram Petrosyan", "Zangezurtrans", "Ewgenij Kudrjawzwe",
             "Araz Trade", "Natiq Kərimov"]  # fmt: skip
    expected = {n: screen(crowded, Query(analyse_name(n)), 0.3) for n in names}

    def screen_all(_: int) -> bool:
        return all(screen(crowded, Query(analyse_name(n)), 0.3) == expected[n] for n in names * 20)

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(4) as pool:
            assert all(pool.map(screen_all, range(8)))
    finally:
        sys.setswitchinterval(switching)
