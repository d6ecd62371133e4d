from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from hazwatch.core.auth import service as auth
from hazwatch.core.auth.models import AccessToken, UserAccount
from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from tests.conftest import error_code


def _admin(context: Context) -> None:
    with context.unit_of_work() as session:
        auth.create_user(session, username="root", password="s3cret-pass", role=Role.PLATFORM_ADMIN)


def _root_token(
    context: Context, clock: ManualClock, kind: str, lifetime: timedelta
) -> tuple[int, str]:
    """A token of the admin ``_admin`` made: its id and secret."""
    with context.unit_of_work() as session:
        user = session.query(UserAccount).filter_by(username="root").one()
        token, secret = auth.issue_token(
            session, user, kind=kind, lifetime=lifetime, now=clock.now()
        )
        return token.id, secret


def test_password_is_hashed_with_argon2(context: Context) -> None:
    _admin(context)
    with context.unit_of_work() as session:
        user = session.query(UserAccount).filter_by(username="root").one()
        assert user.password_hash.startswith("$argon2id$")
        assert "s3cret-pass" not in user.password_hash


def test_login_me_and_logout(client: TestClient, context: Context) -> None:
    _admin(context)
    response = client.post("/api/auth/login", json={"username": "root", "password": "s3cret-pass"})
    assert response.status_code == 200
    token = response.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/auth/me", headers=headers).json()["role"] == "platform_admin"
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    response = client.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == "auth.token_revoked"


