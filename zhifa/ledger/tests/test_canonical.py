"""The fast paths of canonical JSON write exactly the bytes of the strict path, which is the definition.

`canonical.dumps` writes flat objects by hand and `services.leaf_text` writes leaves key by key; both must
give the same text as the standard library's encoder with the documented arguments (docs/ledger.md), for
any value, and refuse the same values.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhifa.ledger import canonical
from zhifa.ledger.services import FORMAT_VERSION, LEGACY_VERSION, leaf_text, leaf_text_v2, leaf_time, sealed_text

# Any text, including quotes, backslashes, control characters, non-ASCII and astral characters.
texts = st.text(st.characters(codec="utf-8"), max_size=12)  # lone surrogates are not UTF-8 text
integers = st.integers() | st.integers(min_value=-(2**70), max_value=2**70)
scalars = st.none() | st.booleans() | integers | texts
flat_objects = st.dictionaries(texts, scalars, max_size=8)
json_values = st.recursive(
    scalars | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def reference(value: object) -> str:
    """docs/ledger.md's definition, written as it is there."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


@given(flat_objects)
def test_a_flat_object_is_written_as_the_strict_path_writes_it(value):
    assert canonical.dumps(value) == canonical.strict_dumps(value) == reference(value)


@given(json_values)
def test_any_value_is_written_as_the_strict_path_writes_it_or_refused_by_both(value):
    try:
        expected = canonical.strict_dumps(value)
    except canonical.NotCanonical:
        with pytest.raises(canonical.NotCanonical):
            canonical.dumps(value)
    else:
        assert canonical.dumps(value) == expected == reference(value)


@pytest.mark.parametrize(
    "value",
    [{"amount": 1.5}, {1: "a"}, {"a": 1, 2: "b"}, {"a": b"bytes"}, {"a": {"b": 0.0}}],
)
def test_values_canonical_json_cannot_hold_are_refused_on_the_fast_path_too(value):
    with pytest.raises(canonical.NotCanonical):
        canonical.dumps(value)


def test_subclasses_of_the_plain_types_are_written_like_their_values():
    from enum import IntEnum

    class Level(IntEnum):
        HIGH = 3

    class Named(str):
        pass

    value = {"level": Level.HIGH, Named("name"): Named("甲"), "yes": True}
    assert canonical.dumps(value) == '{"level":3,"name":"甲","yes":true}' == reference(value)


hex_digests = st.text("0123456789abcdef", min_size=64, max_size=64)
ids = st.none() | st.integers(min_value=1, max_value=2**62)


@given(
    index=st.integers(min_value=0, max_value=2**62),
    moment=st.datetimes(timezones=st.just(UTC)),
    actor=ids,
    agency=ids,
    action=texts,
    subject=texts,
    commitment=hex_digests | texts,
    files=st.lists(hex_digests | texts, max_size=3),
)
def test_a_leaf_written_key_by_key_is_its_canonical_json(
    index, moment, actor, agency, action, subject, commitment, files
):
    time = leaf_time(moment)
    leaf = {
        "v": LEGACY_VERSION,
        "index": index,
        "time": time,
        "actor": actor,
        "agency": agency,
        "action": action,
        "subject": subject,
        "commitment": commitment,
        "files": files,
    }
    assert leaf_text(index, time, actor, agency, action, subject, commitment, files) == reference(leaf)


@given(
    index=st.integers(min_value=0, max_value=2**62),
    moment=st.datetimes(timezones=st.just(UTC)),
    actor=ids,
    actor_name=texts,
    agency=ids,
    action=texts,
    subject=texts,
    commitment=hex_digests | texts,
    files=st.dictionaries(hex_digests, st.tuples(st.integers(min_value=0, max_value=2**62), texts), max_size=3),
)
def test_a_format_2_leaf_and_its_sealed_part_written_key_by_key_are_their_canonical_json(
    index, moment, actor, actor_name, agency, action, subject, commitment, files
):
    time = leaf_time(moment)
    described = [(digest, size, kind) for digest, (size, kind) in sorted(files.items())]
    sealed = sealed_text(actor, actor_name, agency, subject, commitment, described)
    assert sealed == reference(
        {
            "actor": actor,
            "actor_name": actor_name,
            "agency": agency,
            "subject": subject,
            "commitment": commitment,
            "files": [{"sha256": d, "size": n, "content_type": t} for d, n, t in described],
        }
    )
    leaf = {
        "v": FORMAT_VERSION,
        "index": index,
        "time": time,
        "action": action,
        "files": sorted(hashlib.sha256(bytes.fromhex(digest)).hexdigest() for digest in files),
        "sealed": hashlib.sha256(sealed.encode()).hexdigest(),
    }
    assert leaf_text_v2(index, time, action, sealed, list(files)) == reference(leaf)


def test_a_leaf_with_an_unusual_column_takes_the_strict_path():
    # What verify may read from a tampered row: a float, or a files column that is not a list of strings.
    with pytest.raises(canonical.NotCanonical):
        leaf_text(1, "t", None, None, "a", "s", "c", [1.5])  # type: ignore[list-item]
    assert leaf_text(1, "t", None, None, "a", "s", "c", ("x",)) == leaf_text(1, "t", None, None, "a", "s", "c", ["x"])  # type: ignore[arg-type]


@given(
    st.datetimes(
        # Naive bounds (hypothesis wants them so) a day inside the range, where every offset stays valid.
        min_value=datetime.min + timedelta(days=1),  # noqa: DTZ901 - naive on purpose, see above
        max_value=datetime.max - timedelta(days=1),  # noqa: DTZ901
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]),
    )
)
def test_the_leaf_time_is_the_documented_utc_text(moment):
    assert leaf_time(moment) == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
