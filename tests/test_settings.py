"""The service's settings: one object (app.settings), docs/api.md's table, and bad values stopping start-up."""
import re

import pytest

from app.settings import Settings, StartupError, load_settings

from conftest import ROOT


def readme_settings() -> dict[str, str]:
    """``SLOT_*`` name -> its default cell, from the settings table of docs/api.md."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `(SLOT_[A-Z0-9_]+)` \| ([^|]+) \|", text, re.M))


def test_readme_table_lists_exactly_the_settings_with_their_defaults():
    table = readme_settings()
    fields = {f"SLOT_{name.upper()}": f for name, f in Settings.model_fields.items()}
    assert set(table) == set(fields)
    for env, field in fields.items():
        default = field.default
        shown = table[env].strip()
        if default is None or default == "":
            assert "unset" in shown or "artifact" in shown, env
        elif isinstance(default, (int, float, str)):
            assert f"`{default}`" in shown, (env, shown)
        else:  # the model directory: shown relative to the repository
            assert f"`{default.relative_to(ROOT)}`" in shown, (env, shown)


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SLOT_WORKERS", "4")
    monkeypatch.setenv("SLOT_API_KEY", "")
    monkeypatch.setenv("SLOT_CORS_ORIGINS", "https://a.example, https://b.example")
    s = load_settings()
    assert s.workers == 4 and s.api_key is None
    assert s.cors_origin_list == ["https://a.example", "https://b.example"]


@pytest.mark.parametrize("env,value", [("SLOT_WORKERS", "0"), ("SLOT_WORKERS", "two"),
                                       ("SLOT_SCOPE_THRESHOLD", "1.5"), ("SLOT_LANGUAGE_THRESHOLD", "0"),
                                       ("SLOT_BACKEND", "tensorrt")])
def test_a_bad_value_names_its_variable(monkeypatch, env, value):
    monkeypatch.setenv(env, value)
    with pytest.raises(StartupError, match=env):
        load_settings()


def test_a_pinned_model_serves_only_if_its_config_matches(tmp_path, monkeypatch):
    import shutil

    from app import StartupError, create_app
    from engine.artifact import default_dir, sha256_file

    good = sha256_file(default_dir() / "config.json")
    monkeypatch.setenv("SLOT_MODEL_SHA256", good)
    assert create_app(config={"ACCESS_LOG": False}) is not None
    copy = tmp_path / "model"
    shutil.copytree(default_dir(), copy)
    cfg = copy / "config.json"
    cfg.write_text(cfg.read_text().replace('"name"', '"name" ', 1))  # config.json changed, hashes inside still valid
    monkeypatch.setenv("SLOT_MODEL_DIR", str(copy))
    with pytest.raises(StartupError, match="SLOT_MODEL_SHA256"):
        create_app()
