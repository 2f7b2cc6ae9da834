"""责任清单与需求清单（供需对接）：derived duties per organisation, and the demands organisations record."""
