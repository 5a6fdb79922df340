"""Distributed crawling: any number of workers share one crawl frontier in Redis (scrapy-redis).

`newsarchive enqueue` starts a crawl job by adding start URLs; each `newsarchive worker` takes
listing pages from the shared queue, stores their stories in the shared archive and queues the
older pages it finds. See docs/scale-out.md.
"""
