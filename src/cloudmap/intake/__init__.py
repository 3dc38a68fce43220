"""Pure extraction of footprint facts (totals, sites, investment, markets) from multilingual news."""

from __future__ import annotations

__all__ = [
    "Article",
    "DocRow",
    "Extraction",
    "Investment",
    "MarketName",
    "Money",
    "Site",
    "detect_language",
    "extract",
    "parse_docs_table",
    "read_article",
]

from cloudmap.intake.article import Article, read_article
from cloudmap.intake.docs_table import DocRow, parse_docs_table
from cloudmap.intake.extract import Extraction, Investment, Money, Site, extract
from cloudmap.intake.language import detect_language
from cloudmap.intake.markets import MarketName
