// The try-it page: posts the utterance to /parse and shows the answer. Everything rendered goes through
// textContent (never innerHTML), so text from the user or the answer is never read as markup.
"use strict";

const SLOTS = ["departure", "destination", "time", "return_time"];

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function spansOf(answer) {
  const frame = Object.assign({}, answer.slots, { return_time: answer.return_time });
  const spans = [];
  for (const slot of SLOTS) {
    const s = frame[slot];
    if (s) spans.push({ slot, start: s.start, end: s.end });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  // one mark per stretch of text: a span overlapping an earlier one (a round trip's range fills both
  // time and return_time) is named on the earlier mark
  const marks = [];
  for (const s of spans) {
    const last = marks[marks.length - 1];
    if (last && s.start < last.end) last.slots.push(s.slot);
    else marks.push({ start: s.start, end: s.end, slots: [s.slot] });
  }
  return marks;
}

function highlight(text, answer) {
  const out = document.getElementById("highlighted");
  out.replaceChildren();
  const chars = Array.from(text); // offsets count code points, as the service's do
  let at = 0;
  for (const m of spansOf(answer)) {
    out.append(chars.slice(at, m.start).join(""));
    out.append(el("mark", { class: m.slots[0], "data-slot": m.slots.join(" + ") }, chars.slice(m.start, m.end).join("")));
    at = m.end;
  }
  out.append(chars.slice(at).join(""));
}

function render(text, answer) {
  highlight(text, answer);
  document.getElementById("intent").textContent = `${answer.intent.name} (${answer.intent.confidence})`;
  document.getElementById("scope").textContent = answer.in_scope
    ? `yes (language ${answer.language.code})`
    : `no: ${answer.out_of_scope.reason} (${answer.out_of_scope.confidence})`;
  document.getElementById("missing").textContent = answer.missing.length ? answer.missing.join(", ") : "nothing";
  const body = document.querySelector("#slots tbody");
  body.replaceChildren();
  const frame = Object.assign({}, answer.slots, { return_time: answer.return_time });
  for (const slot of SLOTS) {
    const s = frame[slot];
    const row = el("tr", { "data-slot": slot });
    row.append(el("td", {}, slot), el("td", {}, s ? s.text : "—"));
    const value = el("td");
    value.append(el("code", {}, s ? JSON.stringify(s.value) : "—"));
    row.append(value, el("td", {}, s && s.grain ? s.grain : ""), el("td", {}, s ? String(s.confidence) : ""));
    body.append(row);
  }
  document.getElementById("raw").textContent = JSON.stringify(answer, null, 2);
  document.getElementById("result").hidden = false;
}

async function parse(event) {
  event.preventDefault();
  const error = document.getElementById("error");
  error.hidden = true;
  const text = document.getElementById("text").value;
  const body = { text };
  const ref = document.getElementById("reference_time").value.trim();
  const tz = document.getElementById("timezone").value.trim();
  if (ref) body.reference_time = ref;
  if (tz) body.timezone = tz;
  const headers = { "Content-Type": "application/json" };
  const key = document.getElementById("api_key").value;
  if (key) headers["X-API-Key"] = key;
  try {
    const res = await fetch("/parse", { method: "POST", headers, body: JSON.stringify(body) });
    const answer = await res.json();
    if (!res.ok) throw new Error(`${answer.status} ${answer.title}: ${answer.detail}`);
    render(text, answer);
  } catch (err) {
    error.textContent = String(err.message || err);
    error.hidden = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const tz = document.getElementById("timezone");
  if (!tz.value) tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  document.getElementById("form").addEventListener("submit", parse);
});
