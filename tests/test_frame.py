from engine.frame import FRAME_TAGS, build_frame, frame_slot, frame_spans, head_slot
from engine.spans import Span as Entity
from engine.tokenizer import tokenize


def test_fine_labels_map_to_the_frame():
    assert frame_slot("fromloc.city_name") == "departure"
    assert frame_slot("toloc.airport_code") == "destination"
    assert frame_slot("depart_date.day_name") == "time"
    assert frame_slot("arrive_time.time") == "time"
    assert frame_slot("return_date.month_name") == "return_time"
    assert frame_slot("airline_name") is None
    assert frame_slot("stoploc.city_name") is None
    assert frame_slot("destination") == "destination"


def test_the_frame_head_keeps_arrival_apart_and_the_served_frame_takes_it_as_a_time_piece():
    assert head_slot("arrive_time.time") == head_slot("arrive_date.day_name") == "arrival_time"
    assert head_slot("depart_time.time") == "time"
    assert frame_slot("arrival_time") == "time"  # engine.timeframe tells it from the departure time
    assert {"B-arrival_time", "I-arrival_time", "B-time", "B-return_time"} <= set(FRAME_TAGS)


def ent(text, tokens, label, word, conf, nth=0):
    idx = [i for i, t in enumerate(tokens) if text[t.start:t.end] == word][nth]
    return Entity(label, tokens[idx].start, tokens[idx].end, conf, idx, idx)


def test_adjacent_date_and_time_pieces_merge():
    text = "fly to Denver next Friday at 9pm, please"
    toks = tokenize(text)
    ents = [ent(text, toks, "toloc.city_name", "Denver", 0.9),
            ent(text, toks, "depart_date.date_relative", "next", 0.8),
            ent(text, toks, "depart_date.day_name", "Friday", 0.95)]
    nine = [i for i, t in enumerate(toks) if t.text == "9"][0]
    ents.append(Entity("depart_time.time", toks[nine].start, toks[nine + 1].end, 0.7, nine, nine + 1))
    frame = build_frame(text, toks, ents)
    assert frame["time"]["text"] == "next Friday at 9pm"
    assert frame["time"]["confidence"] == 0.7
    assert frame["destination"]["text"] == "Denver" and frame["departure"] is None


def test_most_confident_candidate_wins_and_return_is_not_time():
    text = "from boston or from denver, back on monday"
    toks = tokenize(text)
    ents = [ent(text, toks, "fromloc.city_name", "boston", 0.6),
            ent(text, toks, "fromloc.city_name", "denver", 0.9),
            ent(text, toks, "return_date.day_name", "monday", 0.99)]
    frame = build_frame(text, toks, ents)
    assert frame["departure"]["text"] == "denver"
    assert frame["time"] is None


def test_distant_time_pieces_stay_apart():
    text = "leave monday morning and arrive by friday"
    toks = tokenize(text)
    ents = [ent(text, toks, "depart_date.day_name", "monday", 0.8),
            ent(text, toks, "depart_time.period_of_day", "morning", 0.9),
            ent(text, toks, "arrive_date.day_name", "friday", 0.7)]
    assert build_frame(text, toks, ents)["time"]["text"] == "monday morning"


def test_places_merge_only_across_a_comma_or_space():
    text = "boston -> denver, and Portland, OR"
    toks = tokenize(text)
    ents = [ent(text, toks, "departure", w, 0.9) for w in ("boston", "denver", "Portland", "OR")]
    spans = [text[p.start:p.end] for p in frame_spans(toks, ents, text)]
    assert spans == ["boston", "denver", "Portland, OR"]
