"""有条件共享申请 and the log of each use of shared data (fuzhou §29)."""
