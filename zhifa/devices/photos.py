"""A real JPEG carrying EXIF, made with Pillow: the demo's drone photo, and the tests' photos."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

from zhifa.devices import exif


def _dms(degrees: Decimal) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Decimal degrees as EXIF's degrees, minutes and seconds (hundredths of a second)."""
    value = abs(degrees)
    whole = int(value)
    minutes = int((value - whole) * 60)
    hundredths = round((value - whole - Decimal(minutes) / 60) * 3600 * 100)
    return IFDRational(whole, 1), IFDRational(minutes, 1), IFDRational(int(hundredths), 100)


def jpeg(
    *,
    taken_at: datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    make: str = "",
    model: str = "",
    offset: str = "",
    size: tuple[int, int] = (160, 120),
    colour: tuple[int, int, int] = (86, 128, 70),
) -> bytes:
    """A small JPEG; with EXIF where any of the arguments is given (DateTimeOriginal, its offset, GPS, camera)."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    # A stream and a darker patch, so the photo is a picture rather than a flat colour.
    draw.line([(0, size[1] * 2 // 3), (size[0], size[1] // 3)], fill=(70, 110, 160), width=max(2, size[1] // 12))
    draw.rectangle([size[0] // 2, size[1] // 2, size[0] * 3 // 4, size[1] * 5 // 6], fill=(60, 60, 55))
    tags = Image.Exif()
    if make:
        tags[exif.MAKE] = make
    if model:
        tags[exif.MODEL] = model
    if taken_at is not None:
        sub = tags.get_ifd(ExifTags.IFD.Exif)
        sub[exif.DATE_TIME_ORIGINAL] = taken_at.strftime(
            "%Y:%m:%d %H:%M:%S"
        )  # the clock's face; the zone only by `offset`
        if offset:
            sub[exif.OFFSET_TIME_ORIGINAL] = offset
    if latitude is not None and longitude is not None:
        gps = tags.get_ifd(ExifTags.IFD.GPSInfo)
        gps[exif.GPS_LATITUDE_REF] = "N" if latitude >= 0 else "S"
        gps[exif.GPS_LATITUDE] = _dms(latitude)
        gps[exif.GPS_LONGITUDE_REF] = "E" if longitude >= 0 else "W"
        gps[exif.GPS_LONGITUDE] = _dms(longitude)
    out = io.BytesIO()
    if len(tags) or taken_at is not None or latitude is not None:
        image.save(out, "JPEG", quality=85, exif=tags)
    else:
        image.save(out, "JPEG", quality=85)
    return out.getvalue()
