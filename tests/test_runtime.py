"""The ONNX Runtime serving path against the PyTorch reference, on the project's fixtures."""
import numpy as np
import pytest

from conftest import FIXTURES
from engine.artifact import default_dir
from engine.decode import best_path, bio_penalties, viterbi
from engine.predict import Predictor
from model.artifact import load
from model.data import read_atis, read_sgd
from model.torch_backend import TorchPredictor

TEXTS = ([e.text for split in ("train", "dev", "test") for e in read_atis(FIXTURES / "data" / "atis" / split)]
         + [e.text for e in read_sgd(FIXTURES / "data" / "sgd-travel" / "train.jsonl")]
         + ["", "   ", "?!", "leave Taipei on November 2nd", "Leave TAIPEI on Nov. 2nd!",
            "I'm leaving on the 11th from Portland, OR to Seattle, WA.", "去台北 😀", "a " * 40])


@pytest.fixture(scope="module")
def both():
    art = load(default_dir())
    return TorchPredictor(art, "torch"), Predictor(art, "onnx")


def test_onnx_backend_is_used_for_the_default_model(both):
    assert both[1].backend == "onnx" and both[0].backend == "torch"


def test_onnx_matches_pytorch_tags_and_scores(both):
    torch_p, onnx_p = both
    for batch in (TEXTS, TEXTS[:1], TEXTS[3:9]):  # mixed lengths group differently each time
        for a, b in zip(torch_p.predict_batch(batch), onnx_p.predict_batch(batch)):
            assert (a.tags, a.frame_tags, a.intent) == (b.tags, b.frame_tags, b.intent), a.text
            np.testing.assert_allclose(a.tag_probs, b.tag_probs, atol=1e-4)
            np.testing.assert_allclose([c for _, c in a.intent_ranking], [c for _, c in b.intent_ranking], atol=1e-4)
            assert [(e.label, e.start, e.end) for e in a.entities] == [(e.label, e.start, e.end) for e in b.entities]


def test_raw_network_outputs_agree_within_1e_4(both):
    torch_p, onnx_p = both
    tokens = [onnx_p.predict(t).tokens for t in TEXTS if t.strip(" ?!")]
    for toks in tokens:
        a, b = torch_p._scores([toks])[0], onnx_p._scores([toks])[0]
        assert a.keys() == b.keys()
        for k in a:
            np.testing.assert_allclose(a[k], b[k], atol=1e-4)


def test_a_padded_batch_scores_each_sentence_as_it_scores_alone(both, monkeypatch):
    """One network call pads its sentences to the longest: each still runs to its own length (the right-to-left
    pass starts at its last real token, pooling skips the padding); a call holds at most CALL_SIZE sentences."""
    import engine.predict

    onnx_p = both[1]
    tokens = [onnx_p.predict(t).tokens for t in TEXTS]
    assert len({len(t) for t in tokens}) >= 8  # many lengths in one call
    monkeypatch.setattr(engine.predict, "CALL_SIZE", 7)
    calls = []
    run = onnx_p._onnx.__call__
    monkeypatch.setattr(onnx_p, "_onnx", lambda feeds: calls.append(feeds["words"].shape) or run(feeds))
    batched = onnx_p._scores(tokens)
    assert len(calls) < len(tokens) and all(b <= 7 for b, _ in calls) and any(b > 1 for b, _ in calls)
    for toks, got in zip(tokens, batched):
        alone = onnx_p._scores([toks])[0]
        T = max(1, len(toks))
        for k in alone:
            want = alone[k] if k == "intent" else alone[k][:T]
            np.testing.assert_allclose(got[k] if k == "intent" else got[k][:T], want, atol=1e-5)


def test_a_graph_without_lengths_is_refused_with_advice(both):
    from engine import runtime

    art = both[1].artifact
    old = runtime.OnnxTagger(art.graphs, art.config)
    old.inputs = old.inputs[:-1]  # what the serving code of an older graph expected
    with pytest.raises(ValueError, match="re-export"):
        old._session("tagger")


def test_jordan_models_run_in_pytorch_only():
    import dataclasses

    from model.network import JointTagger

    art = load(default_dir())
    jordan = dataclasses.replace(art, model=JointTagger(dataclasses.replace(art.model.config, cell="jordan")),
                                 graphs={}, _config=None)
    assert TorchPredictor(jordan, "torch").predict("fly to boston").tags
    with pytest.raises(ValueError, match="no ONNX graphs"):
        Predictor(jordan, "onnx")


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError):
        Predictor(load(default_dir()), "tensorrt")


