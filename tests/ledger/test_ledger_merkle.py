"""RFC 9162 hashing and proofs: fixed vectors, exhaustive checks, and mutations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.ledger.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    mth,
    node_hash,
    range_nodes,
    root_from_inclusion,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 300
ENTRIES = [f"entry {i}".encode() for i in range(MAX_SIZE)]
TREE = MemoryTree(ENTRIES)
ROOTS = [TREE.root(size) for size in range(MAX_SIZE + 1)]
LEAVES = TREE.levels[0]


def _vector_tree(vectors: dict[str, Any]) -> MemoryTree:
    return MemoryTree([bytes.fromhex(h) for h in vectors["leaves_hex"]])


def _flip(data: bytes, bit: int) -> bytes:
    flipped = bytearray(data)
    flipped[bit // 8] ^= 1 << (bit % 8)
    return bytes(flipped)


# --- Fixed vectors ------------------------------------------------------------------


def test_empty_root_is_sha256_of_nothing(vectors: dict[str, Any]) -> None:
    assert EMPTY_ROOT.hex() == vectors["empty_root"]
    assert MemoryTree().root() == EMPTY_ROOT == mth([])


def test_roots_for_sizes_one_to_eight(vectors: dict[str, Any]) -> None:
    tree = _vector_tree(vectors)
    leaves = [leaf_hash(bytes.fromhex(h)) for h in vectors["leaves_hex"]]
    for size, root in vectors["roots_by_size"].items():
        assert tree.root(int(size)).hex() == root
        assert mth(leaves[: int(size)]).hex() == root


def test_every_inclusion_vector(vectors: dict[str, Any]) -> None:
    tree = _vector_tree(vectors)
    for case in vectors["inclusion"]:
        index, size = case["index"], case["size"]
        proof = [bytes.fromhex(h) for h in case["proof"]]
        assert tree.inclusion_proof(index, size) == proof
        root = bytes.fromhex(vectors["roots_by_size"][str(size)])
        verify_inclusion(tree.levels[0][index], index, size, proof, root)


def test_every_consistency_vector(vectors: dict[str, Any]) -> None:
    tree = _vector_tree(vectors)
    roots = vectors["roots_by_size"]
    for case in vectors["consistency"]:
        old, new = case["old"], case["new"]
        proof = [bytes.fromhex(h) for h in case["proof"]]
        assert tree.consistency_proof(old, new) == proof
        verify_consistency(
            old, new, bytes.fromhex(roots[str(old)]), bytes.fromhex(roots[str(new)]), proof
        )


# --- Every proof up to MAX_SIZE -----------------------------------------------------


def test_roots_from_stored_hashes_match_the_rfc_definition() -> None:
    for size in range(MAX_SIZE + 1):
        assert ROOTS[size] == mth(LEAVES[:size])


def test_every_inclusion_proof_verifies() -> None:
    for size in range(1, MAX_SIZE + 1):
        for index in range(size):
            proof = TREE.inclusion_proof(index, size)
            assert len(proof) <= (size - 1).bit_length()
            verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])


def test_every_consistency_proof_verifies() -> None:
    for new in range(MAX_SIZE + 1):
        for old in range(new + 1):
            proof = TREE.consistency_proof(old, new)
            verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


def test_proofs_are_read_in_one_batch_of_few_hashes() -> None:
    calls: list[int] = []

    def read(nodes: Sequence[tuple[int, int]]) -> Sequence[bytes]:
        calls.append(len(nodes))
        return TREE.read_hashes(nodes)

    inclusion_proof(123, 299, read)
    consistency_proof(123, 299, read)
    assert len(calls) == 2
    assert all(n <= 2 * 9 for n in calls)


# --- Mutations ----------------------------------------------------------------------

sizes = st.integers(min_value=1, max_value=MAX_SIZE)


@settings(max_examples=300, deadline=None)
@given(sizes, st.data())
def test_inclusion_fails_on_any_flipped_bit(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    proof = TREE.inclusion_proof(index, size)
    bit = data.draw(st.integers(0, 256 * (len(proof) + 1) - 1))
    if bit < 256:
        root = _flip(ROOTS[size], bit)
    else:
        root = ROOTS[size]
        proof[bit // 256 - 1] = _flip(proof[bit // 256 - 1], bit % 256)
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[index], index, size, proof, root)


@settings(max_examples=300, deadline=None)
@given(sizes, st.data())
def test_inclusion_fails_for_another_index(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    other = data.draw(st.integers(0, size + 5).filter(lambda i: i != index))
    proof = TREE.inclusion_proof(index, size)
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[index], other, size, proof, ROOTS[size])


@settings(max_examples=300, deadline=None)
@given(sizes, sizes, st.data())
def test_inclusion_for_another_size_holds_only_for_an_identical_proof(
    size: int, other: int, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, size - 1))
    proof = TREE.inclusion_proof(index, size)
    genuine = index < other and TREE.inclusion_proof(index, other) == proof
    try:
        verify_inclusion(LEAVES[index], index, other, proof, ROOTS[other])
    except ProofError:
        assert not genuine
    else:
        assert genuine


@settings(max_examples=300, deadline=None)
@given(sizes, st.data())
def test_consistency_fails_on_any_flipped_bit(new: int, data: st.DataObject) -> None:
    old = data.draw(st.integers(1, new))
    proof = TREE.consistency_proof(old, new)
    bit = data.draw(st.integers(0, 256 * (len(proof) + 2) - 1))
    old_root, new_root = ROOTS[old], ROOTS[new]
    if bit < 256:
        old_root = _flip(old_root, bit)
    elif bit < 512:
        new_root = _flip(new_root, bit - 256)
    else:
        proof[bit // 256 - 2] = _flip(proof[bit // 256 - 2], bit % 256)
    with pytest.raises(ProofError):
        verify_consistency(old, new, old_root, new_root, proof)


@settings(max_examples=300, deadline=None)
@given(sizes, sizes, sizes)
def test_consistency_for_other_sizes_holds_only_for_the_genuine_proof(
    old: int, new: int, claimed_old: int
) -> None:
    """A proof for (old, new) checked as (claimed_old, new) with that tree's root."""
    if old > new:
        old, new = new, old
    proof = TREE.consistency_proof(old, new)
    genuine = claimed_old <= new and TREE.consistency_proof(claimed_old, new) == proof
    try:
        verify_consistency(claimed_old, new, ROOTS[claimed_old], ROOTS[new], proof)
    except ProofError:
        assert not genuine
    else:
        assert genuine


