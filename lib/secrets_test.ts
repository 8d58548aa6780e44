import assert from "node:assert/strict";
import { hashSecret, isSecretShape, linkTokenFor, newSecret } from "./secrets.ts";

Deno.test("[secrets] keys are 256 random bits in base64url; only that exact shape is a secret", () => {
  const keys = new Set(Array.from({ length: 1000 }, newSecret));
  assert.equal(keys.size, 1000);
  for (const key of keys) assert.ok(isSecretShape(key), key);
  for (
    const bad of [
      "",
      "a".repeat(42),
      "a".repeat(44),
      "a".repeat(42) + "=",
      "a".repeat(42) + "/",
      "ä".repeat(43),
    ]
  ) {
    assert.equal(isSecretShape(bad), false, bad);
  }
});

Deno.test("[secrets] a hash is SHA-256 in hex; a link token is the same for the same key and ticket, different otherwise", async () => {
  assert.equal(
    await hashSecret("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  const key = newSecret();
  const token = await linkTokenFor(key, "01JZZZZZZZZZZZZZZZZZZZZZZZ");
  assert.ok(isSecretShape(token));
  assert.equal(await linkTokenFor(key, "01JZZZZZZZZZZZZZZZZZZZZZZZ"), token);
  assert.notEqual(await linkTokenFor(key, "01JZZZZZZZZZZZZZZZZZZZZZZY"), token);
  assert.notEqual(await linkTokenFor(newSecret(), "01JZZZZZZZZZZZZZZZZZZZZZZZ"), token);
});
