"""The load tool of the intake benchmark: threads of ``http.client`` clients on
loopback, each POSTing JSON reports to ``/api/v1/reports/`` until a deadline.

Every *submission* is one logical report with a token of its own, written at the head
of its description (``[token] …``) so the database can be counted per submission,
and sent as its ``Idempotency-Key`` when the run is keyed. A share of submissions is
sent twice, the way real clients retry:

``after``    the same request again once the first answer has been read (a replay);
``race``     the copy on a second connection right after the first, before either
             answer is read (both in flight at once);
``delayed``  the copy on a second connection 0–100 ms after the first (in flight
             together or not, by chance);
``dropped``  the first request on a socket closed right after sending, without
             reading the answer (the server still handles it), then the copy on the
             client's connection 0–50 ms later.

Latencies are kept only for requests measured alone (plain ones, ``after`` replays
and the copy after a drop); a racing pair is read one after the other, so its times
would include the wait for its partner.
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"
PATH = "/api/v1/reports/"
TIMEOUT_S = 60
KINDS = ("after", "race", "delayed", "dropped")
PHRASES = (
    "Rác thải tồn đọng ven đường, bốc mùi",
    "Đèn đường không sáng từ tối qua",
    "Ổ gà lớn giữa làn xe máy",
    "Cống thoát nước bị tắc, nước tràn lên mặt đường",
    "Cây xanh gãy cành chắn lối đi bộ",
    "Vỉa hè bị lấn chiếm để bán hàng",
    "Biển báo giao thông bị nghiêng đổ",
    "Nước sinh hoạt có màu đục",
)
MOBILE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098")


@dataclass(frozen=True)
class Submission:
    """One logical report: its token, its key (None when unkeyed) and its body."""

    token: str
    key: str | None
    body: bytes

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.key is not None:
            headers["Idempotency-Key"] = self.key
        return headers

    def raw(self, port: int) -> bytes:
        """The whole HTTP/1.1 request, for a socket that will not wait for the answer."""
        lines = [f"POST {PATH} HTTP/1.1", f"Host: {HOST}:{port}"]
        lines += [f"{name}: {value}" for name, value in self.headers().items()]
        lines += [f"Content-Length: {len(self.body)}", "Connection: close"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


def phone_draw(rng: random.Random) -> str:
    """A Vietnamese mobile number, 09x followed by seven digits."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"


def submission_make(
    rng: random.Random,
    *,
    token: str,
    points: list[tuple[float, float]],
    categories: list[str],
    keyed: bool,
) -> Submission:
    lon, lat = rng.choice(points)
    body = {
        "lon": round(lon, 7),
        "lat": round(lat, 7),
        "category": rng.choice(categories),
        "description": f"[{token}] {rng.choice(PHRASES)}.",
        "reporter_phone": phone_draw(rng),
        "channel": "app",
    }
    return Submission(
        token=token,
        key=token if keyed else None,
        body=json.dumps(body, ensure_ascii=False).encode(),
    )


@dataclass
class Tally:
    """What one client saw; tallies of all clients add up with ``merge``."""

    submissions: int = 0
    requests: int = 0
    times: dict[int, list[int]] = field(default_factory=dict)  # status → ns
    statuses: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)
    codes: dict[str, list[str]] = field(default_factory=dict)  # token → 2xx codes

    def merge(self, other: Tally) -> None:
        self.submissions += other.submissions
        self.requests += other.requests
        for status, times in other.times.items():
            self.times.setdefault(status, []).extend(times)
        self.statuses.update(other.statuses)
        self.retries.update(other.retries)
        for token, codes in other.codes.items():
            self.codes.setdefault(token, []).extend(codes)


