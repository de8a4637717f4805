"""`zhifa stack up`'s pieces, each a real server: SeaweedFS with its S3 gateway and Redis started in a data folder,
the application's evidence storage and queue working against them with what the stack hands its children, and
every one stopped by the supervisor. The whole stack (PostgreSQL, collectstatic, gunicorn) is run by
bench/stack_smoke.py: its first collectstatic alone takes a minute of CPU."""

from __future__ import annotations

import io
import os

import pytest

from zhifa.jobs.queue import make_queue
from zhifa.stack.supervisor import Stack

pytestmark = pytest.mark.dateless


@pytest.fixture
def stack(tmp_path):
    # A short folder name: Redis's Unix socket path must stay under 108 bytes.
    started = Stack(tmp_path / "var", free_ports=True, out=io.StringIO())
    started.data_dir.mkdir(mode=0o700)
    started.logs.mkdir(mode=0o700)
    started.env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHIFA_", "AWS_"))}
    yield started
    started.down()


def test_evidence_and_the_queue_go_to_the_servers_the_stack_starts_and_all_stop_together(stack, tmp_path):
    import boto3
    from django.core.files.base import ContentFile
    from storages.backends.s3 import S3Storage

    stack._object_store()
    stack._queue()
    env = stack.env
    assert env["ZHIFA_EVIDENCE_STORAGE"] == "storages.backends.s3.S3Storage"
    assert env["ZHIFA_QUEUE"].startswith("unix://")

    # The evidence storage exactly as settings.py builds it from these variables, with the stack's credentials.
    evidence = S3Storage(
        bucket_name=env["ZHIFA_EVIDENCE_S3_BUCKET"],
        endpoint_url=env["ZHIFA_EVIDENCE_S3_ENDPOINT"],
        region_name=env["ZHIFA_EVIDENCE_S3_REGION"],
        access_key=env["AWS_ACCESS_KEY_ID"],
        secret_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    data = os.urandom(1000)
    evidence.save("sha256/ab/cd/abcd-probe", ContentFile(data))
    s3 = boto3.client(
        "s3",
        endpoint_url=env["ZHIFA_EVIDENCE_S3_ENDPOINT"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["ZHIFA_EVIDENCE_S3_REGION"],
    )
    assert s3.get_object(Bucket="evidence", Key="sha256/ab/cd/abcd-probe")["Body"].read() == data
    stranger = boto3.client(
        "s3",
        endpoint_url=env["ZHIFA_EVIDENCE_S3_ENDPOINT"],
        aws_access_key_id="NOTTHEKEY",
        aws_secret_access_key="wrong",
        region_name="us-east-1",
    )
    with pytest.raises(Exception, match=r"AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch"):
        stranger.get_object(Bucket="evidence", Key="sha256/ab/cd/abcd-probe")

    queue = make_queue(env["ZHIFA_QUEUE"], data_dir=stack.data_dir)

    @queue.task(name="probe")  # type: ignore[untyped-decorator]
    def probe() -> None:
        return None

    probe()
    assert queue.pending_count() == 1

    children = [child.process for child in stack.children if child.process is not None]
    assert len(children) == 2
    stack.down()
    assert all(process.poll() is not None for process in children)
    assert stack.children == []
