"""Settings from the environment (``HAZWATCH_*``) and an optional TOML settings file.

The settings file is named by ``HAZWATCH_SETTINGS_FILE``; environment variables win over it,
so an operator can override one value without editing the file.
"""

from __future__ import annotations

import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

#: An operator contact: a delivery channel (hazwatch.monitoring.escalation.channels) and its
#: address, e.g. ``webhook:https://ops.example/hook`` or ``email:ops@example.org``.
OPERATOR_CONTACT = r"^(webhook|dingtalk|wecom|email|console):[^\x00]*$"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HAZWATCH_", extra="forbid")

    data_dir: Path = Field(default=Path("var"), description="Where the embedded database lives.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite file under data_dir."
    )
    secret_key: SecretStr = Field(
        default=SecretStr("change-me-in-production"),
        description="Signs console sessions; set a long random value in production.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    language: Literal["zh_CN", "en"] = "zh_CN"
    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    log_json: bool = False

    console_unconnected_page_s: float = Field(
        default=60.0,
        ge=1,
        le=60,
        description="A console page fetched but never connected to (a probe, curl, a tab "
        "closed while loading) is dropped after this long; NiceGUI's own sweep drops it after "
        "a minute anyway, so longer is not possible.",
    )
    session_hours: float = Field(default=12.0, gt=0)
    api_token_days: float = Field(default=365.0, gt=0)

    mqtt_url: str = "mqtt://127.0.0.1:1883"
    mqtt_username: str | None = None
    mqtt_password: SecretStr | None = None
    mqtt_tls_ca: Path | None = None
    mqtt_topic_prefix: str = "hazwatch"
    mqtt_client_id: str = "hazwatch-engine"
    engine_partitions: int = Field(
        default=1,
        ge=1,
        le=1024,
        description="Engine processes splitting the sites (hazwatch.monitoring.sharding).",
    )
    engine_partition: int = Field(
        default=0, ge=0, description="Which of the engine partitions this process runs."
    )
    ingest_enabled: bool = Field(
        default=True, description="Run MQTT ingest, the tick loop and the writer thread."
    )
    engine_tick_seconds: float = Field(default=1.0, gt=0, le=60)
    stream_url: str | None = Field(
        default=None,
        description="NATS JetStream server (nats://host:4222), or a cluster's servers "
        "separated by commas; the process's role user and password go in the URL "
        "(nats://hazwatch-worker:secret@host:4222, deploy/nats/hazwatch.conf). Set: ingest "
        "runs partitioned in 'hazwatch worker run' processes fed by the stream "
        "(docs/ingest.md); unset, the single process takes MQTT itself.",
    )
    stream_name: str = Field(default="HAZWATCH", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    stream_subject_prefix: str = Field(default="hazwatch", pattern=r"^[a-z0-9_-]{1,32}$")
    stream_partitions: int = Field(
        default=16,
        ge=1,
        le=1024,
        description="Partitions the sites are split into (more than workers, so that load "
        "spreads when workers come and go); change it only with every worker stopped.",
    )
    worker_lease_seconds: float = Field(
        default=5.0,
        ge=1,
        le=60,
        description="A worker that has not renewed its partitions' leases this long is "
        "taken for dead and its partitions move to the others.",
    )
    ingest_max_batch: int = Field(
        default=1000, ge=1, le=100_000, description="Most readings in one gateway batch."
    )
    ingest_stall_after_s: float = Field(
        default=15.0,
        gt=0,
        le=3600,
        description="Ingest has stalled (/readyz 503, a notice to the platform operator) when "
        "readings wait this long with none stored meanwhile, or database writes fail this long.",
    )
    ingest_lag_limit_s: float = Field(
        default=30.0,
        gt=0,
        le=86_400,
        description="Ingest lags (/readyz 503, a notice) when the oldest reading received and "
        "not yet stored is older than this.",
    )
    operator_contacts: list[Annotated[str, Field(pattern=OPERATOR_CONTACT)]] = Field(
        default=["console:platform"],
        description="Where the platform operator hears of the platform itself (ingest stalled, "
        "recovered): 'channel:address' entries, a channel being webhook, dingtalk, wecom, "
        "email or console (the console of platform administrators).",
    )

    regulator_may_acknowledge: bool = Field(
        default=False,
        description="Whether a regulator may acknowledge or shelve an enterprise's alarm. By "
        "default a regulator comments and the enterprise acknowledges: an acknowledgement stops "
        "the enterprise's escalation, which only the enterprise may decide.",
    )

    access_deadline_ms: int = Field(
        default=800, ge=50, le=10_000, description="Past this the access check answers deny."
    )
    gas_test_max_age_minutes: int = Field(
        default=30,
        ge=1,
        le=60,
        description="Confined-space entry within this long of the gas test (GB 30871-2022: 30 "
        "min; up to 60 where the enterprise's rules allow).",
    )
    scba_minimum_pressure_mpa: Decimal = Field(
        default=Decimal(25),
        gt=0,
        le=60,
        description="Default minimum cylinder pressure for an SCBA set to count as ready "
        "(25 MPa for a 30 MPa cylinder; GB/T 18664-2002 inspection and maintenance practice).",
    )

    occupancy_max_stay_minutes: int = Field(
        default=480,
        ge=5,
        le=7 * 24 * 60,
        description="A person still inside a room this long after entering is asked about: "
        "nobody is ever inside forever (a missed exit, or someone in trouble). Default one "
        "shift (8 h).",
    )
    tank_profile_relearn_hours: float = Field(
        default=24.0,
        gt=0,
        le=24 * 28,
        description="A tank's weekly draw profile is learned again this often from the last "
        "four weeks of level history, leaving out the spans of leaks found; a tank that "
        "started without history keeps the contracted draw only until a week is stored.",
    )
    calibration_interval_months: int = Field(
        default=12,
        ge=1,
        le=60,
        description="A fixed gas detector is calibrated at least this often (GB/T 50493-2019 "
        "practice and JJG 365 verification: once a year); past it the detector is "
        "uncalibrated.",
    )

    commitment_deadline: str = Field(
        default="10:00",
        pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
        description="Local time by which each enterprise publishes its daily safety commitment "
        "(Zhejiang: before 10:00); missing by then is flagged to it and its regulator.",
    )

    hazard_general_deadline_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Deadline given to a general (一般) hidden danger when none is entered: no "
        "national deadline exists (DOMAIN §7), so it is the enterprise's setting. A major (重大) "
        "one always needs its deadline entered.",
    )
    dispatch_min_priority: Literal["urgent", "high", "medium", "low"] = Field(
        default="high",
        description="Warnings at or above this level are dispatched to the responsible "
        "department for on-site verification (派单核查, seed 001 §14): alarms by priority, "
        "major registry findings as high.",
    )
    dispatch_hidden_danger_grade: Literal["major", "general"] = Field(
        default="major",
        description="Hidden dangers of this grade (or higher) past their deadline are dispatched.",
    )
    waste_quantity_tolerance: Decimal = Field(
        default=Decimal("0.02"),
        ge=0,
        le=1,
        description="A waste manifest's picked-up or received quantity may differ from the "
        "declared one by this share (inclusive) before it is a reconciliation finding: weighing "
        "at the producer and at the receiver differ a little; the district's setting, not law.",
    )
    transport_staff_per_vehicles: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="A hazardous-goods carrier keeps one real-time monitoring person per this "
        "many connected vehicles (seed 001 measure 6; 交通运输部 动态监控 practice: 1 per 100).",
    )
    coverage_training_years: int = Field(
        default=3,
        ge=1,
        le=10,
        description="A person counts towards vocational training coverage (seed 001 measure "
        "17) for this many years after a passed vocational skill-upgrade course; the seed sets "
        "no period, three years is a skill-level course cycle.",
    )
    coverage_enforcement_years: Decimal = Field(
        default=Decimal(2),
        ge=0,
        le=40,
        description="Years of safety practice an enforcement officer needs, with a "
        "safety-related degree, to count as qualified (seed 001 measure 19: 相关专业学历和实践"
        "经验; the seed sets no figure).",
    )
    transport_staff_minimum: int = Field(
        default=2, ge=0, le=100, description="…and at least this many monitoring staff."
    )
    map_tile_url: str | None = Field(
        default=None,
        max_length=500,
        pattern=r"^https?://[^\s\x00]*\{z\}[^\s\x00]*$",
        description="Tile server of the console's map, a Leaflet URL template such as "
        "'https://tiles.example/{z}/{x}/{y}.png' (an in-house server for an offline site); "
        "unset: no tiles, the layers are drawn on a plain background.",
    )
    map_tile_attribution: str = Field(
        default="", max_length=300, description="Attribution the tile server requires."
    )
    transport_speed_limit_kmh: int = Field(
        default=60,
        ge=1,
        le=200,
        description="Speed limit for hazardous-goods vehicles outside any speed zone (60 km/h on "
        "ordinary roads; expressways are zones with 80 km/h).",
    )
    admission_opinion_working_days: int = Field(
        default=10,
        ge=1,
        le=120,
        description="Working days a department has for its opinion in the joint review of a "
        "hazardous-chemical construction project (seed 001 measure 3 sets no period: the "
        "district's rule). Past it the opinion is overdue: a finding, dispatched when the "
        "project carries a 两重点一重大 flag.",
    )
    admission_decision_working_days: int = Field(
        default=20,
        ge=1,
        le=240,
        description="Working days from opening the joint review to the lead department's "
        "decision (the district's rule).",
    )
    attachment_store: Literal["local", "s3"] = Field(
        default="local", description="Where photos and documents are kept: a local folder or S3."
    )
    attachment_dir: Path | None = Field(
        default=None, description="Folder for attachments (default: data_dir/attachments)."
    )
    attachment_max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, le=200 * 1024 * 1024, description="Largest file."
    )
    attachment_types: list[Literal["jpeg", "png", "webp", "pdf", "docx", "xlsx"]] = Field(
        default=["jpeg", "png", "webp", "pdf", "docx", "xlsx"],
        min_length=1,
        description="File types accepted, recognised by their content (not their name).",
    )
    attachment_s3_bucket: str | None = None
    attachment_s3_endpoint_url: str | None = Field(
        default=None, description="An S3-compatible store (MinIO, Ceph, OSS …); none: AWS."
    )
    attachment_s3_region: str = "us-east-1"
    attachment_s3_access_key_id: str | None = None
    attachment_s3_secret_access_key: SecretStr | None = None
    attachment_s3_prefix: str = "attachments/"
    attachment_s3_path_style: bool = Field(
        default=True, description="Path-style bucket addressing (what on-premise stores want)."
    )

    storage_max_interval_s: int = Field(
        default=60,
        ge=1,
        le=3600,
        description="A point's reading is stored at least this often even when it does not "
        "move (storage by exception, see hazwatch.monitoring.archive).",
    )
    reading_retention_days: int = Field(default=90, ge=1)
    aggregate_retention_days: int = Field(default=730, ge=1)

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "hazwatch@localhost"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False

    @property
    def effective_attachment_dir(self) -> Path:
        return self.attachment_dir or self.data_dir / "attachments"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hazwatch.db').resolve()}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        settings_file = os.environ.get("HAZWATCH_SETTINGS_FILE")
        if settings_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=settings_file))
        return tuple(sources)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
