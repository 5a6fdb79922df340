"""The frontier's parts on their own: the ledger, the shared state in a real Redis, the queue codec."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest
import redis
from scrapy import Request
from scrapy.utils.request import request_from_dict

from newsarchive.frontier import serializer
from newsarchive.frontier.ledger import Ledger
from newsarchive.frontier.spider import FrontierChain
from newsarchive.frontier.state import REQUESTS, START, Frontier, display_url


class Recorder:
    def __init__(self) -> None:
        self.acked: list[str] = []
        self.released: list[str] = []

    def ledger(self) -> Ledger:
        return Ledger(self.acked.extend, self.released.extend)


def test_lease_waits_for_its_outputs_and_the_commit() -> None:
    log = Recorder()
    ledger = log.ledger()
    ledger.hold("page")
    ledger.expect("page")  # its stories
    ledger.expect("page")  # the next page's request
    ledger.finish("page")
    ledger.settle("page", stored=True)
    ledger.settle("page")  # the request is queued; the stories are not committed yet
    assert log.acked == []
    ledger.sealed()
    assert log.acked == []  # the batch is with the writer
    ledger.commit_done()
    assert log.acked == ["page"]
    assert ledger.held == []


def test_lease_waits_for_the_batch_its_stories_went_into() -> None:
    log = Recorder()
    ledger = log.ledger()
    ledger.hold("early")
    ledger.hold("late")
    for lease in ("early", "late"):
        ledger.expect(lease)
    ledger.settle("early", stored=True)
    ledger.sealed()  # batch 1 goes to the writer
    ledger.settle("late", stored=True)  # into batch 2
    ledger.sealed()
    ledger.finish("early")
    ledger.finish("late")
    ledger.commit_done()  # batch 1
    assert log.acked == ["early"]
    ledger.commit_done()  # batch 2
    assert log.acked == ["early", "late"]


def test_lease_whose_stories_were_committed_ends_at_once() -> None:
    log = Recorder()
    ledger = log.ledger()
    ledger.hold("a")
    ledger.expect("a")
    ledger.settle("a", stored=True)
    ledger.sealed()  # a timed commit took the stories while the page was still being parsed
    ledger.commit_done()
    ledger.finish("a")
    assert log.acked == ["a"]


def test_failed_commit_gives_back_everything_held() -> None:
    log = Recorder()
    ledger = log.ledger()
    for lease in ("a", "b"):
        ledger.hold(lease)
    ledger.expect("a")
    ledger.settle("a", stored=True)
    ledger.finish("a")
    ledger.sealed()
    ledger.release_all()
    assert log.released == ["a", "b"] and log.acked == []
    ledger.finish("b")  # outputs of leases given back are ignored
    assert log.acked == []


@pytest.fixture
def frontier(redis_url: str) -> Frontier:
    return Frontier.connect(redis_url, lease_seconds=0.3, job_ttl=60)


def test_taken_entries_come_back_when_their_lease_expires(frontier: Frontier) -> None:
    job = frontier.enqueue(["https://a.example/tag/x/", "https://a.example/tag/y/"])
    taken = frontier.take(START, 5)
    assert len(taken) == 2
    assert frontier.backlog().leased == 2 and frontier.backlog().start == 0
    frontier.ack([taken[0][0]])
    frontier.renew([taken[1][0]])
    assert frontier.requeue_expired() == 0  # renewed, not yet expired
    time.sleep(0.4)
    assert frontier.requeue_expired() == 1
    assert frontier.backlog().start == 1 and frontier.backlog().leased == 0
    ((_, entry),) = frontier.take(START, 5)
    assert entry == taken[1][1] and f'"job": {job}' in entry.decode()
    assert frontier.requeued() == 1


def test_released_entries_go_back_to_the_queue_they_came_from(frontier: Frontier) -> None:
    frontier.server.zadd(REQUESTS, {"request-1": -5})
    ((lease, _),) = frontier.take(REQUESTS, 1)
    assert frontier.release([lease]) == 1
    assert frontier.server.zscore(REQUESTS, "request-1") == -5
    assert frontier.release([lease]) == 0  # already back: nothing happens twice


def test_duplicate_filter_is_per_job(frontier: Frontier) -> None:
    assert not frontier.seen(1, "fingerprint")
    assert frontier.seen(1, "fingerprint")
    assert not frontier.seen(2, "fingerprint")  # the next job fetches the page again


def test_first_listed_is_the_same_answer_when_a_page_is_fetched_again(frontier: Frontier) -> None:
    start = "https://a.example/tag/x/"
    assert frontier.first_listed(1, start, 1, ["s1", "s2"]) == {"s1", "s2"}
    assert frontier.first_listed(1, start, 2, ["s2", "s3"]) == {"s3"}  # s2 shifted to page 2
    assert frontier.first_listed(1, start, 2, ["s2", "s3"]) == {"s3"}  # page 2 again
    assert frontier.first_listed(2, start, 1, ["s1"]) == {"s1"}  # another job starts afresh


def test_host_slots_are_spaced_for_everyone(frontier: Frontier, redis_url: str) -> None:
    other = Frontier.connect(redis_url)  # another worker
    waits = [worker.reserve_host("a.example", 0.2) for worker in (frontier, other, frontier, other)]
    assert waits[0] == 0
    assert [round(b - a, 1) for a, b in pairwise(waits)] == [0.2, 0.2, 0.2]
    assert other.reserve_host("b.example", 0.2) == 0  # each site has its own slots


def test_unreachable_redis_raises() -> None:
    with pytest.raises(redis.RedisError):
        Frontier.connect("redis://127.0.0.1:1/0")


def test_display_url_hides_the_password() -> None:
    assert display_url("redis://:s3cret@host:6379/0") == "redis://:***@host:6379/0"
    assert display_url("redis://user:s3cret@host/1") == "redis://user:***@host/1"
    assert display_url("redis://host:6379/0") == "redis://host:6379/0"


def test_queued_requests_are_json_and_round_trip() -> None:
    chain = FrontierChain("https://a.example/tag/x/", "a.example", job=7, fresh={"s1"})
    request = Request(
        "https://a.example/tag/x/page/2/",
        headers={"User-Agent": "newsarchive/0.1", "Accept": "text/html"},
        body=b"\xff\x00",
        cb_kwargs={"chain": chain, "page_number": 2},
        meta={"newsarchive_job": 7, "redirect_urls": ["https://a.example/x"]},
    )
    text = serializer.dumps(request.to_dict())
    assert "__chain__" in text and "s1" not in text  # the chain's memory stays in Redis
    restored = request_from_dict(serializer.loads(text.encode()))
    assert restored.url == request.url and restored.body == b"\xff\x00"
    assert restored.headers.getlist("Accept") == [b"text/html"]
    assert restored.meta == request.meta
    copy = restored.cb_kwargs["chain"]
    assert (copy.start_url, copy.origin, copy.job) == ("https://a.example/tag/x/", "a.example", 7)
