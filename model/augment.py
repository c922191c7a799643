"""What each training epoch shows: the mix of corpora, city swapping and word dropout."""
from __future__ import annotations

import random
from collections import Counter

from engine.spans import tags_to_spans
from engine.tokenizer import Token, tokenize
from engine.vocab import UNK

from . import synth
from .data import Example


def batches(examples: list[Example], size: int, shuffle: bool, rng: random.Random):
    order = list(range(len(examples)))
    if shuffle:
        rng.shuffle(order)
    for i in range(0, len(order), size):
        yield [examples[j] for j in order[i: i + size]]


def epoch_examples(atis: list[Example], sgd: list[Example], atis_repeat: int, sgd_negatives: float,
                   rng: random.Random) -> list[Example]:
    """One epoch's training examples: ATIS ``atis_repeat`` times, every SGD-travel turn with a
    span, and a fresh random ``sgd_negatives`` share of the turns without one."""
    negatives = [e for e in sgd if not e.spans]
    kept = rng.sample(negatives, round(len(negatives) * sgd_negatives)) if sgd_negatives < 1 else negatives
    return atis * atis_repeat + [e for e in sgd if e.spans] + kept


def city_pool(sgd_train: list[Example]) -> list[list[Token]]:
    """Place names: typed in SGD-travel (departure/destination spans), and the cities of the
    world's international airports (the airportsdata package), as token lists."""
    names = [ap["city"].lower() for ap in synth.international_airports()] + synth.typed_places(sgd_train)
    seen, pool = set(), []
    for name in names:
        toks = tokenize(name)
        key = tuple(t.text for t in toks)
        if 0 < len(toks) <= 3 and key not in seen:
            seen.add(key)
            pool.append(toks)
    return pool


def substitute_cities(e: Example, pool: list[list[Token]], rng: random.Random) -> Example:
    """A copy of an ATIS example whose city names are swapped for random typed place names.

    Teaches the context ("arrive X on ...", "from X to Y") to carry the slot whatever X is.
    Fine tags keep their label (fromloc.city_name, ...); frame tags follow.
    """
    cities = {s.first: s for s in tags_to_spans(e.tokens, e.tags) if s.label.endswith("city_name")}
    tokens, tags, frame = [], [], []
    i = 0
    while i < len(e.tokens):
        s = cities.get(i)
        if s is None:
            tokens.append(e.tokens[i])
            tags.append(e.tags[i])
            frame.append(e.frame_tags[i])
            i += 1
            continue
        first_frame = e.frame_tags[i]  # "O", or the frame tag the city opened (B-) or continued (I-)
        for k, t in enumerate(rng.choice(pool)):
            tokens.append(Token(t.text, 0, 0, t.shape if rng.random() < 0.5 else (5 if t.shape == 5 else 1)))
            tags.append(("B-" if k == 0 else "I-") + s.label)
            frame.append(first_frame if first_frame == "O" or k == 0 else "I-" + first_frame[2:])
        i = s.last + 1
    return Example(e.text, tokens, tags, e.intent, [], frame)


def drop_words(words: list[str], counts: Counter, p: float, rng: random.Random) -> list[str]:
    """Replace words by <unk>: rare words more often (alpha / (alpha + count)), all at least ``p``."""
    return [UNK if rng.random() < max(p, 0.25 / (0.25 + counts[w])) else w for w in words]
