"""engine.timespans: time expressions the tagger cut short or never saw, completed from the text."""
from engine.timespans import complete


def span(text: str, piece: str, confidence: float = 0.9) -> dict:
    start = text.index(piece)
    return {"text": piece, "start": start, "end": start + len(piece), "confidence": confidence}


def frame_of(text: str, **slots: str) -> dict:
    frame = dict.fromkeys(("departure", "destination", "time", "return_time"))
    frame.update({k: span(text, v) for k, v in slots.items()})
    return frame


def completed(text: str, **slots: str) -> dict:
    """The frame the tagger gave (``slots``: slot -> its text), after completion."""
    frame = frame_of(text, **slots)
    complete(text, frame)
    return frame


def test_a_holiday_the_tagger_missed_becomes_the_time():
    text = "fly from boston to denver on christmas"
    frame = completed(text, departure="boston", destination="denver")
    assert frame["time"] == span(text, "christmas", 1.0)


def test_a_holiday_after_return_is_the_return_time():
    text = "fly from boston to denver on christmas returning on new year's day"
    frame = completed(text, departure="boston", destination="denver", time="christmas")
    assert frame["return_time"]["text"] == "new year's day"
    assert frame["time"]["text"] == "christmas"


def test_a_cut_short_offset_grows_and_keeps_the_taggers_confidence():
    text = "fly to denver a week from today"
    frame = completed(text, destination="denver", time="today")
    assert frame["time"] == span(text, "a week from today", 0.9)


def test_one_end_of_a_range_grows_to_the_range():
    text = "fly to denver between the 2nd and the 6th of january"
    frame = completed(text, destination="denver", time="the 2nd")
    assert frame["time"]["text"] == "the 2nd and the 6th of january"
    text = "fly to denver the 5th through the 12th of december"
    frame = completed(text, destination="denver", time="12th of december")
    assert frame["time"]["text"] == "the 5th through the 12th of december"


def test_a_place_that_runs_into_a_holiday_ends_before_it():
    text = "fly from boston to denver memorial day"
    frame = completed(text, departure="boston", destination="denver memorial", time="day")
    assert frame["destination"]["text"] == "denver" and frame["time"]["text"] == "memorial day"


def test_nothing_changes_without_a_time_expression():
    text = "fly from boston to denver on the 11th"
    frame = frame_of(text, departure="boston", destination="denver", time="the 11th")
    before = {k: dict(v) if v else v for k, v in frame.items()}
    complete(text, frame)
    assert frame == before


def test_a_clock_time_said_in_words_is_the_time_and_no_place():
    text = "a train to leeds leaving at a quarter to eight"
    frame = completed(text, destination="eight")  # the tagger read the hour as a place
    assert frame["destination"] is None and frame["time"] == span(text, "quarter to eight", 1.0)
    text = "leaving at half past two in the afternoon"
    frame = completed(text, time="half")
    assert frame["time"] == span(text, "half past two in the afternoon", 0.9)


def test_counts_are_no_clock_times():
    text = "tickets for five to six people on friday"
    frame = completed(text, time="friday")
    assert frame["time"]["text"] == "friday"


def test_the_frame_heads_arrival_label_marks_an_arrival_constraint():
    # an arrival word too far before the clock time for the near cue: the tagger's label decides, the fine
    # tagger's arrive_time.* or the frame head's arrival_time alike
    from engine import timeframe
    from engine.spans import Span

    text = "I land in Denver for the sales conference on Tuesday, at 5 pm"
    day, clock = text.index("Tuesday"), text.index("5 pm")
    spans = [Span("time", day, day + 7, 0.9, 0, 0), Span("time", clock, clock + 4, 0.9, 0, 0)]

    def arrivals(labelled):
        return [text[p.start:p.end] for p in timeframe.pieces(text, spans, labelled) if p.arrival]
    assert arrivals([]) == []
    for label in ("arrival_time", "arrive_time.time"):
        assert arrivals([Span(label, clock, clock + 4, 0.9, 0, 0)]) == ["5 pm"]
    assert arrivals([Span("depart_time.time", clock, clock + 4, 0.9, 0, 0)]) == []
