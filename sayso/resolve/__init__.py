"""Speakers: coreference within an article, identity across articles, and statement dates."""
