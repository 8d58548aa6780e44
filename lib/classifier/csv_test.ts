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

Deno.test("[classifier] parseCsvRecords reads a quoted field holding a comma, a line break and a doubled quote", () => {
  const text =
    'text,label\r\n"Room 2.14, ""the lab"":\r\nno heating",facility_management\r\nok,technical_it\r\n';
  assert.deepEqual(parseCsvRecords(text), [
    { text: 'Room 2.14, "the lab":\r\nno heating', label: "facility_management" },
    { text: "ok", label: "technical_it" },
  ]);
});

Deno.test("[classifier] a ragged row's error names the line it starts on, past blank lines and quoted breaks", () => {
  // Line 1 header, 2 blank, 3–4 a quoted CRLF, 5 blank, 6–8 a quoted LF field, 9 the bad row.
  const text = 'text,label\r\n\r\n"one\r\ntwo",a\r\n\r\n"x\ny\nz",b\r\nbroken row\r\nlast,c\r\n';
  assert.throws(
    () => parseCsvRecords(text),
    (error) =>
      error instanceof SyntaxError && error.message === "CSV line 9: row 4 has 1 fields, the header has 2",
  );
});

Deno.test("[classifier] parseCsv takes mixed line ends, skips blank lines and keeps a quote inside a field", () => {
  assert.deepEqual(parseCsv('a,b\rc,d\r\n\r\n\ne,my 27" screen\n'), [["a", "b"], ["c", "d"], [
    "e",
    'my 27" screen',
  ]]);
  // A line holding only an empty quoted field is a row with one empty field, not a blank line.
  assert.deepEqual(parseCsv('a\n""\nb'), [["a"], [""], ["b"]]);
});

Deno.test("[classifier] text after a closing quote keeps the field as written", () => {
  // Not RFC 4180; csv-parse (relax_quotes) keeps such a field verbatim, where the hand-written parser
  // dropped the quotes and glued the rest on ("ab").
  assert.deepEqual(parseCsv('"a"b,c\n'), [['"a"b', "c"]]);
});

Deno.test("[classifier] an unterminated quoted field is a SyntaxError that says so", () => {
  assert.throws(
    () => parseCsv('text,label\nfine,a\n"never closed,b\n'),
    (error) => error instanceof SyntaxError && /^CSV ends inside a quoted field \(.*line/.test(error.message),
  );
});

Deno.test("[classifier] parseCsv reads back unquoted rows whatever the line ends and blank lines", () => {
  const field = fc.string().map((s) => s.replace(/[",\r\n]/g, ""));
  fc.assert(
    fc.property(
      fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { maxLength: 6 }),
      fc.array(fc.constantFrom("\n", "\r\n", "\r", "\n\n", "\r\n\r\n")),
      (rows, ends) => {
        const text = rows.map((row, i) => row.join(",") + (ends[i] ?? "\n")).join("");
        assert.deepEqual(parseCsv(text), rows);
      },
    ),
  );
});
