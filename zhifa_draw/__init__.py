"""zhifa_draw: the double-random draw (双随机) of inspection targets and inspectors, recomputable by anyone.

It needs only the standard library — never Django or the `zhifa` package — so that anyone can copy this folder
and, from the published inputs and the public seed value, recompute the draw the server made::

    python -m zhifa_draw recompute published.json --seed-value VALUE [--expect-result-sha256 HEX]

From Python: `draw(inputs, seed_value)` (a parsed document) or `recompute(file_bytes, seed_value)` return a
`Result` (its canonical bytes and SHA-256); bad inputs raise `DrawProblem` naming the field and the rule.
The procedure is docs/inspections-draw.md.
"""

from __future__ import annotations

from zhifa_draw.canon import NotCanonical, canonical, canonical_document
from zhifa_draw.draw import FORMAT, RESULT_FORMAT, DrawProblem, Result, draw, recompute
from zhifa_draw.witnesses import WitnessProblem, canonical_key

__all__ = [
    "FORMAT",
    "RESULT_FORMAT",
    "DrawProblem",
    "NotCanonical",
    "Result",
    "WitnessProblem",
    "canonical",
    "canonical_document",
    "canonical_key",
    "draw",
    "recompute",
]
