"""Spiders: crawling only; extraction lives in newsarchive.extract."""
