"""One valid manifest, a Question named q1, that tests of j1sync.yaml and the project
write beside the settings they try."""

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q1
spec:
  title: T
  queries:
    - name: a
      query: Find User
"""
