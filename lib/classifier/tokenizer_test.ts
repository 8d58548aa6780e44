import assert from "node:assert/strict";
import fc from "fast-check";
import { normalize, splitWords, stem } from "./tokenizer.ts";

Deno.test("[classifier] normalize folds case, accents, apostrophes, URLs and handles", () => {
  assert.equal(normalize("Can't LOG-IN"), "cant log-in");
  assert.equal(normalize("Café Müller’s"), "cafe mullers");
  assert.equal(normalize("@helpdesk see https://example.org/x?y=1 now"), "  see   now");
});

Deno.test("[classifier] splitWords keeps letters and digits only", () => {
  assert.deepEqual(splitWords("wifi down!! room b-204, again..."), [
    "wifi",
    "down",
    "room",
    "b",
    "204",
    "again",
  ]);
  assert.deepEqual(splitWords(""), []);
});

Deno.test("[classifier] stem merges inflections but leaves short words and codes alone", () => {
  assert.equal(stem("leaking"), "leak");
  assert.equal(stem("leaks"), "leak");
  assert.equal(stem("leaked"), "leak");
  assert.equal(stem("stopped"), "stop");
  assert.equal(stem("batteries"), "battery");
  assert.equal(stem("glass"), "glass");
  assert.equal(stem("bus"), "bus");
  assert.equal(stem("b204s"), "b204s");
});

Deno.test("[classifier] tokenizer output is lowercase ascii words for any input", () => {
  fc.assert(fc.property(fc.string({ unit: "grapheme" }), (text) => {
    for (const word of splitWords(normalize(text))) {
      assert.match(word, /^[a-z0-9]+$/);
      assert.match(stem(word), /^[a-z0-9]+$/);
    }
  }));
});
