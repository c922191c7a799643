import pytest
import torch
import torch.nn as nn

from model.network import CELLS, ElmanLayer, JointTagger, JordanLayer, TaggerConfig


def textbook_elman():
    layer = ElmanLayer(2, 2, bias=False, activation="linear")
    out = nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        for p in list(layer.parameters()) + list(out.parameters()):
            p.fill_(1.0)
    return layer, out


def test_textbook_elman_example():
    layer, out = textbook_elman()
    x = torch.tensor([[[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]]])  # (B=1, T=3, I=2)
    h = layer(x)
    assert h[0].tolist() == [[2, 2], [6, 6], [16, 16]]
    assert out(h)[0].tolist() == [[4, 4], [12, 12], [32, 32]]


def test_elman_output_depends_on_order():
    layer, out = textbook_elman()
    a = out(layer(torch.tensor([[[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]]])))
    h = layer(torch.tensor([[[2.0, 2.0], [1.0, 1.0], [1.0, 1.0]]]))
    assert h[0].tolist() == [[4, 4], [10, 10], [22, 22]]
    assert out(h)[0].tolist() == [[8, 8], [20, 20], [44, 44]]
    assert out(h)[0].tolist() != a[0].tolist()


def test_elman_tanh_layer_matches_nn_rnn():
    torch.manual_seed(0)
    mine, ref = ElmanLayer(3, 4), nn.RNN(3, 4, batch_first=True)
    with torch.no_grad():
        ref.weight_ih_l0.copy_(mine.w_in.weight)
        ref.bias_ih_l0.copy_(mine.w_in.bias)
        ref.weight_hh_l0.copy_(mine.w_rec.weight)
        ref.bias_hh_l0.zero_()
    x = torch.randn(2, 5, 3)
    torch.testing.assert_close(mine(x), ref(x)[0])


def test_jordan_feeds_back_its_output_distribution():
    torch.manual_seed(0)
    layer = JordanLayer(3, 4, 5)
    x = torch.randn(1, 3, 3)
    h, o = layer(x)
    assert h.shape == (1, 3, 4) and o.shape == (1, 3, 5)
    # step by step with the layer's own weights: y_{t-1} = softmax(o_{t-1}), y_0 = 0
    y = torch.zeros(1, 5)
    for t in range(3):
        h_t = torch.tanh(layer.w_in(x[:, t]) + layer.w_fb(y))
        o_t = layer.w_out(h_t)
        torch.testing.assert_close(h[:, t], h_t)
        torch.testing.assert_close(o[:, t], o_t)
        y = torch.softmax(o_t, -1)
    # the feedback matters after the first step only
    with torch.no_grad():
        layer.w_fb.weight.mul_(3.0)
    h2, _ = layer(x)
    torch.testing.assert_close(h2[:, 0], h[:, 0])
    assert not torch.allclose(h2[:, 1], h[:, 1])


def make_model(cell, bidirectional=True, layers=1, n_chars=10, context=0):
    torch.manual_seed(0)
    cfg = TaggerConfig(vocab_size=20, n_tags=7, n_intents=3, n_chars=n_chars, cell=cell, layers=layers,
                       bidirectional=bidirectional, emb_dim=8, char_dim=4, char_filters=6, hidden=5, context=context)
    return JointTagger(cfg).eval()


