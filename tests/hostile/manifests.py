"""Manifests the hostile-input tests share."""

from __future__ import annotations

# One valid JupiterOne manifest: the run gets past the loader to what a test breaks.
QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: users
spec:
  title: Users
  queries:
    - name: q
      query: Find User
"""
