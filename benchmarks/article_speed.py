"""Article throughput: `newsarchive articles` against trafilatura alone, on the same pages.

    python -m benchmarks.article_speed [--articles 400] [--rounds 3] [--python-server]

The pages are the fixture site's article pages (WordPress with Yoast's JSON-LD, Drupal's meta
tags, Ghost, schema.org microdata, a page without metadata), their text repeated to the length
of a long news story and varied per page, served on loopback. Per round, A/B in rotating order:

- `newsarchive articles`: fetch every page politely-but-fast, keep it in the WARC file, read
  it (trafilatura + the page's own metadata + htmldate where dates disagree) and store it,
  in a process of its own; articles/s from the run's own clock, CPU per article net of the
  CPU of a run with nothing to fetch (start-up);
- trafilatura alone: `bare_extraction(with_metadata=True)` of the same pages' bytes, read from
  disk beforehand, in this process (articles/s by the wall clock, as for the crawl);
- our extraction alone (`read_article`), to show what the exact dates and metadata cost.

It prints each figure and the median of the per-round ratios.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.servers import static_server
from newsarchive.items import Story
from newsarchive.status import RunStatus
from newsarchive.storage import Archive

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "tests" / "fixtures" / "articles_site"
TEMPLATES = ("litio-consulta", "huelga-minera", "reforma-agraria", "cambia", "sin-metadatos")
FAST = {
    "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "ERROR", "NEWSARCHIVE_MAX_ARTICLES": 100_000,
}  # fmt: skip
_PARAGRAPHS = re.compile(r"(<p>(?:(?!</p>).)*</p>\n?)+", re.DOTALL)


def write_site(root: Path, count: int) -> list[str]:
    """`count` article pages of about 900 words under root/a/N/; their paths."""
    paths = []
    for n in range(count):
        template = (SITE / "2024" / "07" / TEMPLATES[n % len(TEMPLATES)] / "index.html").read_text()
        body = _PARAGRAPHS.search(template)
        paragraphs = body.group(0) if body else ""
        longer = "".join(
            paragraphs.replace("<p>", f"<p>({n}.{part}) ") for part in range(6)
        )  # distinct text per page and paragraph
        page = template.replace(paragraphs, longer, 1) if paragraphs else template
        path = f"/a/{n}/"
        target = root / "a" / str(n) / "index.html"
        target.parent.mkdir(parents=True)
        target.write_text(page.replace('href="/2024/07/', f'href="/a/{n}/x'), encoding="utf-8")
        paths.append(path)
    (root / "robots.txt").write_text("User-agent: *\nDisallow:\n")
    return paths


def archive_of(db: Path, base: str, paths: list[str]) -> None:
    """An archive whose stories are the pages, as a listing crawl would have left it."""
    with Archive.open(str(db)) as archive:
        run = archive.runs.begin([f"{base}/tag/bench/"])
        listing = f"{base}/tag/bench/"
        stories = [
            Story(
                url=base + path,
                headline=f"Story {n}",
                site="127.0.0.1",
                tag="Bench",
                listing_url=listing,
                page_number=1,
                position=n,
                fetched_at="2024-08-01T12:00:00+00:00",
            )
            for n, path in enumerate(paths)
        ]
        archive.write.store(run, stories)
        archive.runs.finish(run, RunStatus.FINISHED, pages=1, errors=0)


def run_articles(db: Path, work: Path) -> tuple[float, float]:
    """`newsarchive articles` in a process of its own: its run's seconds and its CPU seconds."""
    args = [sys.executable, "-m", "newsarchive", "articles", "--db", str(db), "-q"]
    for name, value in FAST.items():
        args += ["-s", f"{name}={value}"]
    process = subprocess.Popen(args, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(process.stderr.read().decode()[-2000:])
    with Archive.open(str(db)) as archive:
        run = archive.runs.latest(1)[0]
    seconds = (run["finished_at"] - run["started_at"]).total_seconds()
    return seconds, usage.ru_utime + usage.ru_stime


def extract_alone(pages: list[tuple[str, bytes]], ours: bool) -> tuple[float, float]:
    """Seconds and CPU seconds to read every page with trafilatura alone, or `read_article`."""
    import trafilatura

    from newsarchive.extract.article import read_article

    started, cpu = time.perf_counter(), time.process_time()
    for url, body in pages:
        if ours:
            read_article(body, url)
        else:
            trafilatura.bare_extraction(body.decode("utf-8"), url=url, with_metadata=True)
    return time.perf_counter() - started, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python-server", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = work / "site"
        paths = write_site(site, args.articles)
        pages = [
            (f"http://127.0.0.1{path}", (site / path.strip("/") / "index.html").read_bytes())
            for path in paths
        ]
        extract_alone(pages[:5], ours=True)  # imports and warm caches, outside the clock
        words = sum(len(body.split()) for _, body in pages) / len(pages)
        print(f"{len(pages)} article pages of {words:.0f} words (markup included) on average")
        with static_server(site, prefer_nginx=not args.python_server) as (base, server):
            empty = work / "empty.sqlite"
            archive_of(empty, base, [])
            _, startup_cpu = run_articles(empty, work)
            rounds = []
            for number in range(args.rounds):
                figures: dict[str, float] = {}
                order = ["newsarchive", "trafilatura", "read_article"]
                for variant in order[number % 3 :] + order[: number % 3]:
                    if variant == "newsarchive":
                        db = work / f"round{number}.sqlite"
                        archive_of(db, base, paths)
                        seconds, cpu = run_articles(db, work)
                        figures["newsarchive/s"] = len(paths) / seconds
                        figures["newsarchive cpu/article"] = (cpu - startup_cpu) / len(paths)
                        shutil.rmtree(work / "warc", ignore_errors=True)
                    else:
                        seconds, cpu = extract_alone(pages, ours=variant == "read_article")
                        figures[f"{variant}/s"] = len(paths) / seconds
                        figures[f"{variant} cpu/article"] = cpu / len(paths)
                rounds.append(figures)
                print(
                    f"round {number + 1} ({server}): "
                    + ", ".join(f"{name} {value:.4g}" for name, value in figures.items())
                )
    median = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    print(
        f"median articles/s: newsarchive articles (fetch, WARC, read, store) "
        f"{median['newsarchive/s']:.1f}; trafilatura alone {median['trafilatura/s']:.1f}; "
        f"read_article alone {median['read_article/s']:.1f}"
    )
    print(
        "median CPU per article: "
        f"newsarchive {median['newsarchive cpu/article'] * 1000:.1f} ms, "
        f"trafilatura {median['trafilatura cpu/article'] * 1000:.1f} ms, "
        f"read_article {median['read_article cpu/article'] * 1000:.1f} ms"
    )
    for a, b in (("newsarchive", "trafilatura"), ("read_article", "trafilatura")):
        ratio = statistics.median(r[f"{a}/s"] / r[f"{b}/s"] for r in rounds)
        cpu = statistics.median(r[f"{a} cpu/article"] / r[f"{b} cpu/article"] for r in rounds)
        print(f"median ratio {a}/{b}: {ratio:.2f} articles/s, {cpu:.2f}x CPU per article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
