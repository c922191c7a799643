"""Shared fixtures: the committed default model and a live HTTP server of the app."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
from app import create_app  # the project is installed (scripts/env.sh: pip install -e .)
from engine.artifact import default_dir
from engine.predict import Predictor


@pytest.fixture(scope="session")
def predictor() -> Predictor:
    return Predictor.from_dir(default_dir(), backend="onnx-int8")  # what the service runs (SLOT_BACKEND default)


API_KEY = "s3cret-key"  # the key of the ``keyed`` app


@pytest.fixture(scope="session")
def client(predictor):
    """A test client of the app as served (the committed model), no access log: the shared set-up of the API tests."""
    return create_app(predictor=predictor, config={"ACCESS_LOG": False}).test_client()


@pytest.fixture(scope="session")
def keyed(predictor):
    """The same app with ``SLOT_API_KEY`` set to :data:`API_KEY`."""
    from app.settings import Settings

    return create_app(predictor=predictor, settings=Settings(api_key=API_KEY), config={"ACCESS_LOG": False}).test_client()


@pytest.fixture(scope="session")
def live_url(predictor):
    """The app served over real HTTP on a free loopback port."""
    server = make_server("127.0.0.1", 0, create_app(predictor=predictor), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def http():
    with requests.Session() as s:
        yield s
