"""目录更新时限 after a change of law or duties, and update-cycle (freshness) monitoring."""
