"""Training on a tiny fixture, the artifact it writes, and loading that refuses bad artifacts."""
import json
import shutil

import pytest

from model import artifact as art_io
from model import evaluate as evaluate_cli
from model import augment, selection
from model import train as train_cli
from model.artifact import ArtifactError
from engine import artifact as served_io
from engine.predict import Predictor
from model.torch_backend import TorchPredictor

from conftest import FIXTURES

pytestmark = pytest.mark.slow  # trains, starts servers or scores whole sets: not in the fast lane


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("art") / "tiny"
    metrics = train_cli.train(train_cli.parse_args([
        "--data", str(FIXTURES / "data"), "--out", str(out), "--epochs", "1", "--hidden", "16",
        "--emb-dim", "8", "--char-filters", "8", "--batch-size", "4", "--quiet"]))
    return out, metrics


def test_training_writes_a_complete_artifact(trained):
    out, metrics = trained
    assert sorted(p.name for p in out.iterdir()) == ["chars.onnx", "config.json", "metrics.json", "tagger.int8.onnx",
                                                     "tagger.onnx", "training_curves.png", "weights.safetensors"]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary dir left behind
    assert {oct(p.stat().st_mode & 0o777) for p in out.iterdir()} == {"0o644"}  # the image's user can read them
    saved = json.loads((out / "metrics.json").read_text())
    for split in ("dev", "test"):
        assert {"slot_f1", "intent_acc", "sentence_acc", "per_slot_f1"} <= set(saved[split])
    assert saved == json.loads(json.dumps(metrics))
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["model"]["cell"] == "lstm" and cfg["model"]["bidirectional"] is True
    assert cfg["words"][:2] == ["<pad>", "<unk>"] and "O" in cfg["tags"]
    assert (out / "training_curves.png").read_bytes()[:4] == b"\x89PNG"


def test_trained_artifact_loads_and_predicts(trained):
    out, _ = trained
    p = TorchPredictor.from_dir(out)
    pred = p.predict("Fly from Chicago to an unseen place, Zanzibar!")
    assert len(pred.tags) == len(pred.tokens) == 8
    assert p.version == art_io.sha256_file(out / "weights.safetensors")[:8]


def test_evaluate_cli_reproduces_training_metrics(trained, capsys):
    out, metrics = trained
    # the float graph: the figures training printed (int8, the served default, moves a tiny model's ties)
    res = evaluate_cli.main(["--data", str(FIXTURES / "data"), "--model", str(out), "--json", "--backend", "onnx",
                             "--beside", "none"])
    assert res["atis_test"]["slot_f1"] == pytest.approx(metrics["test"]["slot_f1"])
    assert res["atis_test"]["intent_acc"] == pytest.approx(metrics["test"]["intent_acc"])
    assert json.loads(capsys.readouterr().out)["atis_dev"]["n"] == 3


def copy(trained, tmp_path):
    dst = tmp_path / "copy"
    shutil.copytree(trained[0], dst)
    return dst


def test_missing_directory_and_files_are_named(trained, tmp_path):
    with pytest.raises(ArtifactError, match="missing artifact directory"):
        art_io.load(tmp_path / "absent")
    d = copy(trained, tmp_path)
    (d / "weights.safetensors").unlink()
    with pytest.raises(ArtifactError, match="weights.safetensors"):
        art_io.load(d)


def test_truncated_weights_are_refused(trained, tmp_path):
    d = copy(trained, tmp_path)
    w = d / "weights.safetensors"
    w.write_bytes(w.read_bytes()[:-100])
    with pytest.raises(ArtifactError, match="SHA-256"):
        art_io.load(d)


def test_tampered_config_is_refused(trained, tmp_path):
    d = copy(trained, tmp_path)
    cfg = json.loads((d / "config.json").read_text())
    cfg["tags"] = cfg["tags"][:-1]
    (d / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ArtifactError, match="tags"):
        art_io.load(d)
    (d / "config.json").write_text("{not json")
    with pytest.raises(ArtifactError, match="config.json"):
        art_io.load(d)


def test_weights_from_another_architecture_are_refused(trained, tmp_path):
    d = copy(trained, tmp_path)
    cfg = json.loads((d / "config.json").read_text())
    cfg["model"]["hidden"] = 32
    (d / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ArtifactError, match="shape"):
        art_io.load(d)


