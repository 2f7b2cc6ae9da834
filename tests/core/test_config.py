from __future__ import annotations

import pytest

from registry.core.config import load_settings
from registry.core.errors import ConfigError


def test_defaults_use_sqlite_under_the_instance_folder(tmp_path):
    settings = load_settings({"MULU_INSTANCE_PATH": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'mulu.db'}"
    assert (settings.profile, settings.search_backend, settings.env) == ("national", "whoosh", "development")


@pytest.mark.parametrize("env, message", [
    ({"MULU_PROFILE": "atlantis"}, "未知的辖区配置"),
    ({"MULU_SEARCH_BACKEND": "solr"}, "未知的检索后端"),
    ({"MULU_SEARCH_BACKEND": "postgres"}, "需要 PostgreSQL"),
    ({"MULU_ENV": "production"}, "MULU_SECRET_KEY"),
    ({"MULU_ENV": "staging"}, "MULU_ENV"),
])
def test_bad_settings_stop_start_up_with_a_message(env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(env)


def test_every_profile_is_accepted():
    from registry.profiles import available_profiles

    assert available_profiles() == ["binzhou", "fuzhou", "fuzhou_jx", "nanyang", "national", "shijiazhuang"]
    for name in available_profiles():
        assert load_settings({"MULU_PROFILE": name}).profile == name
