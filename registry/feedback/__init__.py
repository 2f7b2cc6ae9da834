"""开放数据申请与异议, and 数据纠错 tickets (nanyang §45–46, §64–65)."""
