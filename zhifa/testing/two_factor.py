"""Second factors in tests: a person's authenticator, its current code, and a test client already past it."""

from __future__ import annotations

from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhifa.core.models import User


def authenticator(user: User) -> TOTPDevice:
    """The person's confirmed authenticator, made if he has none (as if he had enrolled)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)


def code(device: TOTPDevice, *, drift: int = 0) -> str:
    """The code the person's phone shows now (at the time the test has set)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def pass_second_factor(client: Any, user: User) -> None:
    """After `client.force_login(user)`: the session as if he had also typed his code, when he needs one."""
    from zhifa.core.services import needs_two_factor

    if not needs_two_factor(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()
