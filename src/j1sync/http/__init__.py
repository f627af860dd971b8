"""HTTP pieces every system's client shares: pooled sessions, client-side rate limits
and the retry policy's settings and reporting. Nothing here names a system."""
