"""Scrapy item pipelines (one concern per file) and the pure extraction package `pipelines.extract`."""
