"""The cosignature format (C2SP tlog-cosignature, cosignature/v1): a vector derived by hand, both
implementations (the portal's and the standalone witness's) agreeing on it, and tampering refused."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from zhifa.ledger import cosign
from zhifa_verify.witness import WitnessSigner, check_cosignature

NAME = "witness.example/w1"
SEED = bytes(range(32))
BODY = f"zhifa.local/ledger\n7\n{base64.b64encode(bytes(32)).decode()}\n"
TIME = 1700000000
# Ed25519 signatures are deterministic (RFC 8032), so the whole line is a fixed vector.
LINE = (
    "— witness.example/w1 519lMgAAAABlU/EArVcca8eYmZtWrzY1a+e3RWE94xO8lkDSpTNHzqV/NvYSTMK+PEAqj7n5A9MPttPMHb+t8gs+"
    "A+v7whZ71rEFCQ=="
)
KEY_LINE = "witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"


def private() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(SEED)


def test_the_vector_is_the_format_written_out_by_hand():
    public = private().public_key().public_bytes_raw()
    key_id = hashlib.sha256(NAME.encode() + b"\n" + b"\x04" + public).digest()[:4]
    raw = base64.b64decode(LINE.split(" ")[2])
    assert raw[:4] == key_id
    assert int.from_bytes(raw[4:12], "big") == TIME
    message = b"cosignature/v1\ntime 1700000000\n" + BODY.encode()
    private().public_key().verify(raw[12:], message)  # raises if not
    encoded = base64.b64encode(bytes([4]) + public).decode()
    assert f"{NAME}+{key_id.hex()}+{encoded}" == KEY_LINE


def test_both_implementations_write_and_read_the_same_line():
    assert cosign.cosign(BODY, NAME, private(), TIME).line() == LINE
    assert WitnessSigner(NAME, private()).cosign(BODY, TIME) == LINE
    key = cosign.WitnessKey.parse(KEY_LINE)
    assert key.line() == KEY_LINE
    assert WitnessSigner(NAME, private()).verifier_line() == KEY_LINE
    parsed = cosign.parse_line(LINE)
    assert parsed is not None
    assert parsed.timestamp == TIME
    cosign.verify(BODY, parsed, key)
    assert check_cosignature(LINE, BODY, NAME, key.public_key) == TIME
    signer = WitnessSigner.parse(WitnessSigner(NAME, private()).private_line())
    assert signer.verifier_line() == KEY_LINE


def test_a_cosignature_of_another_body_or_time_or_by_another_key_is_refused():
    parsed = cosign.parse_line(LINE)
    assert parsed is not None
    key = cosign.WitnessKey.parse(KEY_LINE)
    with pytest.raises(cosign.CosignatureError, match="联署签名验证不通过"):
        cosign.verify(BODY.replace("\n7\n", "\n8\n"), parsed, key)
    later = cosign.Cosigned(parsed.name, parsed.key_id, TIME + 1, parsed.signature)
    with pytest.raises(cosign.CosignatureError, match="联署签名验证不通过"):
        cosign.verify(BODY, later, key)
    other = cosign.WitnessKey(NAME, Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    with pytest.raises(cosign.CosignatureError, match="名称或密钥标识"):
        cosign.verify(BODY, parsed, other)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("witness.example/w1+e75f6532", "格式应为"),
        ("witness.example/w1+00000000+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4", "与公钥不符"),
        # The same key with the log's algorithm byte (0x01) is not a cosignature/v1 key.
        ("witness.example/w1+e75f6532+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4", "算法字节 0x04"),
        ("bad name+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4", "不能含"),
    ],
)
def test_malformed_witness_keys_are_refused_with_what_is_wrong(line, message):
    with pytest.raises(cosign.CosignatureError, match=message):
        cosign.WitnessKey.parse(line)


def test_the_logs_own_signature_line_is_not_taken_for_a_cosignature():
    own = "— zhifa.local/ledger " + base64.b64encode(bytes(68)).decode()
    assert cosign.parse_line(own) is None
    assert cosign.parse_line("not a signature") is None
