"""Delivery channels: generic webhook, DingTalk and WeCom group robots, e-mail (SMTP).

DingTalk robots accept a signature: ``timestamp`` (ms) and ``sign`` =
Base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")) as query parameters. WeCom group robots
have no signature (the key in the URL is the secret). Senders raise on failure; the
dispatcher records the error and retries with back-off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote_plus

import httpx

from hazwatch.core.settings import Settings

CHANNELS = ("webhook", "dingtalk", "wecom", "email", "console")
TIMEOUT = httpx.Timeout(5.0)


class DeliveryError(Exception):
    pass


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return quote_plus(base64.b64encode(digest.digest()).decode())


def dingtalk_body(subject: str, body: str) -> dict[str, Any]:
    return {
        "msgtype": "markdown",
        "markdown": {"title": subject, "text": f"### {subject}\n\n{body}"},
    }


def wecom_body(subject: str, body: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": f"**{subject}**\n{body}"}}


def _post(url: str, payload: dict[str, Any]) -> None:
    response = httpx.post(url, json=payload, timeout=TIMEOUT)
    if response.status_code >= 300:
        raise DeliveryError(f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        return
    # DingTalk and WeCom answer 200 with an error code in the body.
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, None):
        raise DeliveryError(f"errcode {answer.get('errcode')}: {answer.get('errmsg')}")


def send(
    settings: Settings,
    channel: str,
    address: str,
    secret: str | None,
    subject: str,
    body: str,
    payload: dict[str, Any],
    console: Callable[[dict[str, Any]], None],
) -> None:
    if channel == "webhook":
        _post(address, {"subject": subject, "text": body, **payload})
    elif channel == "dingtalk":
        url = address
        if secret:
            stamp = int(time.time() * 1000)
            joiner = "&" if "?" in url else "?"
            url = f"{url}{joiner}timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
        _post(url, dingtalk_body(subject, body))
    elif channel == "wecom":
        _post(address, wecom_body(subject, body))
    elif channel == "email":
        _email(settings, address, subject, body)
    elif channel == "console":
        console({"type": "notification", "subject": subject, "text": body, **payload})
    else:
        raise DeliveryError(f"unknown channel {channel}")


def _email(settings: Settings, address: str, subject: str, body: str) -> None:
    if not settings.smtp_host:
        raise DeliveryError("SMTP is not configured (HAZWATCH_SMTP_HOST)")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = address
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_username, password)
        smtp.send_message(message)