@settings(max_examples=200, deadline=None)
@given(sizes, st.data())
def test_truncated_or_extended_proofs_fail(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    proof = TREE.inclusion_proof(index, size)
    for bad in (proof[:-1], [*proof, ROOTS[size]]):
        if bad != proof:
            with pytest.raises(ProofError):
                verify_inclusion(LEAVES[index], index, size, bad, ROOTS[size])


# --- The named bugs -----------------------------------------------------------------


def _verifies_without_inner_loop(
    leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> bool:
    """A common wrong verifier: it skips "right-shift until LSB(fn) is set"."""
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        r = node_hash(p, r) if fn & 1 or fn == sn else node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


@pytest.mark.parametrize(("index", "size"), [(2, 3), (6, 7), (4, 5), (12, 13)])
def test_last_leaf_of_an_unbalanced_tree(index: int, size: int) -> None:
    proof = TREE.inclusion_proof(index, size)
    verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])
    assert not _verifies_without_inner_loop(LEAVES[index], index, size, proof, ROOTS[size])


def _consistency_without_prepending(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> None:
    """A common wrong verifier: it never prepends the old root."""
    verify_consistency(old, new, old_root, new_root, proof)  # genuine check first
    if old & (old - 1) == 0:
        fake_old = 3 if old != 3 else 5  # run the same proof as a non-power-of-two size
        verify_consistency(fake_old, new, old_root, new_root, proof)


@pytest.mark.parametrize(("old", "new"), [(1, 2), (2, 3), (4, 7), (8, 13), (64, 300)])
def test_consistency_from_a_power_of_two(old: int, new: int) -> None:
    proof = TREE.consistency_proof(old, new)
    verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)
    assert ROOTS[old] not in proof  # the verifier must supply the old root itself
    with pytest.raises(ProofError):
        _consistency_without_prepending(old, new, ROOTS[old], ROOTS[new], proof)


# --- Edge cases ---------------------------------------------------------------------


def test_size_zero_has_no_inclusion_proof() -> None:
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof(0, 0, TREE.read_hashes)
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[0], 0, 0, [], EMPTY_ROOT)
    assert root_hash(0, TREE.read_hashes) == EMPTY_ROOT


def test_single_leaf_tree_root_is_the_leaf_hash() -> None:
    assert TREE.inclusion_proof(0, 1) == []
    assert root_from_inclusion(LEAVES[0], 0, 1, []) == ROOTS[1] == LEAVES[0]


def test_consistency_between_equal_sizes() -> None:
    assert TREE.consistency_proof(7, 7) == []
    verify_consistency(7, 7, ROOTS[7], ROOTS[7], [])
    with pytest.raises(ProofError, match="same size"):
        verify_consistency(7, 7, ROOTS[7], ROOTS[8], [])
    with pytest.raises(ProofError, match="must be empty"):
        verify_consistency(7, 7, ROOTS[7], ROOTS[7], [ROOTS[3]])


def test_consistency_from_the_empty_tree() -> None:
    assert TREE.consistency_proof(0, 9) == []
    verify_consistency(0, 9, EMPTY_ROOT, ROOTS[9], [])
    verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    with pytest.raises(ProofError):
        verify_consistency(0, 9, ROOTS[1], ROOTS[9], [])
    with pytest.raises(ProofError):
        verify_consistency(0, 9, EMPTY_ROOT, ROOTS[9], [ROOTS[1]])
    with pytest.raises(ProofError):
        verify_consistency(0, 0, EMPTY_ROOT, ROOTS[1], [])


def test_shrinking_is_never_consistent() -> None:
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(5, 4, TREE.read_hashes)
    with pytest.raises(ProofError):
        verify_consistency(5, 4, ROOTS[5], ROOTS[4], TREE.consistency_proof(4, 5))


def test_empty_proof_between_different_sizes_fails() -> None:
    with pytest.raises(ProofError):
        verify_consistency(4, 8, ROOTS[4], ROOTS[8], [])


@pytest.mark.parametrize(("lo", "hi"), [(1, 3), (2, 5), (-1, 0), (3, 3), (4, 2)])
def test_ranges_that_are_not_subtrees_are_refused(lo: int, hi: int) -> None:
    with pytest.raises(ValueError, match="not a Merkle subtree range"):
        range_nodes(lo, hi)


def test_a_reader_returning_wrong_hashes_is_refused() -> None:
    with pytest.raises(ValueError, match="hash reader"):
        root_hash(5, lambda nodes: [b"short"] * len(nodes))
    with pytest.raises(ValueError, match="hash reader"):
        root_hash(5, lambda nodes: [])
