import assert from "node:assert/strict";
import fc from "fast-check";
import { INVALID_UTF8_MARK, readLines } from "../cli/read_lines.ts";

const encoder = new TextEncoder();

/** A stream that hands out `bytes` in the given chunk sizes (the rest in one last chunk). */
function streamOf(bytes: Uint8Array, sizes: number[] = []): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= bytes.length) break;
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  if (at < bytes.length) chunks.push(bytes.slice(at));
  return ReadableStream.from(chunks);
}

async function lines(bytes: Uint8Array | string, sizes?: number[], onBytes?: (n: number) => void) {
  const data = typeof bytes === "string" ? encoder.encode(bytes) : bytes;
  return await Array.fromAsync(readLines(streamOf(data, sizes), onBytes));
}

Deno.test("[cli] readLines splits on LF and CRLF, keeps empty lines and a last line without newline", async () => {
  assert.deepEqual(await lines("a\nb\r\n\nc"), ["a", "b", "", "c"]);
  assert.deepEqual(await lines("a\n"), ["a"]);
  assert.deepEqual(await lines(""), []);
  assert.deepEqual(await lines("\n"), [""]);
  // A lone CR is not a line end, and only one CR before the LF belongs to it.
  assert.deepEqual(await lines("a\rb\nc\r\r\nd\r"), ["a\rb", "c\r", "d"]);
});

Deno.test("[cli] readLines drops a leading byte-order mark", async () => {
  assert.deepEqual(await lines("\ufeff{}\n{}\n"), ["{}", "{}"]);
});

Deno.test("[cli] readLines joins lines, CRLFs and characters split across chunks", async () => {
  const text = "één\r\nzwei 😀\r\n\ndrei";
  const want = ["één", "zwei 😀", "", "drei"];
  const bytes = encoder.encode(text);
  for (let size = 1; size <= bytes.length; size++) {
    assert.deepEqual(await lines(bytes, Array(bytes.length).fill(size)), want, `chunks of ${size}`);
  }
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string({ unit: "grapheme" }).map((s) => s.replace(/[\r\n]/g, "")), { maxLength: 6 }),
      fc.constantFrom("\n", "\r\n"),
      fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 40 }),
      async (parts, end, sizes) => {
        const text = parts.map((part) => part + end).join("");
        assert.deepEqual(await lines(text, sizes), parts);
      },
    ),
  );
});

Deno.test("[cli] readLines reports the bytes read so far, ending at the file size", async () => {
  const bytes = encoder.encode("one\ntwo\nthree\n");
  const seen: number[] = [];
  assert.deepEqual(await lines(bytes, [3, 5, 2], (n) => seen.push(n)), ["one", "two", "three"]);
  assert.ok(seen.length > 0);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  assert.equal(seen.at(-1), bytes.length);
});

Deno.test("[cli] readLines marks a line that is not UTF-8 with where its first bad byte is, never replaces it", async () => {
  const bytes = new Uint8Array([0x61, 0xff, 0x62, 0x0a, 0xc3, 0x0a, 0x63, 0xe2, 0x82, 0x0a, 0x64]);
  assert.deepEqual(await lines(bytes), [
    `${INVALID_UTF8_MARK}byte 2`,
    `${INVALID_UTF8_MARK}byte 1`,
    `${INVALID_UTF8_MARK}byte 3`,
    "d",
  ]);
});

Deno.test("[cli] readLines stops reading when the consumer stops", async () => {
  const { promise: cancelled, resolve } = Promise.withResolvers<void>();
  const stream = new ReadableStream<Uint8Array>({
    pull: (controller) => controller.enqueue(encoder.encode("line\n")),
    cancel: () => resolve(),
  });
  for await (const line of readLines(stream)) {
    assert.equal(line, "line");
    break;
  }
  // The cancel travels back through the pipe chain, so it reaches the source a few steps later.
  const timeout = Promise.withResolvers<never>();
  const timer = setTimeout(() => timeout.reject(new Error("the source was never cancelled")), 1000);
  try {
    await Promise.race([cancelled, timeout.promise]);
  } finally {
    clearTimeout(timer);
  }
});