def batch():
    words = torch.tensor([[2, 3, 4, 5], [6, 7, 0, 0]])
    chars = torch.randint(1, 10, (2, 4, 3))
    chars[1, 2:] = 0
    return words, chars, torch.tensor([4, 2])


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("layers", [1, 2])
def test_every_family_shapes_and_padding_invariance(cell, bidirectional, layers):
    model = make_model(cell, bidirectional, layers)
    words, chars, lengths = batch()
    out = model(words, chars, lengths)
    assert out["tags"].shape == (2, 4, 7)
    assert out["intent"].shape == (2, 3)
    # the short sentence alone gives what it gets inside the padded batch
    alone = model(words[1:, :2], chars[1:, :2], lengths[1:])
    torch.testing.assert_close(alone["tags"][0], out["tags"][1, :2], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(alone["intent"][0], out["intent"][1], atol=1e-5, rtol=1e-5)


def test_bidirectional_jordan_sees_the_future():
    model = make_model("jordan", bidirectional=True)
    words, chars, lengths = batch()
    a = model(words[:1], chars[:1], lengths[:1])["tags"]
    words2 = words[:1].clone()
    words2[0, 3] = 9  # change the last word only
    b = model(words2, chars[:1], lengths[:1])["tags"]
    assert not torch.allclose(a[0, 0], b[0, 0])  # the first token's scores move: backward pass
    uni = make_model("jordan", bidirectional=False)
    assert torch.allclose(uni(words[:1], chars[:1], lengths[:1])["tags"][0, 0],
                          uni(words2, chars[:1], lengths[:1])["tags"][0, 0])


def test_bidirectional_jordan_adds_a_forward_and_a_backward_pass_at_the_output():
    model = make_model("jordan", bidirectional=True, n_chars=0)
    words, _, lengths = batch()
    w, n = words[1:, :2], lengths[1:]
    out = model(w, None, n)["tags"][0]  # (2, n_tags)
    fwd, bwd = model.rnn.layers[0]
    x = model.word_emb(w)
    _, o_fwd = fwd(x)
    _, o_bwd = bwd(x.flip(1))  # the backward network reads the sentence right to left
    torch.testing.assert_close(out, (o_fwd + o_bwd.flip(1))[0])


@pytest.mark.parametrize("cell", ["elman", "jordan"])
def test_context_window_shows_a_unidirectional_network_the_next_word_and_ignores_padding(cell):
    model = make_model(cell, bidirectional=False, context=1)
    words, chars, lengths = batch()
    out = model(words, chars, lengths)["tags"]
    alone = model(words[1:, :2], chars[1:, :2], lengths[1:])["tags"]
    torch.testing.assert_close(alone[0], out[1, :2], atol=1e-5, rtol=1e-5)  # padding reads as past-the-end
    words2 = words[:1].clone()
    words2[0, 1] = 9  # change the second word: the first token's scores move (window), not without one
    assert not torch.allclose(model(words2, chars[:1], lengths[:1])["tags"][0, 0], out[0, 0])
    plain = make_model(cell, bidirectional=False)
    assert torch.allclose(plain(words2, chars[:1], lengths[:1])["tags"][0, 0],
                          plain(words[:1], chars[:1], lengths[:1])["tags"][0, 0])


def test_config_rejects_unknown_cell():
    with pytest.raises(ValueError):
        TaggerConfig(vocab_size=3, n_tags=2, n_intents=1, cell="transformer")


def test_viterbi_never_opens_a_span_with_inside():
    import numpy as np

    from engine.decode import _NEG, allowed_transitions, start_allowed, viterbi

    tags = ["O", "B-a", "I-a", "B-b", "I-b"]
    trans = np.where(allowed_transitions(tags), 0.0, _NEG)
    start = np.where(start_allowed(tags), 0.0, _NEG)
    # greedy would say I-a, I-b, I-a: invalid everywhere
    logp = np.log(np.array([[0.1, 0.2, 0.5, 0.1, 0.1], [0.1, 0.1, 0.1, 0.2, 0.5], [0.3, 0.1, 0.5, 0.05, 0.05]]))
    path = [tags[i] for i in viterbi(logp, trans, start)]
    assert path[0] != "I-a" and not path[0].startswith("I-")
    for prev, cur in zip(path, path[1:]):
        assert not cur.startswith("I-") or prev[2:] == cur[2:]
    # an unconstrained valid best path is kept
    logp2 = np.log(np.array([[0.1, 0.8, 0.05, 0.03, 0.02], [0.1, 0.05, 0.8, 0.03, 0.02]]))
    assert [tags[i] for i in viterbi(logp2, trans, start)] == ["B-a", "I-a"]


def test_crf_likelihood_matches_brute_force_including_partial_labels():
    import itertools

    from model.network import CRF

    torch.manual_seed(0)
    n, T = 3, 4
    crf = CRF(n)
    with torch.no_grad():
        crf.transitions.normal_()
        crf.start.normal_()
        crf.end.normal_()
    em = torch.randn(1, T, n)

    def path_score(path):
        s = crf.start[path[0]] + em[0, 0, path[0]] + crf.end[path[-1]]
        for t in range(1, T):
            s = s + crf.transitions[path[t - 1], path[t]] + em[0, t, path[t]]
        return s

    paths = list(itertools.product(range(n), repeat=T))
    log_z = torch.logsumexp(torch.stack([path_score(p) for p in paths]), 0)
    gold = torch.tensor([[2, -100, 0, 1]])  # one token without a gold label: any tag there
    log_num = torch.logsumexp(torch.stack([path_score(p) for p in paths if p[0] == 2 and p[2] == 0 and p[3] == 1]), 0)
    known = 3
    assert crf.nll(em, gold, torch.tensor([T])).item() == pytest.approx(((log_z - log_num) / known).item(), abs=1e-5)
    assert crf.nll(em, torch.full((1, T), -100), torch.tensor([T])).item() == 0.0


def test_viterbi_with_learned_scores_finds_the_best_path():
    import itertools

    import numpy as np

    from engine.decode import viterbi

    rng = np.random.default_rng(0)
    logp, trans, start, end = rng.normal(size=(5, 3)), rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=3)

    def score(p):
        return start[p[0]] + logp[0, p[0]] + end[p[-1]] + sum(trans[p[t - 1], p[t]] + logp[t, p[t]] for t in range(1, 5))

    best = max(itertools.product(range(3), repeat=5), key=score)
    assert viterbi(logp, trans, start, end) == list(best)
