"""The public form's human check: a small sum in Chinese words, signed, time-limited and answerable once.

Works offline — no third-party captcha service. The question is plain text (a screen reader reads it; the
answer is typed as digits), the token is signed with the site's key (django.core.signing.TimestampSigner) so
nothing is kept until it is answered, and an answered token is remembered (ChallengeUse) so that it cannot be
replayed. The token carries only a keyed digest of the answer, never the answer. A wrong answer uses the
token up too: each guess needs a fresh question, and the rate limits count every post.

This stops scripts that fill forms blindly; it does not stop a person, nor a script written for this page.
The rate limits (rules.py) and the honeypot field are the other two layers.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from zhifa.complaints.models import ChallengeUse
from zhifa.complaints.rules import CHALLENGE_MAX_AGE_SECONDS

_SALT = "zhifa.complaints.challenge"
_DIGITS = "零一二三四五六七八九十"


def _words(number: int) -> str:
    """1..20 in Chinese words (十一, 二十)."""
    if number <= 10:
        return _DIGITS[number]
    tens, units = divmod(number, 10)
    return ("十" if tens == 1 else _DIGITS[tens] + "十") + (_DIGITS[units] if units else "")


def _answer_digest(nonce: str, answer: str) -> str:
    return salted_hmac(_SALT, f"{nonce}:{answer.strip()}").hexdigest()


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def make_challenge() -> Challenge:
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2):
        question, answer = f"{_words(first)}加{_words(second)}等于多少？", first + second
    else:
        big, small = max(first, second) + 5, min(first, second)
        question, answer = f"{_words(big)}减{_words(small)}等于多少？", big - small
    nonce = secrets.token_hex(8)
    token = signing.TimestampSigner(salt=_SALT).sign_object({"n": nonce, "d": _answer_digest(nonce, str(answer))})
    return Challenge(question, token)


def check(token: str, answer: str) -> str | None:
    """None when `answer` answers the token's question and the token was not used before; else why not.

    Uses the token up either way (in its own transaction, so a refused filing does not give it back)."""
    try:
        payload = signing.TimestampSigner(salt=_SALT).unsign_object(token, max_age=CHALLENGE_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return "验证问题已过期，请回答新的问题"
    except signing.BadSignature:
        return "验证问题无效，请回答新的问题"
    digest = hashlib.sha256(token.encode()).hexdigest()
    now = timezone.now()
    try:
        with transaction.atomic():
            ChallengeUse.objects.create(digest=digest, used_at=now)
    except IntegrityError:
        return "该验证问题已使用过，请回答新的问题"
    # Tokens older than their life are refused by the signature anyway; forget them.
    ChallengeUse.objects.filter(used_at__lt=now - timedelta(seconds=CHALLENGE_MAX_AGE_SECONDS + 60)).delete()
    given = "".join(ch for ch in unicodedata.normalize("NFKC", str(answer)) if not ch.isspace())[:4]
    if not given.isdigit() or not constant_time_compare(_answer_digest(payload["n"], given), payload["d"]):
        return "验证问题回答错误，请用阿拉伯数字填写算式的结果"
    return None
