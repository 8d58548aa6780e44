import assert from "node:assert/strict";
import fc from "fast-check";
import { parseCsv, parseCsvRecords } from "./csv.ts";

Deno.test("[classifier] parseCsv handles quotes, embedded commas, doubled quotes and newlines", () => {
  const text =
    'text,label\n"Lift, building C",facility\n"He said ""hi""",services\n"line one\nline two",it\n';
  assert.deepEqual(parseCsv(text), [
    ["text", "label"],
    ["Lift, building C", "facility"],
    ['He said "hi"', "services"],
    ["line one\nline two", "it"],
  ]);
});

Deno.test("[classifier] parseCsv accepts CRLF, a byte-order mark, empty fields and no final newline", () => {
  assert.deepEqual(parseCsv('\ufeffa,b\r\n,""\r\n"x\r\ny",z'), [["a", "b"], ["", ""], ["x\r\ny", "z"]]);
  assert.deepEqual(parseCsv(""), []);
});

Deno.test("[classifier] parseCsv rejects an unterminated quoted field", () => {
  assert.throws(() => parseCsv('a,"never closed\n'), SyntaxError);
});

Deno.test("[classifier] parseCsvRecords keys fields by header and rejects ragged rows", () => {
  assert.deepEqual(parseCsvRecords("text,label\nhi,technical_it\n"), [{ text: "hi", label: "technical_it" }]);
  assert.throws(() => parseCsvRecords("text,label\nonly one field\n"), /row 2 has 1 fields/);
});

Deno.test("[classifier] parseCsv reads back whatever a quoting writer wrote", () => {
  const quote = (field: string) => `"${field.replaceAll('"', '""')}"`;
  fc.assert(
    fc.property(fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), { maxLength: 5 }), (rows) => {
      const text = rows.map((row) => row.map(quote).join(",")).join("\r\n");
      assert.deepEqual(parseCsv(text), rows);
    }),
  );
});
