"""The family comparison's parts, on tiny fixtures: CRF features, parameter matching, gradient probe."""
import dataclasses

import pytest
import torch

from model.research.compare import matched_hidden
from model.crf_baseline import CRFTagger, sentence_features, word_shape
from model.data import read_atis
from model.research.gradients import gradient_profile, last_token_gradients
from model.network import JointTagger, TaggerConfig
from engine.vocab import Vocab

from conftest import FIXTURES

pytestmark = pytest.mark.slow  # trains, starts servers or scores whole sets: not in the fast lane

ATIS = FIXTURES / "data" / "atis"


def test_crf_features_are_deterministic_and_see_two_neighbours_each_way():
    words = ["flights", "from", "Boston", "to", "denver"]
    a, b = sentence_features(words), sentence_features(list(words))
    assert a == b and len(a) == len(words) + 1  # one per word plus the intent-bearing end token
    assert "w=boston" in a[2] and "shape=Xx" in a[2]
    assert "-2:w=flights" in a[2] and "+2:w=denver" in a[2]
    assert "-1:BOS" in a[0] and "+2:EOS" in a[4]
    assert "bow=boston" in a[-1] and "eos" in a[-1]
    assert word_shape("11/02") == "d/d" and word_shape("2nd") == "dx"


def test_crf_learns_the_fixture_and_returns_one_tag_per_word():
    train = read_atis(ATIS / "train")
    crf = CRFTagger(max_iterations=50).fit(train)
    for e in train:
        tags, intent = crf.predict(e.words)
        assert len(tags) == len(e.words) and tags == e.tags and intent == e.intent


def base_config():
    return {"vocab_size": 50, "n_tags": 9, "n_intents": 3, "emb_dim": 16}


@pytest.mark.parametrize("cell,bi,layers", [("elman", False, 1), ("jordan", True, 1), ("lstm", True, 3)])
def test_matched_hidden_comes_close_to_the_target_parameter_count(cell, bi, layers):
    target = JointTagger(TaggerConfig(**base_config(), cell="lstm", hidden=20)).num_parameters()
    hidden, count = matched_hidden(base_config(), cell, bi, layers, target)
    assert abs(count - target) / target < 0.05
    assert JointTagger(TaggerConfig(**base_config(), cell=cell, bidirectional=bi, layers=layers,
                                    hidden=hidden)).num_parameters() == count


def tiny_artifact(cell):
    from model.artifact import Artifact

    train = read_atis(ATIS / "train")
    words = Vocab.build(e.words for e in train)
    tags = ["O"] + sorted({t for e in train for t in e.tags} - {"O"})
    torch.manual_seed(0)
    cfg = TaggerConfig(vocab_size=len(words), n_tags=len(tags), n_intents=2, cell=cell, bidirectional=False,
                       emb_dim=8, hidden=6)
    return Artifact(JointTagger(cfg).eval(), words, None, tags, ["a", "b"]), train


@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
def test_gradient_probe_matches_autograd_through_the_whole_network(cell):
    art, train = tiny_artifact(cell)
    e = max(train, key=lambda e: len(e.tokens))
    norms = last_token_gradients(art, e)
    assert norms.shape == (len(e.tokens),) and (norms[:-1] >= 0).all() and norms[-1] > 0
    # the last step's gradient equals the one read off the packed full-sequence forward pass
    model = art.model
    ids = torch.tensor([art.words.ids(e.words)])
    feats, _ = model.rnn(model.word_emb(ids))
    h = feats[:, -1].detach().requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(model.tag_head(h), torch.tensor([art.tags.index(e.tags[-1])]))
    (g,) = torch.autograd.grad(loss, h)
    assert norms[-1] == pytest.approx(g.norm().item(), rel=1e-5)
    profile = gradient_profile(art, train, min_len=3)
    assert len(profile["mean_norm"]) == 3 and profile["relative"][0] == 1.0


def test_gradient_probe_refuses_bidirectional_models():
    art, train = tiny_artifact("lstm")
    bi = dataclasses.replace(art, model=JointTagger(dataclasses.replace(art.model.config, bidirectional=True)))
    with pytest.raises(ValueError):
        last_token_gradients(bi, train[0])
