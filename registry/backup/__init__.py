"""Backup and restore: the database, the search index and the uploads as one consistent snapshot."""
