"""The frontier's shared state in one Redis database, and every operation workers perform on it.

Keys (all under `newsarchive:`):

    start                  start entries, JSON {"url", "job"}, scored by job (sorted set)
    requests               serialised requests waiting for a worker (scrapy-redis priority queue)
    leases                 ids of entries a worker took and has not finished, scored by expiry
    lease:<id>             hash: the entry, the sorted set it came from and its score there
    jobs                   counter: the last crawl job number
    job:<n>:seen           fingerprints of requests made in job n (its duplicate filter)
    job:<n>:chain:<hash>   story URL hash -> first page that listed it, per start URL of job n
    host:<name>            when the next request to that site may start
    requeued               counter: leases that went back to their queue unfinished

Times are Redis's own clock (TIME), so workers on machines whose clocks differ agree. Scripts
build key names from arguments, so this needs one Redis server, not Redis Cluster.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis

PREFIX = "newsarchive:"
START = PREFIX + "start"
REQUESTS = PREFIX + "requests"
LEASES = PREFIX + "leases"
LEASE = PREFIX + "lease:"
LEASE_IDS = PREFIX + "lease-ids"
JOBS = PREFIX + "jobs"
REQUEUED = PREFIX + "requeued"

_NOW_MS = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)"

# KEYS: queue, leases, lease-id counter. ARGV: how many, lease ms, lease-hash prefix.
_TAKE = f"""
local entries = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
if #entries == 0 then return {{}} end
{_NOW_MS}
local taken = {{}}
for i = 1, #entries, 2 do
  local id = tostring(redis.call('INCR', KEYS[3]))
  redis.call('ZREM', KEYS[1], entries[i])
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
  redis.call('HSET', ARGV[3] .. id, 'home', KEYS[1], 'score', entries[i + 1], 'data', entries[i])
  taken[#taken + 1] = id
  taken[#taken + 1] = entries[i]
end
return taken
"""

# KEYS: leases. ARGV: lease ms, ids... Only leases still held are extended.
_RENEW = f"""
{_NOW_MS}
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
return 0
"""

# KEYS: leases, requeued counter. ARGV: lease-hash prefix, 'expired' and a limit, or 'ids' and ids.
_REQUEUE = f"""
local ids
if ARGV[2] == 'expired' then
  {_NOW_MS}
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
else
  ids = {{unpack(ARGV, 3)}}
end
local requeued = 0
for _, id in ipairs(ids) do
  if redis.call('ZREM', KEYS[1], id) == 1 then
    local lease = redis.call('HMGET', ARGV[1] .. id, 'home', 'score', 'data')
    if lease[3] then
      redis.call('ZADD', lease[1], lease[2], lease[3])
      requeued = requeued + 1
    end
  end
  redis.call('DEL', ARGV[1] .. id)
end
if requeued > 0 then redis.call('INCRBY', KEYS[2], requeued) end
return requeued
"""

# KEYS: the host's key. ARGV: interval ms. Returns how long to wait for the reserved slot (ms).
_RESERVE = f"""
{_NOW_MS}
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], at + interval, 'PX', at + interval - now + 1000)
return at - now
"""


@dataclass(frozen=True, slots=True)
class Backlog:
    """What the frontier still holds: start entries, queued requests, entries being worked on."""

    start: int
    queued: int
    leased: int

    @property
    def empty(self) -> bool:
        return not (self.start or self.queued or self.leased)


class Frontier:
    """One Redis database shared by every worker and by `newsarchive enqueue`."""

    def __init__(
        self, server: redis.Redis, *, lease_seconds: float = 60.0, job_ttl: int = 259200
    ) -> None:
        self.server = server
        self.lease_ms = int(lease_seconds * 1000)
        self.job_ttl = job_ttl
        self._take = server.register_script(_TAKE)
        self._renew = server.register_script(_RENEW)
        self._requeue = server.register_script(_REQUEUE)
        self._reserve = server.register_script(_RESERVE)

    @classmethod
    def connect(cls, url: str, **options: Any) -> Frontier:
        """A frontier at a redis:// URL; raises redis.RedisError when it cannot be reached."""
        server = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30)
        server.ping()
        return cls(server, **options)

    @classmethod
    def from_settings(cls, settings: Any) -> Frontier:
        return cls.connect(
            settings.get("REDIS_URL"),
            lease_seconds=settings.getfloat("NEWSARCHIVE_LEASE_SECONDS"),
            job_ttl=settings.getint("NEWSARCHIVE_JOB_TTL"),
        )

    # -- jobs and start entries -----------------------------------------------------------------

    def enqueue(self, urls: Sequence[str]) -> int:
        """Start a crawl job with these start URLs; returns its number."""
        job = int(self.server.incr(JOBS))
        entries = {json.dumps({"url": url, "job": job}): job for url in urls}
        if entries:
            self.server.zadd(START, entries)
        return job

    def backlog(self) -> Backlog:
        with self.server.pipeline(transaction=False) as pipe:
            pipe.zcard(START).zcard(REQUESTS).zcard(LEASES)
            return Backlog(*pipe.execute())

    def requeued(self) -> int:
        return int(self.server.get(REQUEUED) or 0)

    # -- leases ---------------------------------------------------------------------------------

    def take(self, queue: str, count: int) -> list[tuple[str, bytes]]:
        """Lease up to `count` entries of `queue`, lowest score first: (lease id, entry) pairs.

        A leased entry stays in Redis until `ack`; if its worker dies, it goes back to its queue
        once the lease expires (`requeue_expired`).
        """
        taken = self._take(keys=[queue, LEASES, LEASE_IDS], args=[count, self.lease_ms, LEASE])
        return [(taken[i].decode(), taken[i + 1]) for i in range(0, len(taken), 2)]

    def renew(self, leases: Iterable[str]) -> None:
        ids = list(leases)
        if ids:
            self._renew(keys=[LEASES], args=[self.lease_ms, *ids])

    def ack(self, leases: Iterable[str]) -> None:
        """Finish leases for good: what they held is done."""
        ids = list(leases)
        if ids:
            with self.server.pipeline() as pipe:
                pipe.zrem(LEASES, *ids).delete(*(LEASE + id_ for id_ in ids))
                pipe.execute()

    def release(self, leases: Iterable[str]) -> int:
        """Put leased entries back in their queue now; returns how many went back."""
        ids = list(leases)
        if not ids:
            return 0
        return int(self._requeue(keys=[LEASES, REQUEUED], args=[LEASE, "ids", *ids]))

    def requeue_expired(self, limit: int = 1000) -> int:
        """Put entries whose lease expired (their worker died or hung) back in their queue."""
        return int(self._requeue(keys=[LEASES, REQUEUED], args=[LEASE, "expired", limit]))

    # -- per-job memory -------------------------------------------------------------------------

    def seen(self, job: int, fingerprint: str) -> bool:
        """Record a request fingerprint in the job; True if the job had already made it."""
        key = f"{PREFIX}job:{job}:seen"
        with self.server.pipeline() as pipe:
            pipe.sadd(key, fingerprint).expire(key, self.job_ttl)
            added, _ = pipe.execute()
        return added == 0

    def first_listed(
        self, job: int, start_url: str, page_number: int, keys: Sequence[str]
    ) -> set[str]:
        """Record the stories a page of a chain lists; returns those first listed on this page.

        Asking again for the same page gives the same answer, so a page fetched again after a
        worker died is judged as it was the first time.
        """
        if not keys:
            return set()
        key = f"{PREFIX}job:{job}:chain:{_digest(start_url)}"
        fields = [
            _digest(story) for story in keys
        ]  # a fixed 16 bytes a story, however long its URL
        with self.server.pipeline() as pipe:
            for name in fields:
                pipe.hsetnx(key, name, page_number)
            pipe.hmget(key, fields).expire(key, self.job_ttl)
            pages = pipe.execute()[-2]
        return {story for story, page in zip(keys, pages, strict=True) if int(page) == page_number}

    # -- politeness -----------------------------------------------------------------------------

    def reserve_host(self, host: str, interval: float) -> float:
        """Reserve the next request slot for `host`, `interval` seconds after the last one
        reserved by any worker; returns the seconds to wait until it."""
        wait_ms = self._reserve(keys=[f"{PREFIX}host:{host}"], args=[int(interval * 1000)])
        return int(wait_ms) / 1000


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def display_url(url: str) -> str:
    """A redis:// URL as shown to people: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))
