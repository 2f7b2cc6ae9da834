"""考核：per-organisation indicators, weights from the profile, grades and reports (fuzhou)."""
