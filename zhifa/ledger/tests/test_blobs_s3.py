"""The evidence store on S3-compatible object storage (django-storages), against a real S3 server (moto's)."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator

import pytest

from zhifa.core.errors import Refusal
from zhifa.ledger import blobs
from zhifa.ledger.models import Blob

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_evidence(settings, tmp_path, s3_endpoint, monkeypatch) -> str:
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    bucket = f"evidence-{os.urandom(4).hex()}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": bucket, "endpoint_url": s3_endpoint, "region_name": "us-east-1"},
        },
    }
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    return bucket


def test_files_round_trip_through_s3_and_damage_is_found(s3_evidence, s3_endpoint):
    import boto3

    data = os.urandom(3 * blobs.CHUNK + 5)
    blob = blobs.store(io.BytesIO(data), content_type="video/mp4")
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert b"".join(blobs.open_verified(blob.sha256)) == data
    assert blobs.verify(blob.sha256) is None

    # Someone with the bucket's keys replaces the object: the next read says so.
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.put_object(Bucket=s3_evidence, Key=blobs.name_of(blob.sha256), Body=b"spliced video")
    problem = blobs.verify(blob.sha256)
    assert problem is not None
    assert "hash to" in problem
    # Storing the genuine bytes again does not overwrite what is there.
    blobs.store(io.BytesIO(data))
    assert client.get_object(Bucket=s3_evidence, Key=blobs.name_of(blob.sha256))["Body"].read() == b"spliced video"


def test_a_mismatch_leaves_nothing_in_the_bucket(s3_evidence, s3_endpoint):
    import boto3

    with pytest.raises(Refusal):
        blobs.store(io.BytesIO(b"bytes"), expected_sha256="0" * 64)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    assert client.list_objects_v2(Bucket=s3_evidence).get("KeyCount") == 0
    assert not Blob.objects.exists()