def test_calls_keep_near_lengths_together():
    from engine.predict import calls

    lengths = [9, 3, 12, 3, 4, 30, 10, 0, 11]
    got = calls(lengths, size=3, slack=1.25)
    assert sorted(i for c in got for i in c) == list(range(len(lengths)))
    for c in got:
        ls = [lengths[i] for i in c]
        assert len(c) <= 3 and max(ls) <= 1.25 * min(ls) + 1
    assert [[lengths[i] for i in c] for c in got] == [[0], [3, 3, 4], [9, 10, 11], [12], [30]]
    assert calls([5] * 10, size=4) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_batched_viterbi_equals_one_sentence_at_a_time():
    from engine.decode import best_paths, viterbi_batch

    rng = np.random.default_rng(1)
    tags = ["O", "B-a", "I-a", "B-b", "I-b"]
    trans, start = bio_penalties(tags)
    learned = (trans + rng.normal(size=trans.shape).astype(np.float32), start, rng.normal(size=5).astype(np.float32))
    lengths = rng.integers(1, 9, size=40)
    logp = np.log(rng.dirichlet(np.ones(len(tags)), size=(40, 8))).astype(np.float32)  # (B, T, n), padded
    for pen in ((trans, start), learned):
        batched, fast = viterbi_batch(logp, lengths, *pen), best_paths(logp, lengths, *pen)
        for b, L in enumerate(lengths):
            assert batched[b, :L].tolist() == viterbi(logp[b, :L], *pen) == fast[b, :L].tolist()


def test_the_batch_one_path_equals_the_batched_search_ties_included():
    from engine.decode import best_paths, viterbi_batch, viterbi_one

    rng = np.random.default_rng(2)
    tags = ["O", "B-a", "I-a", "B-b", "I-b"]
    trans, start = bio_penalties(tags)
    pen = (trans + rng.normal(size=trans.shape).astype(np.float32), start, rng.normal(size=5).astype(np.float32))
    for _ in range(500):
        T = int(rng.integers(1, 12))
        logp = np.round(np.log(rng.dirichlet(np.ones(len(tags)), size=T)), 1).astype(np.float32)  # many ties
        want = viterbi_batch(logp[None], np.array([T]), *pen)[0]
        assert viterbi_one(logp, *pen).tolist() == want.tolist() == best_paths(logp[None], np.array([T]), *pen)[0].tolist()


def test_best_path_equals_viterbi():
    rng = np.random.default_rng(0)
    tags = ["O", "B-a", "I-a", "B-b", "I-b"]
    pen = bio_penalties(tags)
    for _ in range(300):
        logp = np.log(rng.dirichlet(np.ones(len(tags)), size=int(rng.integers(1, 8)))).astype(np.float32)
        assert best_path(logp, *pen) == viterbi(logp, *pen)


def test_int8_backend_is_smaller_and_tags_like_the_reference(both):
    torch_p = both[0]
    int8 = Predictor(torch_p.artifact, "onnx-int8")
    # the LSTM and matrix weights become int8; the frozen GloVe table (an embedding lookup) stays float
    assert int8.backend == "onnx-int8" and len(int8._onnx.graph) < 0.75 * len(both[1]._onnx.graph)
    same = total = 0
    for a, b in zip(torch_p.predict_batch(TEXTS), int8.predict_batch(TEXTS)):
        same += sum(x == y for x, y in zip(a.tags, b.tags))
        total += len(a.tags)
        np.testing.assert_allclose(a.tag_probs, b.tag_probs, atol=0.05)
    assert same / total >= 0.98


def test_cached_character_features_equal_the_network_s_own(both):
    import torch

    from engine import predict
    from engine.vocab import encode_batch
    from model.torch_backend import as_tensors

    torch_p, onnx_p = both
    words = ["boston", "taipei", "ciudad", "a" * 30, "2:45", "去台北", "boston"]  # repeated, over-long, non-Latin
    got = onnx_p._char_features(words)  # (N, F), computed or from the cache
    assert got.shape == (len(words), torch_p.model.config.char_filters)
    enc = as_tensors(encode_batch([words], torch_p.artifact.words, torch_p.artifact.chars))
    with torch.inference_mode():
        want = torch_p.model.char_cnn(enc["chars"])[0].numpy()  # (N, F)
    np.testing.assert_allclose(got, want, atol=1e-5)
    np.testing.assert_allclose(onnx_p._char_features(words), got, atol=0)  # second time: all from the cache
    assert set(words) <= set(onnx_p._char_cache)
    assert predict.CHAR_CACHE_SIZE >= 1000


def test_character_feature_cache_is_bounded(both, monkeypatch):
    from engine import predict

    onnx_p = both[1]
    monkeypatch.setattr(predict, "CHAR_CACHE_SIZE", 50)
    for i in range(20):
        onnx_p.predict(" ".join(f"w{i}x{j}" for j in range(10)))
        assert len(onnx_p._char_cache) <= 50
    ref = both[0].predict("fly from boston to denver")
    assert onnx_p.predict("fly from boston to denver").tags == ref.tags  # still right after clearing


def test_the_committed_graphs_match_the_pytorch_reference(both):
    """What the service runs: the artifact's own ONNX files (loaded without PyTorch's network)."""
    torch_p = both[0]
    served = Predictor.from_dir(default_dir(), "onnx")
    assert served.artifact.model is None and served.backend == "onnx"
    for a, b in zip(torch_p.predict_batch(TEXTS), served.predict_batch(TEXTS)):
        assert (a.tags, a.frame_tags, a.intent) == (b.tags, b.frame_tags, b.intent), a.text
        np.testing.assert_allclose(a.tag_probs, b.tag_probs, atol=1e-4)


def test_the_service_does_not_import_pytorch():
    import subprocess
    import sys

    code = ("import sys; from app import create_app; app = create_app(); "
            "app.extensions['predictor'].predict('fly to boston'); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "SLOT_BACKEND": "onnx"}, cwd=FIXTURES.parents[1])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"
