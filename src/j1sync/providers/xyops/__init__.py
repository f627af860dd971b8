"""xyOps: job scheduling, workflows, monitoring and alerting (a REST API)."""
