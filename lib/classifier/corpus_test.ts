import assert from "node:assert/strict";
import { CATEGORIES } from "../categories.ts";
import { HELD_OUT_SET, TRAINING_SET } from "./corpus.ts";

const key = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();

Deno.test("[classifier] training corpus has at least 300 distinct tickets per category", () => {
  for (const category of CATEGORIES) {
    assert.ok(TRAINING_SET.filter((row) => row.category === category).length >= 300, category);
  }
  assert.equal(new Set(TRAINING_SET.map((row) => key(row.text))).size, TRAINING_SET.length);
});

Deno.test("[classifier] held-out corpus has about 50 tickets per category and none from training", () => {
  for (const category of CATEGORIES) {
    assert.ok(HELD_OUT_SET.filter((row) => row.category === category).length >= 50, category);
  }
  const trained = new Set(TRAINING_SET.map((row) => key(row.text)));
  for (const row of HELD_OUT_SET) assert.ok(!trained.has(key(row.text)), row.text);
});
