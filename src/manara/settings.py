"""One settings object for the whole application, read from ``MANARA_*`` environment variables."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

UNSAFE_SECRETS = {"", "changethis", "dev-secret-key"}


class Settings(BaseSettings):
    """Runtime configuration; every field is documented in docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="MANARA_", env_file=".env", extra="ignore")

    env: Literal["dev", "test", "prod"] = Field(
        "dev", description="Deployment environment; `prod` refuses unsafe defaults."
    )
    database_url: str = Field(
        "sqlite:///./manara.db",
        description="SQLAlchemy URL of the system of record: SQLite by default, PostgreSQL in production "
        "(e.g. `postgresql+psycopg://manara@db/manara`).",
    )
    secret_key: SecretStr = Field(
        SecretStr("dev-secret-key"),
        description="Signing key for sessions and tokens; must be set to a long random value in prod.",
    )
    previous_secret_keys: list[SecretStr] = Field(
        default_factory=list,
        description="Earlier values of `MANARA_SECRET_KEY` (JSON list, newest first) during a key rotation: stored "
        "secrets encrypted under them still decrypt until `manara keys rotate` re-encrypts them under the new key.",
    )
    max_request_bytes: int = Field(
        10 * 1024 * 1024, description="Largest accepted request body for ordinary JSON requests, in bytes."
    )
    max_import_bytes: int = Field(
        512 * 1024 * 1024, description="Largest accepted body of an FtM JSON-lines import, in bytes."
    )
    max_line_bytes: int = Field(
        256 * 1024, description="Largest accepted single line of an FtM JSON-lines import, in bytes."
    )
    max_string_chars: int = Field(
        10_000, description="Longest accepted single property value or text field, in characters."
    )
    page_size_default: int = Field(50, description="Default page size of list endpoints.")
    page_size_max: int = Field(500, description="Largest page size a client may ask for.")
    api_key_default_days: int = Field(90, description="Validity of a new API key when none is given, in days.")
    review_period_days: int = Field(
        365 * 5, description="Default review period of a new record (days until its review date)."
    )
    demo_seed: int = Field(7, description="Seed of the demo network generator (`manara demo load`).")
    demo_persons: int = Field(3000, description="Number of generated persons in the demo network.")
    log_level: str = Field("INFO", description="Python log level of the application loggers.")
    log_format: Literal["json", "text"] = Field(
        "json",
        description="Log lines as JSON objects (one per line, with the request id) or `text` for reading in "
        "development. Neither ever carries a query string or a body (docs/operations.md).",
    )
    metrics_networks: list[str] = Field(
        default_factory=lambda: ["127.0.0.1/32", "::1/128"],
        description="Client networks (JSON list of CIDR) allowed to read `/metrics` without a token; the "
        "client address is the one uvicorn resolved through the trusted proxies.",
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="Bearer token that also opens `/metrics` (`Authorization: Bearer …`) to a scraper outside "
        "`MANARA_METRICS_NETWORKS`; unset: networks only.",
    )
    webhook_max_attempts: int = Field(
        8, ge=1, le=30, description="Delivery attempts of a webhook event before it moves to the dead-letter list."
    )
    webhook_backoff_seconds: float = Field(
        10.0,
        gt=0,
        description="First retry delay of a failed webhook delivery; doubled at each attempt (half of it random), "
        "at most `MANARA_WEBHOOK_BACKOFF_MAX_SECONDS`.",
    )
    webhook_backoff_max_seconds: float = Field(3600.0, gt=0, description="Longest delay between two delivery attempts.")
    webhook_timeout_seconds: float = Field(10.0, gt=0, description="Time allowed to a receiver to answer a delivery.")
    webhook_every_seconds: float = Field(
        2.0, gt=0, description="How often the server's job runner fans out new outbox events and delivers webhooks."
    )
    webhook_allow_networks: list[str] = Field(
        default_factory=list,
        description="Private networks (JSON list of CIDR) webhook endpoints may resolve to, e.g. a receiver in the "
        "bureau's own network; by default endpoints resolving to private, loopback, link-local or reserved "
        "addresses are refused (SSRF guard). Plain `http://` is accepted only to loopback in `dev`/`test`.",
    )
    data_dir: Path = Field(Path("./var"), description="Directory for files the server writes (exports, jobs).")
    trusted_proxies: str = Field(
        "127.0.0.1",
        description="Comma-separated addresses or networks (CIDR) of the reverse proxies whose `X-Forwarded-For` "
        "and `X-Forwarded-Proto` headers are believed, e.g. `127.0.0.1,10.89.0.0/24`; `*` trusts every peer "
        "(only when nothing but the proxy can reach the server). A request from any other peer keeps the peer's "
        "own address as client address (rate limits, sign-in throttling, `/metrics` networks, logs). "
        "See docs/deployment.md.",
    )
    pg_bin_dir: Path | None = Field(
        None,
        description="Folder of `pg_dump`/`pg_restore` for `manara backup`/`restore` with PostgreSQL (their "
        "major version at least the server's); unset: from `PATH`, else the newest `/usr/lib/postgresql/*/bin`.",
    )

    hit_deadline_minutes: dict[str, int] = Field(
        default_factory=dict,
        description="Minutes the record owner has to answer a hit, per notice type (JSON object): overrides of "
        "the type's `hit_deadline` in the registry `manara.notice.types`; `document` for "
        "travel-document hits (default 60). Types left out keep their default.",
    )
    screening_refresh_seconds: float = Field(
        0.25, description="How often each API process pulls the outbox to keep its screening index fresh."
    )
    screening_snapshot: Path | None = Field(
        None,
        description="Folder of a screening index snapshot: loaded at start (then brought up to date from "
        "the outbox) instead of a full build; written there after a full build.",
    )
    batch_max_rows: int = Field(1_000_000, description="Most passengers accepted in one batch screening job.")
    biometric_max_image_bytes: int = Field(
        8 * 1024 * 1024, description="Largest accepted biometric image (face photo, fingerprint), in bytes."
    )
    biometric_max_pixels: int = Field(
        40_000_000,
        description="Largest accepted biometric image in pixels (width × height): decompression bombs "
        "and huge dimensions are refused before decoding.",
    )
    biometric_min_face_pixels: int = Field(40, description="Smallest accepted face (shorter side of its box), in px.")
    biometric_min_sharpness: float = Field(
        15.0, description="Laplacian variance of the face crop below which a face is reported `blurry`."
    )
    biometric_store_originals: bool = Field(
        False,
        description="Allow owners to keep enrolled original images (under `MANARA_DATA_DIR/biometrics`); "
        "off by default: only templates are stored.",
    )
    biometric_search_limit: int = Field(20, description="Default length of a biometric candidate list (at most 100).")
    case_response_minutes: dict[str, int] = Field(
        default_factory=lambda: {"urgent": 60, "high": 240, "normal": 1440, "low": 4320},
        description="Minutes an invited member has to give a case its first response, per case priority (JSON object).",
    )
    case_attachment_max_bytes: int = Field(
        8 * 1024 * 1024, description="Largest accepted case attachment, in bytes (under MANARA_MAX_REQUEST_BYTES)."
    )
    notice_review_hours: int = Field(
        24, description="Hours reviewers have to decide on a submitted notice before it is escalated."
    )
    pursuit_default_request_days: int = Field(
        40,
        ge=1,
        description="Days allowed for an extradition request after a provisional arrest when no treaty of the "
        "registry binds both members (the pursuit page says the default applies).",
    )
    pursuit_warning_hours: int = Field(
        72, ge=0, description="Hours before a provisional arrest lapses at which the console queue warns."
    )
    tip_retention_days: int = Field(
        90, ge=1, description="Days a public appeal tipster's contact data is kept before `manara pursuits purge-tips`."
    )
    tip_rate_per_hour: int = Field(5, ge=1, description="Public tips accepted per client address per hour.")
    tip_max_chars: int = Field(4000, ge=100, description="Longest accepted public tip text, in characters.")
    tip_attachment_max_bytes: int = Field(
        2 * 1024 * 1024, description="Largest public tip attachment, in bytes (stored opaque, never served inline)."
    )
    live_poll_seconds: float = Field(
        0.2, description="How often each process's live-feed tailer reads new outbox events (one reader per process)."
    )
    live_heartbeat_seconds: float = Field(15.0, description="Seconds between heartbeats on an idle live-feed stream.")
    live_replay_limit: int = Field(
        1000,
        description="Most outbox events a reconnecting live feed replays after its `Last-Event-ID`; beyond "
        "that the browser is told to reload the page.",
    )
    shutdown_grace_seconds: int = Field(
        30,
        ge=1,
        description="On SIGTERM/SIGINT, seconds the server waits for requests in progress (live-feed "
        "streams included: browsers reconnect and replay) before it cancels them and exits.",
    )
    live_connection_seconds: float = Field(
        600.0,
        description="A live-feed stream ends after this many seconds; the browser reconnects with "
        "`Last-Event-ID` and its session is checked again.",
    )
    live_client_buffer: int = Field(
        256,
        description="Events buffered per live-feed connection; a client that falls further behind is "
        "disconnected and replays on reconnect.",
    )
    escalation_every_seconds: float = Field(30.0, description="How often the job runner escalates overdue items.")
    biometric_ann_min: int = Field(
        100_000,
        ge=1,
        description="Templates of one engine from which its 1:N gallery becomes an approximate "
        "(IVF) index instead of an exact scan.",
    )
    biometric_ann_nprobe: int = Field(
        384,
        ge=1,
        description="Cells of an approximate biometric gallery scanned per search (more = slower, "
        "better recall; see docs/benchmarks.md).",
    )
    biometric_snapshot: Path | None = Field(
        None,
        description="Folder of a biometric index snapshot: loaded at start (then brought up to date from "
        "the outbox) instead of a full build; written there after a full build.",
    )

    training_required_courses: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Training that gates access (JSON object), off when empty: a permission (e.g. `screen`, "
        "`notice:write`) or `*` (using the network at all: every permission but training's, for every role but "
        "administrators) mapped to the course codes whose valid certificate a user must hold, e.g. "
        '`{"*": ["MANARA-101"], "screen": ["DP-100"]}`. Missing or expired: the permission is gone on '
        "the user's next request.",
    )
    training_expiry_notice_days: int = Field(
        30, ge=1, description="Days before a certificate expires when its holder and their bureau are told."
    )
    training_public_url: str = Field(
        "http://localhost:8000",
        description="Public base URL of the certificate verification page and revocation status lists "
        "(printed in credentials and QR codes).",
    )

    drone_message_retention_hours: int = Field(
        72, ge=1, description="Hours raw Remote ID messages are kept (messages kept as incident evidence stay)."
    )
    drone_max_batch: int = Field(5000, ge=1, description="Most Remote ID messages one receiver batch may post.")

    idempotency_hours: int = Field(
        24,
        ge=1,
        description="Hours the first answer to a POST sent with an Idempotency-Key is kept for a retry to replay "
        "(the retention job forgets older ones).",
    )
    batch_retention_hours: int = Field(
        168,
        ge=1,
        description="Hours the passenger list and results of a finished batch screening job are kept (from its "
        "end); then the job runner deletes both files and marks the job `purged`. Files are private to the "
        "server's user (0600, folder 0700).",
    )
    audit_checkpoint_key_file: Path | None = Field(
        None,
        description="File holding the secret key of audit checkpoints (at least 32 bytes; kept outside the "
        "database, e.g. on the host or a mounted secret): HMAC-SHA256 over the chain head. Unset: no checkpoints.",
    )
    audit_checkpoint_dir: Path | None = Field(
        None,
        description="Folder the job runner writes a signed audit checkpoint to every "
        "`MANARA_AUDIT_CHECKPOINT_EVERY_SECONDS` (copy it off the database host); "
        "`manara audit verify --checkpoints DIR` checks the chain against them.",
    )
    audit_checkpoint_every_seconds: float = Field(
        3600.0, gt=0, description="How often the job runner writes an audit checkpoint (when a folder is set)."
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        """Accept `*` or a comma-separated list of IP addresses and networks (CIDR)."""
        items = [v.strip() for v in value.split(",") if v.strip()]
        if items == ["*"]:
            return "*"
        for item in items:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"not an IP address or network: {item!r}") from exc
        return ",".join(items)

    rate_limits_enabled: bool | None = Field(
        None,
        description="Turn the request rate limits on or off; unset: on, except with `MANARA_ENV=test` "
        "(tests and benchmarks that measure the server set it off explicitly).",
    )
    rate_limit_per_address: str = Field(
        "12000/minute",
        description="Requests one client address may make (`limits` notation, e.g. `200/second`; empty: no limit); "
        "beyond it the answer is 429 with `Retry-After`.",
    )
    rate_limit_per_api_key: str = Field(
        "6000/minute", description="Requests one API key may make (`limits` notation; empty: no limit)."
    )
    rate_limit_per_user: str = Field(
        "6000/minute",
        description="Requests one user may make, over all their keys and console sessions (`limits` notation; "
        "empty: no limit).",
    )
    rate_limit_sign_in: str = Field(
        "30/minute",
        description="Sign-in attempts (password, code, single sign-on) one client address may make "
        "(`limits` notation); failures also slow each (address, account) pair down (back-off, never a lock).",
    )
    oidc_issuer: str = Field(
        "",
        description="OpenID Connect issuer URL of the identity provider for console sign-in (its "
        "`/.well-known/openid-configuration` is read); empty: single sign-on is off, local passwords only.",
    )
    oidc_client_id: str = Field("", description="Client id of Manara at the identity provider.")
    oidc_client_secret: SecretStr = Field(
        SecretStr(""),
        description="Client secret of Manara at the identity provider (empty: a public client, PKCE only).",
    )
    oidc_redirect_url: str = Field(
        "",
        description="The callback URL registered at the provider; empty: `<this server>/console/oidc/callback` as "
        "the browser reached it.",
    )
    oidc_scopes: str = Field("openid profile email", description="Scopes asked of the identity provider.")
    oidc_username_claim: str = Field(
        "preferred_username", description="ID token claim holding the Manara username of the person signing in."
    )
    oidc_country_claim: str = Field(
        "manara_country", description="ID token claim holding the person's member country (ISO alpha-2)."
    )
    oidc_role_claim: str = Field(
        "manara_role",
        description="ID token claim holding the person's role (a role name, or a value mapped by "
        "`MANARA_OIDC_ROLE_MAP`); a string or a list (the first mapped value wins).",
    )
    oidc_role_map: dict[str, str] = Field(
        default_factory=dict,
        description='Provider values of the role claim mapped to Manara roles (JSON object, e.g. `{"ncb-duty": '
        '"duty_officer"}`); empty: the claim must hold the role name itself.',
    )
    oidc_create_users: bool = Field(
        False,
        description="Create a user on the first single sign-on of an unknown username, with the mapped country "
        "and role (no local password); off: only existing users may sign in this way.",
    )
    session_check_seconds: float = Field(
        2.0,
        gt=0,
        description="How often an open live feed checks that its console session is still valid (sign-out, "
        "revocation, disabled user): it closes within this many seconds.",
    )

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Self:
        """Refuse the development secret outside dev and test."""
        if self.env == "prod" and self.secret_key.get_secret_value() in UNSAFE_SECRETS:
            raise ValueError("MANARA_SECRET_KEY must be set to a strong secret when MANARA_ENV=prod")
        if self.env == "prod" and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("MANARA_SECRET_KEY must be at least 32 characters when MANARA_ENV=prod")
        return self


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
