"""Ingestion stage: raw files -> one cleaned corpus table (one row per document, with docvars).

``readers`` turn bytes into text, ``clean`` normalises text, ``metadata`` describes a document
(title, date, company, source) and ``corpus`` walks a folder and assembles the table.
"""