def test_committed_default_model_loads_with_its_measured_figures():
    p = Predictor.from_dir(art_io.default_dir())
    assert p.name and len(p.version) == 8
    m = p.artifact.metrics
    # The figures `model.evaluate --record` stored for this artifact (README "Accuracy"): ATIS test
    # slot F1 95.75 >= 95.5 (intent accuracy 96.86: under issue 14's 97.0, over the earlier 96.5)
    assert m["test"]["slot_f1"] >= 95.5 and m["test"]["intent_acc"] >= 96.5
    # SGD-travel dev exact-span F1 ahead of both CRF peers trained in the same evaluation, on every slot
    for slot in ("departure", "destination", "time"):
        assert m["sgd_dev"][slot]["f1"] > max(m[k]["sgd_dev"][slot]["f1"] for k in ("crf_typed", "crf_normalised"))
    assert "served" in m["sgd_dev"]  # scored as annotated, with the merged view beside
    # sgd-other dev: clearly non-travel turns given a departure/destination (bar 2%) or any slot (bar 5%)
    assert m["other_dev"]["with_place"] <= 2.0 and m["other_dev"]["with_slot"] <= 5.0


def test_joint_training_with_sgd_adds_a_frame_head(tmp_path):
    out = tmp_path / "joint"
    metrics = train_cli.train(train_cli.parse_args([
        "--data", str(FIXTURES / "data"), "--out", str(out), "--sgd", "--city-swap", "0.5", "--epochs", "1",
        "--hidden", "16", "--emb-dim", "8", "--char-filters", "8", "--batch-size", "4", "--quiet"]))
    assert {"departure", "destination", "time", "micro", "return_time"} <= set(metrics["sgd_dev"])
    p = TorchPredictor.from_dir(out)
    assert p.artifact.frame_tags[0] == "O" and "B-return_time" in p.artifact.frame_tags
    assert p.artifact.model.config.n_shapes > 0
    pred = p.predict("I'm leaving on the 21st from Portland, OR to Seattle.")
    assert pred.frame_entities is not None and len(pred.frame_tags) == len(pred.tokens)
    assert "sgd_travel" in json.loads((out / "config.json").read_text())["meta"]["trained_on"]


def test_city_swap_keeps_labels_aligned():
    import random

    from model.data import read_atis
    from engine.frame import frame_tags_from_fine
    from engine.tokenizer import tokenize

    e = read_atis(FIXTURES / "data" / "atis" / "train")[5]  # from new york to boston
    e.frame_tags = frame_tags_from_fine(e.tokens, e.tags)
    pool = [tokenize("Kuala Lumpur"), tokenize("Oslo")]
    for seed in range(5):
        s = augment.substitute_cities(e, pool, random.Random(seed))
        assert len(s.words) == len(s.tags) == len(s.frame_tags)
        assert "new" not in s.words and "boston" not in s.words
        cities = [w for w, t in zip(s.words, s.tags) if t.endswith("city_name")]
        assert set(cities) <= {"kuala", "lumpur", "oslo"}
        assert [f for f, t in zip(s.frame_tags, s.tags) if t == "B-fromloc.city_name"] == ["B-departure"]
        assert [f for f, t in zip(s.frame_tags, s.tags) if t == "B-toloc.city_name"] == ["B-destination"]


def test_epoch_examples_repeat_atis_and_sample_sgd_negatives():
    import random

    from model.data import Example

    atis = [Example(f"a{i}", [], [], "atis_flight") for i in range(3)]
    positives = [Example(f"p{i}", [], [], None, [{"slot": "time", "start": 0, "end": 1}]) for i in range(4)]
    negatives = [Example(f"n{i}", [], [], None, []) for i in range(10)]
    rng = random.Random(0)
    epoch = augment.epoch_examples(atis, positives + negatives, 2, 0.3, rng)
    texts = [e.text for e in epoch]
    assert texts.count("a0") == 2 and all(f"p{i}" in texts for i in range(4))
    assert sum(t.startswith("n") for t in texts) == 3 and len(set(texts)) == len(texts) - 3
    again = [e.text for e in augment.epoch_examples(atis, positives + negatives, 2, 0.3, rng)]
    assert again != texts  # a fresh draw of negatives each epoch (seeded, so reproducible)
    assert len(augment.epoch_examples(atis, positives + negatives, 1, 1.0, rng)) == 17


