"""OpenCTI: threat intelligence (a GraphQL API)."""
