"""Small real files for the demo's evidence: a PNG photo, a WAV audio clip and a PDF. Standard library only."""

from __future__ import annotations

import io
import math
import struct
import wave
import zlib


def png(width: int = 320, height: int = 200, seed: int = 0) -> bytes:
    """A landscape-like picture: sky, a ridge and forest green, slightly different for each seed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        for x in range(width):
            ridge = height * (0.45 + 0.12 * math.sin((x + seed * 37) / 23.0) + 0.05 * math.sin(x / 7.0))
            if y < ridge:
                pixel = (120 + y // 3, 170 + y // 4, 230)
            else:
                shade = (x * 7 + y * 13 + seed * 31) % 40
                pixel = (30 + shade, 90 + shade, 40 + shade // 2)
            rows.extend(pixel)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def wav(seconds: float = 2.0, frequency: float = 440.0, rate: int = 8000) -> bytes:
    """A short mono tone, standing in for an interview recording."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = bytearray()
        for n in range(int(seconds * rate)):
            envelope = min(1.0, n / 400, (seconds * rate - n) / 400)
            frames += struct.pack("<h", int(9000 * envelope * math.sin(2 * math.pi * frequency * n / rate)))
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with a title and lines of ASCII text (Helvetica)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = ["BT /F1 18 Tf 72 770 Td (" + escape(title) + ") Tj ET"]
    for number, line in enumerate(lines):
        content.append(f"BT /F1 11 Tf 72 {740 - 16 * number} Td ({escape(line)}) Tj ET")
    stream = "\n".join(content).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