class Client:
    """One simulated client on a keep-alive connection (re-opened by ``http.client``
    whenever the server closes it)."""

    def __init__(self, port: int, tally: Tally) -> None:
        self.port = port
        self.tally = tally
        self.conn = self._connection()

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT_S)

    def close(self) -> None:
        self.conn.close()

    def _send(self, conn: http.client.HTTPConnection, sub: Submission) -> bool:
        try:
            conn.request("POST", PATH, body=sub.body, headers=sub.headers())
        except OSError as error:
            self._failed(conn, sub, error)
            return False
        self.tally.requests += 1
        return True

    def _read(
        self, conn: http.client.HTTPConnection, sub: Submission, start: int | None
    ) -> bool:
        """Read an answer; its latency counts only when ``start`` is given."""
        try:
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            self._failed(conn, sub, error)
            return False
        if start is not None:
            elapsed = time.perf_counter_ns() - start
            self.tally.times.setdefault(response.status, []).append(elapsed)
        self.tally.statuses[str(response.status)] += 1
        codes = self.tally.codes.setdefault(sub.token, [])
        if 200 <= response.status < 300:
            codes.append(json.loads(payload)["tracking_code"])
        if response.will_close:
            conn.close()
        return True

    def _failed(
        self, conn: http.client.HTTPConnection, sub: Submission, error: Exception
    ) -> None:
        self.tally.statuses[f"error:{type(error).__name__}"] += 1
        self.tally.codes.setdefault(sub.token, [])
        conn.close()

    def one(self, sub: Submission) -> None:
        """Send and read, timed; a connection error is retried once on a new
        connection, as any client would (this is what the key makes safe)."""
        for attempt in range(2):
            start = time.perf_counter_ns()
            if self._send(self.conn, sub) and self._read(self.conn, sub, start):
                return
            if attempt == 0:
                self.tally.retries["after_error"] += 1

    def pair(self, sub: Submission, delay_s: float) -> None:
        """The request and its copy on a second connection, both in flight (the copy
        ``delay_s`` later), read in turn and not timed."""
        spare = self._connection()
        try:
            sent = self._send(self.conn, sub)
            if delay_s:
                time.sleep(delay_s)
            copy_sent = self._send(spare, sub)
            if sent:
                self._read(self.conn, sub, None)
            if copy_sent:
                self._read(spare, sub, None)
        finally:
            spare.close()

    def dropped(self, sub: Submission, delay_s: float) -> None:
        """Send on a socket closed without reading, then the copy, timed."""
        try:
            with socket.create_connection((HOST, self.port), timeout=TIMEOUT_S) as raw:
                raw.sendall(sub.raw(self.port))
            self.tally.requests += 1
            self.tally.statuses["dropped"] += 1
        except OSError as error:
            self.tally.statuses[f"error:{type(error).__name__}"] += 1
        time.sleep(delay_s)
        self.one(sub)

    def submit(
        self,
        sub: Submission,
        rng: random.Random,
        retry_share: float,
        kinds: tuple[str, ...] = KINDS,
    ) -> None:
        self.tally.submissions += 1
        kind = rng.choice(kinds) if rng.random() < retry_share else None
        if kind is None:
            self.one(sub)
            return
        self.tally.retries[kind] += 1
        if kind == "after":
            self.one(sub)
            self.one(sub)
        elif kind == "race":
            self.pair(sub, 0.0)
        elif kind == "delayed":
            self.pair(sub, rng.uniform(0, 0.1))
        else:
            self.dropped(sub, rng.uniform(0, 0.05))


@dataclass(frozen=True)
class Load:
    """A timed run: ``clients`` threads for ``seconds``, the share of submissions
    sent twice and the kinds of retry drawn for them, and whether each submission
    carries an Idempotency-Key."""

    name: str
    clients: int
    seconds: float
    keyed: bool
    retry_share: float = 0.0
    kinds: tuple[str, ...] = KINDS


def _client_run(
    port: int,
    load: Load,
    index: int,
    *,
    run_id: str,
    points: list[tuple[float, float]],
    categories: list[str],
    deadline: float,
    seed: int,
) -> Tally:
    rng = random.Random(f"{seed}-{load.name}-{index}")
    tally = Tally()
    client = Client(port, tally)
    n = 0
    try:
        while time.perf_counter() < deadline:
            n += 1
            sub = submission_make(
                rng,
                token=f"{run_id}-{load.name}-{index}-{n}",
                points=points,
                categories=categories,
                keyed=load.keyed,
            )
            client.submit(sub, rng, load.retry_share, load.kinds)
    finally:
        client.close()
    return tally


def load_run(
    port: int,
    load: Load,
    *,
    run_id: str,
    points: list[tuple[float, float]],
    categories: list[str],
    seed: int,
) -> tuple[Tally, float]:
    """Run ``load`` against the server on ``port``; the merged tally and the seconds
    from the start to the last answer."""
    start = time.perf_counter()
    deadline = start + load.seconds
    with ThreadPoolExecutor(load.clients) as pool:
        tallies = list(
            pool.map(
                lambda i: _client_run(
                    port,
                    load,
                    i,
                    run_id=run_id,
                    points=points,
                    categories=categories,
                    deadline=deadline,
                    seed=seed,
                ),
                range(load.clients),
            )
        )
    elapsed = time.perf_counter() - start
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total, elapsed


def tally_json(tally: Tally, seconds: float) -> dict[str, Any]:
    """Throughput and status counts (latencies are summarised by the caller)."""
    created = tally.statuses.get("201", 0)
    return {
        "seconds": round(seconds, 3),
        "submissions": tally.submissions,
        "requests": tally.requests,
        "submissions_per_s": round(tally.submissions / seconds, 1),
        "created_per_s": round(created / seconds, 1),
        "requests_per_s": round(tally.requests / seconds, 1),
        "statuses": dict(sorted(tally.statuses.items())),
        "retries": dict(sorted(tally.retries.items())),
    }