def test_cosine_schedule_decays_the_learning_rate(tmp_path, monkeypatch):
    import torch

    seen = []
    real_step = torch.optim.Adam.step

    def step(self, *a, **k):
        seen.append(self.param_groups[0]["lr"])
        return real_step(self, *a, **k)

    monkeypatch.setattr(torch.optim.Adam, "step", step)
    train_cli.train(train_cli.parse_args([
        "--data", str(FIXTURES / "data" / "atis"), "--out", str(tmp_path / "m"), "--epochs", "2",
        "--hidden", "8", "--emb-dim", "8", "--char-filters", "0", "--batch-size", "4", "--quiet",
        "--schedule", "cosine", "--lr", "0.01"]))
    assert seen[0] == 0.01 and seen[-1] < 0.002 and all(a >= b for a, b in zip(seen, seen[1:]))


def test_serving_load_uses_the_graphs_without_the_network(trained):
    out, _ = trained
    art = served_io.load(out)
    assert art.model is None and set(art.graphs) == {"tagger", "chars", "tagger.int8"} and art.config.hidden == 16
    served, ref = Predictor(art, "onnx"), TorchPredictor.from_dir(out, "torch")
    text = "Fly from Chicago to an unseen place, Zanzibar!"
    a, b = served.predict(text), ref.predict(text)
    assert a.tags == b.tags and a.intent == b.intent and a.frame_tags == b.frame_tags
    with pytest.raises(ValueError, match="network"):
        TorchPredictor(art, "torch")


def test_the_int8_graph_is_exported_with_the_artifact_and_served_as_it_is(trained, monkeypatch):
    """SLOT_BACKEND=onnx-int8 serves the artifact's tagger.int8.onnx: nothing is quantized (or written to a temporary
    directory) at start-up; it is what quantizing at start-up would give."""
    from engine import runtime

    out, _ = trained
    art = served_io.load(out)
    assert runtime.quantized(art.graphs["tagger"]) == art.graphs["tagger.int8"]
    monkeypatch.setattr(runtime, "quantized", lambda graph: pytest.fail("quantized at start-up"))
    tagger = runtime.OnnxTagger(art.graphs, art.config, quantize=True)
    assert tagger.graph == art.graphs["tagger.int8"] and "tagger.int8" not in tagger.graphs


def test_tampered_or_missing_graphs_are_refused(trained, tmp_path):
    d = copy(trained, tmp_path)
    g = d / "tagger.onnx"
    g.write_bytes(g.read_bytes()[:-10])
    with pytest.raises(ArtifactError, match="tagger.onnx"):
        served_io.load(d)
    g.unlink()
    with pytest.raises(ArtifactError, match="missing artifact file.*tagger.onnx"):
        served_io.load(d)


def test_graphs_exported_from_other_weights_are_refused(trained, tmp_path):
    d = copy(trained, tmp_path)
    cfg = json.loads((d / "config.json").read_text())
    cfg["onnx"]["from_weights_sha256"] = "0" * 64
    (d / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ArtifactError, match="other weights"):
        served_io.load(d)


def test_distillation_from_a_teacher_artifact(trained, tmp_path):
    out, _ = trained
    args = ["--data", str(FIXTURES / "data"), "--epochs", "1", "--hidden", "8", "--emb-dim", "8",
            "--char-filters", "8", "--batch-size", "4", "--quiet"]
    metrics = train_cli.train(train_cli.parse_args(args + ["--out", str(tmp_path / "student"), "--teacher", str(out)]))
    assert "slot_f1" in metrics["dev"]
    assert json.loads((tmp_path / "student" / "config.json").read_text())["meta"]["hyperparameters"]["teacher"] == str(out)
    with pytest.raises(SystemExit, match="differ"):  # a teacher with other labels is refused
        train_cli.train(train_cli.parse_args(args + ["--out", str(tmp_path / "x"), "--teacher",
                                                     str(art_io.default_dir())]))


