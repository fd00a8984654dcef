"""Hostile and test-only submissions for the autograder tests (built by ``kit``)."""
