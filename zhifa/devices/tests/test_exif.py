"""EXIF read from real JPEGs built with Pillow: the time taken, the GPS position in decimal degrees, the camera."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from zhifa.devices import exif, photos


def test_exif_time_and_coordinates_are_read_from_a_real_jpeg():
    data = photos.jpeg(
        taken_at=datetime(2026, 11, 20, 9, 30, 15, tzinfo=ZoneInfo("Asia/Shanghai")),
        latitude=Decimal("22.008472"),
        longitude=Decimal("100.796611"),
        make="DJI",
        model="M3E",
    )
    assert data[:2] == b"\xff\xd8"  # a JPEG
    found = exif.read(io.BytesIO(data))
    # No offset in the photo: read in the agencies' time zone, and said so.
    assert found.taken_at is not None
    assert found.taken_at.utcoffset() == timedelta(hours=8)
    assert found.taken_at == datetime(2026, 11, 20, 9, 30, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert not found.offset_given
    assert (found.latitude, found.longitude) == (Decimal("22.008472"), Decimal("100.796611"))
    assert (found.make, found.model) == ("DJI", "M3E")
    assert found.facts()["offset"] == "assumed"


def test_southern_and_western_coordinates_are_negative_and_an_offset_is_kept():
    data = photos.jpeg(
        taken_at=datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone(timedelta(hours=-3))),
        latitude=Decimal("-33.8568"),
        longitude=Decimal("-70.6483"),
        offset="-03:00",
    )
    found = exif.read(io.BytesIO(data))
    assert (found.latitude, found.longitude) == (Decimal("-33.856800"), Decimal("-70.648300"))
    assert found.taken_at == datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=-3)))
    assert found.offset_given


def test_a_jpeg_without_exif_gives_nothing():
    found = exif.read(io.BytesIO(photos.jpeg()))
    assert found.empty
    assert found.facts() == {}


def test_what_is_not_an_image_gives_nothing_rather_than_an_error():
    assert exif.read(io.BytesIO(b"%PDF-1.7 not a photo")).empty
