"""The deterministic random stream, and unbiased integers from it.

Block j (j = 0, 1, 2, ...) of the stream labelled L is SHA-256(seed ‖ L ‖ 0x00 ‖ j as 8 bytes big-endian); each
block gives four 64-bit big-endian unsigned integers, in order.

`below(n)` returns an integer uniform in 0..n-1 by rejection sampling: with M = 2^64 and limit = M - (M mod n),
it takes the next 64-bit integer u and returns u mod n if u < limit, otherwise it takes the next one. Every residue
then has exactly limit / n preimages, so no residue is favoured (no modulo bias); fewer than one draw in 2^32 is
rejected while n < 2^32.
"""

from __future__ import annotations

import hashlib
import struct

_FOUR = struct.Struct(">4Q")
_M = 1 << 64


class Stream:
    def __init__(self, seed: bytes, label: str) -> None:
        self._prefix = seed + label.encode("ascii") + b"\x00"
        self._block = 0
        self._values: list[int] = []

    def next64(self) -> int:
        if not self._values:
            digest = hashlib.sha256(self._prefix + self._block.to_bytes(8, "big")).digest()
            self._block += 1
            self._values = list(reversed(_FOUR.unpack(digest)))
        return self._values.pop()

    def below(self, n: int) -> int:
        if not 0 < n < _M:
            raise ValueError("below(n) needs 0 < n < 2^64")
        limit = _M - (_M % n)
        while True:
            value = self.next64()
            if value < limit:
                return value % n