@pytest.fixture(scope="module")
def scoped(tmp_path_factory):
    """A tiny model with every new input and layer: out-of-scope intent from sgd-other, GloVe vectors,
    gazetteer, CRF output layers, epochs chosen on held-out dialogues."""
    out = tmp_path_factory.mktemp("art") / "scoped"
    metrics = train_cli.train(train_cli.parse_args([
        "--data", str(FIXTURES / "data"), "--out", str(out), "--epochs", "1", "--hidden", "16", "--emb-dim", "8",
        "--char-filters", "8", "--batch-size", "4", "--quiet", "--sgd", "--synth", "4", "--other", "4",
        "--other-dates", "skip", "--holdout", "0.5", "--glove", "50", "--gazetteer", "--crf", "both"]))
    return out, metrics


def test_scoped_training_stores_its_lexicon_and_out_of_scope_intent(scoped):
    out, metrics = scoped
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["intents"][-1] == "out_of_scope"
    assert cfg["model"]["glove_size"] == len(cfg["glove_words"]) >= 52  # 50 frequent words + the training words GloVe has
    assert "boston" in cfg["gazetteer"] and cfg["model"]["gazetteer"] is True
    assert "holdout" in metrics and "test" not in metrics and "sgd_dev" not in metrics  # left to model.evaluate
    assert "sgd_other" in cfg["meta"]["trained_on"] and "held out" in cfg["meta"]["selection"]
    assert cfg["meta"]["scope_threshold"] in selection.SCOPE_THRESHOLDS


def test_scoped_model_serves_the_same_from_onnx_without_torch(scoped):
    out, _ = scoped
    ref, served = TorchPredictor.from_dir(out, "torch"), Predictor.from_dir(out, "onnx")
    assert served.artifact.model is None and served.artifact.glove is not None
    assert set(served.artifact.crf) == {f"{m}.{p}" for m in ("tag_crf", "frame_crf") for p in ("transitions", "start", "end")}
    for text in ("fly from New York to Boston tomorrow", "my luggage and a stroller", "What's the weather?"):
        a, b = ref.predict(text), served.predict(text)
        assert a.tags == b.tags and a.frame_tags == b.frame_tags and a.intent == b.intent
        assert a.out_of_scope_probability == pytest.approx(b.out_of_scope_probability, abs=1e-4)


def test_out_of_scope_threshold_decides_the_intent_and_empties_the_frame(scoped):
    out, _ = scoped
    always = Predictor.from_dir(out, "onnx", scope_threshold=1e-9).predict("fly from Boston to Denver")
    assert always.out_of_scope and always.intent == "out_of_scope" and always.served_entities() == []
    never = Predictor.from_dir(out, "onnx", scope_threshold=1.0)
    pred = never.predict("fly from Boston to Denver")
    assert pred.out_of_scope_probability < 1.0 and not pred.out_of_scope
    assert pred.intent != "out_of_scope" and pred.served_entities() == pred.slot_entities


def test_the_default_recipe_is_the_committed_models_settings():
    """`model.train --recipe default` trains what was shipped: the recipe file holds its settings."""
    shipped = json.loads((art_io.default_dir() / "config.json").read_text())["meta"]["hyperparameters"]
    args = vars(train_cli.parse_args(["--data", "x", "--out", "y", "--recipe", "default"]))
    differ = {k: (shipped[k], args[k]) for k in shipped if k != "recipe" and shipped[k] != args[k]}
    assert not differ


def test_a_recipe_is_overridden_by_the_command_line_and_out_is_required(capsys):
    args = train_cli.parse_args(["--data", "x", "--out", "y", "--recipe", "default", "--seed", "7"])
    assert args.seed == 7 and args.hidden == train_cli.load_recipe("default")["hidden"]
    with pytest.raises(SystemExit):
        train_cli.parse_args(["--data", "x", "--recipe", "default"])
    assert "--out" in capsys.readouterr().err


def test_options_from_python_equal_the_command_line():
    a = train_cli.options("d", "o", hidden=32, unidirectional=True, crf="frame")
    b = train_cli.parse_args(["--data", "d", "--out", "o", "--hidden", "32", "--unidirectional", "--crf", "frame"])
    assert vars(a) == vars(b)
    with pytest.raises(TypeError, match="hiden"):
        train_cli.options("d", "o", hiden=32)
