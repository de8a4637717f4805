"""A photo's EXIF, read on the server with Pillow: when it was taken, where (GPS, in decimal degrees), by what camera.

Only the header is read (Image.open does not decode the pixels), so a large or hostile image costs little;
anything Pillow cannot read gives no EXIF rather than an error — an import never fails for a photo's metadata.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from PIL import ExifTags, Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

SIX_PLACES = Decimal("0.000001")
# EXIF tag numbers (CIPA DC-008): Make, Model and DateTime in IFD0; DateTimeOriginal and its offset in the
# Exif IFD; the GPS IFD's latitude and longitude with their hemisphere.
MAKE, MODEL, DATE_TIME = 0x010F, 0x0110, 0x0132
DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4


@dataclass(frozen=True)
class Exif:
    """What a photo's EXIF says, each part None when absent or unreadable."""

    taken_at: datetime | None = None
    offset_given: bool = False  # False: the EXIF time had no offset and is read in the agencies' time zone
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    make: str = ""
    model: str = ""

    @property
    def empty(self) -> bool:
        return self.taken_at is None and self.latitude is None and not self.make and not self.model

    def facts(self) -> dict[str, str]:
        """As the record keeps it: text only (the ledger's canonical JSON has no floats)."""
        found: dict[str, str] = {}
        if self.taken_at is not None:
            found["taken_at"] = self.taken_at.isoformat()
            found["offset"] = "exif" if self.offset_given else "assumed"
        if self.latitude is not None and self.longitude is not None:
            found["latitude"] = f"{self.latitude:f}"
            found["longitude"] = f"{self.longitude:f}"
        if self.make:
            found["make"] = self.make
        if self.model:
            found["model"] = self.model
        return found


def read(source: IO[bytes]) -> Exif:
    """The EXIF of the image in `source` (a binary file), or an empty Exif."""
    try:
        with Image.open(source) as image:
            tags = image.getexif()
            exif_ifd = tags.get_ifd(ExifTags.IFD.Exif)
            gps_ifd = tags.get_ifd(ExifTags.IFD.GPSInfo)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        logger.info("no EXIF read: %s", error)
        return Exif()
    taken_at, offset_given = _time(exif_ifd.get(DATE_TIME_ORIGINAL) or tags.get(DATE_TIME), exif_ifd)
    latitude = _degrees(gps_ifd.get(GPS_LATITUDE), gps_ifd.get(GPS_LATITUDE_REF), "S", 90)
    longitude = _degrees(gps_ifd.get(GPS_LONGITUDE), gps_ifd.get(GPS_LONGITUDE_REF), "W", 180)
    if latitude is None or longitude is None:
        latitude = longitude = None
    return Exif(taken_at, offset_given, latitude, longitude, _text(tags.get(MAKE)), _text(tags.get(MODEL)))


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "").replace("\x00", "").strip()[:100]


def _time(value: Any, exif_ifd: Any) -> tuple[datetime | None, bool]:
    """EXIF's "YYYY:MM:DD HH:MM:SS" with OffsetTimeOriginal ("+08:00") when the camera wrote it; without it the
    time is the camera's local time, read in the agencies' time zone (and the record says it was assumed)."""
    text = _text(value)
    try:
        moment = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007 - EXIF has no zone; given one below
    except ValueError:
        return None, False
    offset = _offset(_text(exif_ifd.get(OFFSET_TIME_ORIGINAL)))
    if offset is not None:
        return moment.replace(tzinfo=offset), True
    return moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE)), False


def _offset(text: str) -> timezone | None:
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes > 59:
        return None
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _degrees(value: Any, reference: Any, negative: str, bound: int) -> Decimal | None:
    """GPS degrees, minutes, seconds (three rationals) as signed decimal degrees to six places."""
    try:
        degrees, minutes, seconds = (Decimal(str(float(part))) for part in value)
    except (TypeError, ValueError, InvalidOperation, ZeroDivisionError):
        return None
    if not (degrees.is_finite() and minutes.is_finite() and seconds.is_finite()):
        return None
    if minutes < 0 or minutes >= 60 or seconds < 0 or seconds >= 60 or degrees < 0:
        return None
    result = (degrees + minutes / 60 + seconds / 3600).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
    if _text(reference).upper() == negative:
        result = -result
    if abs(result) > bound:
        return None
    return result