def test_bad_password_is_refused_in_the_callers_language(
    client: TestClient, context: Context
) -> None:
    _admin(context)
    response = client.post(
        "/api/auth/login",
        json={"username": "root", "password": "wrong-pass"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "auth.bad_credentials",
        "message": "Wrong username or password",
        "field": None,
        "params": {},
    }
    zh = client.post("/api/auth/login", json={"username": "root", "password": "wrong-pass"})
    assert zh.json()["error"]["message"] == "用户名或密码错误"


def test_api_token_can_be_revoked(client: TestClient, login_as) -> None:  # type: ignore[no-untyped-def]
    headers = login_as(Role.PLATFORM_ADMIN)
    created = client.post("/api/auth/tokens", json={"name": "gateway"}, headers=headers)
    assert created.status_code == 201
    api_headers = {"Authorization": f"Bearer {created.json()['token']}"}
    assert client.get("/api/auth/me", headers=api_headers).status_code == 200
    token_id = created.json()["token_id"]
    assert client.delete(f"/api/auth/tokens/{token_id}", headers=headers).status_code == 204
    assert error_code(client.get("/api/auth/me", headers=api_headers)) == "auth.token_revoked"


def test_expired_and_malformed_tokens(
    client: TestClient, context: Context, clock: ManualClock
) -> None:
    _admin(context)
    _id, secret = _root_token(context, clock, "api", timedelta(minutes=5))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    clock.advance(timedelta(minutes=6))
    assert error_code(client.get("/api/auth/me", headers=headers)) == "auth.token_expired"
    bad = client.get("/api/auth/me", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401 and error_code(bad) == "auth.token_malformed"
    assert error_code(client.get("/api/auth/me")) == "auth.missing_credentials"


def test_user_creation_validates_input(client: TestClient, login_as) -> None:  # type: ignore[no-untyped-def]
    headers = login_as(Role.PLATFORM_ADMIN)
    short = client.post(
        "/api/users", json={"username": "ab", "password": "x", "role": "worker"}, headers=headers
    )
    assert short.status_code == 422 and error_code(short) == "request.invalid"
    orphan = client.post(
        "/api/users",
        json={"username": "worker1", "password": "long-enough", "role": "worker"},
        headers=headers,
    )
    assert orphan.status_code == 422 and error_code(orphan) == "auth.role_needs_organisation"
    ok = client.post(
        "/api/users",
        json={"username": "admin2", "password": "long-enough", "role": "platform_admin"},
        headers=headers,
    )
    assert ok.status_code == 201
    dup = client.post(
        "/api/users",
        json={"username": "admin2", "password": "long-enough", "role": "platform_admin"},
        headers=headers,
    )
    assert dup.status_code == 409 and error_code(dup) == "auth.username_taken"


def test_a_tokens_last_use_is_written_at_most_once_a_minute(
    context: Context, clock: ManualClock
) -> None:
    """The console resolves its session several times a second: no write for each."""
    _admin(context)
    token_id, secret = _root_token(context, clock, "session", timedelta(hours=8))
    first = clock.now()

    def resolve_and_read() -> object:
        with context.unit_of_work() as session:
            auth.resolve_token(session, secret, now=clock.now())
            return session.get(AccessToken, token_id).last_used_at  # type: ignore[union-attr]

    assert resolve_and_read() == first
    clock.advance(timedelta(seconds=30))
    assert resolve_and_read() == first  # within the minute: not written again
    clock.advance(timedelta(seconds=31))
    assert resolve_and_read() == clock.now()


def test_users_get_roles_at_or_below_their_creators_in_its_organisation(
    client: TestClient,
    context: Context,
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    """Issue 11: an enterprise user created a ``landlord`` that then read two other
    organisations. Roles follow a hierarchy and the organisation's kind."""
    from hazwatch.registry.demo import load_demo

    with context.unit_of_work() as session:
        demo = load_demo(session)
    lab_admin = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    officer = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    worker = login_as(Role.WORKER, organisation_id=demo["lab"])
    landlord_admin = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["landlord"])

    def create(headers: dict[str, str], name: str, role: str, **scope: int) -> object:
        body = {"username": name, "password": "long-enough", "role": role, **scope}
        return client.post("/api/users", json=body, headers=headers)

    lab = {"organisation_id": demo["lab"]}
    assert create(lab_admin, "officer2", "safety_officer", **lab).status_code == 201  # type: ignore[attr-defined]
    assert create(officer, "worker2", "worker", **lab).status_code == 201  # type: ignore[attr-defined]
    refusals = [
        (lab_admin, "fake-landlord", "landlord", lab, 422, "auth.role_needs_organisation_kind"),
        (lab_admin, "boss", "platform_admin", lab, 403, "tenancy.role_above_yours"),
        (lab_admin, "reg", "regulator", {"jurisdiction_id": demo["district"]}, 403, None),
        (lab_admin, "other", "worker", {"organisation_id": demo["chem"]}, 403, None),
        (officer, "admin2", "enterprise_admin", lab, 403, "tenancy.role_above_yours"),
        (worker, "worker3", "worker", lab, 403, "auth.cannot_manage_user"),
    ]
    for headers, name, role, scope, status, code in refusals:
        response = create(headers, name, role, **scope)
        assert response.status_code == status, (name, response.text)  # type: ignore[attr-defined]
        if code is not None:
            assert error_code(response) == code, name
    landlord = {"organisation_id": demo["landlord"]}
    assert create(landlord_admin, "landlord2", "landlord", **landlord).status_code == 201  # type: ignore[attr-defined]
    with context.sessions() as session:
        names = {u.username for u in session.query(UserAccount)}
    assert {"officer2", "worker2", "landlord2"} <= names
    assert not names & {"fake-landlord", "boss", "reg", "other", "admin2", "worker3"}


def test_device_accounts_cannot_log_in_interactively(client: TestClient, context: Context) -> None:
    from hazwatch.registry.demo import load_demo

    with context.unit_of_work() as session:
        demo = load_demo(session)
        device = auth.create_user(
            session,
            username="gateway-7",
            password="long-enough-secret",
            role=Role.DEVICE,
            organisation_id=demo["lab"],
        )
        _token, secret = auth.issue_token(session, device, kind="api", lifetime=timedelta(days=1))
    refused = client.post(
        "/api/auth/login", json={"username": "gateway-7", "password": "long-enough-secret"}
    )
    assert refused.status_code == 401
    assert error_code(refused) == "tenancy.device_cannot_log_in"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["role"] == "device"
