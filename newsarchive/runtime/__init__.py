"""The parts of a running crawl below the spider: run record, writer thread, checkpoint, progress.

Scrapy builds them from the settings (EXTENSIONS); each owns its state, and the spider, the
pipelines and the middlewares ask the `RunRecorder` for what they need instead of passing
values through the stats collector.
"""
