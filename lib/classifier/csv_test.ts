import assert from "node:assert/strict";
import fc from "fast-check";
import { parseCsvRecords } from "./csv.ts";

Deno.test("[classifier] parseCsvRecords handles quotes, embedded commas, doubled quotes and newlines", () => {
  const text =
    'text,label\n"Lift, building C",facility\n"He said ""hi""",services\n"line one\nline two",it\n';
  assert.deepEqual(parseCsvRecords(text), [
    { text: "Lift, building C", label: "facility" },
    { text: 'He said "hi"', label: "services" },
    { text: "line one\nline two", label: "it" },
  ]);
});

Deno.test("[classifier] parseCsvRecords accepts CRLF, a byte-order mark, empty fields and no final newline", () => {
  // The byte-order mark is not part of the first column's name.
  assert.deepEqual(parseCsvRecords('\ufeffa,b\r\n,""\r\n"x\r\ny",z'), [{ a: "", b: "" }, {
    a: "x\r\ny",
    b: "z",
  }]);
  assert.deepEqual(parseCsvRecords(""), []);
});

Deno.test("[classifier] parseCsvRecords rejects an unterminated quoted field", () => {
  assert.throws(() => parseCsvRecords('a,"never closed\n'), SyntaxError);
});

Deno.test("[classifier] parseCsvRecords keys fields by header and rejects ragged rows", () => {
  assert.deepEqual(parseCsvRecords("text,label\nhi,technical_it\n"), [{ text: "hi", label: "technical_it" }]);
  assert.throws(() => parseCsvRecords("text,label\nonly one field\n"), /row 2 has 1 fields/);
});

Deno.test("[classifier] parseCsvRecords reads back whatever a quoting writer wrote", () => {
  const quote = (field: string) => `"${field.replaceAll('"', '""')}"`;
  const table = fc.integer({ min: 1, max: 4 }).chain((columns) =>
    fc.record({
      header: fc.uniqueArray(fc.string(), { minLength: columns, maxLength: columns }),
      rows: fc.array(fc.array(fc.string(), { minLength: columns, maxLength: columns }), { maxLength: 5 }),
    })
  );
  fc.assert(
    fc.property(table, ({ header, rows }) => {
      const text = [header, ...rows].map((row) => row.map(quote).join(",")).join("\r\n");
      const expected = rows.map((row) => Object.fromEntries(header.map((name, c) => [name, row[c]])));
      assert.deepEqual(parseCsvRecords(text), expected);
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

Deno.test("[classifier] parseCsvRecords takes mixed line ends, skips blank lines and keeps a quote inside a field", () => {
  assert.deepEqual(parseCsvRecords('a,b\rc,d\r\n\r\n\ne,my 27" screen\n'), [{ a: "c", b: "d" }, {
    a: "e",
    b: 'my 27" screen',
  }]);
  // A line holding only an empty quoted field is a row with one empty field, not a blank line.
  assert.deepEqual(parseCsvRecords('a\n""\nb'), [{ a: "" }, { a: "b" }]);
});

Deno.test("[classifier] text after a closing quote keeps the field as written", () => {
  // Not RFC 4180; csv-parse (relax_quotes) keeps such a field verbatim, where the hand-written parser
  // dropped the quotes and glued the rest on ("ab").
  assert.deepEqual(parseCsvRecords('x,y\n"a"b,c\n'), [{ x: '"a"b', y: "c" }]);
});

Deno.test("[classifier] an unterminated quoted field is a SyntaxError that says so", () => {
  assert.throws(
    () => parseCsvRecords('text,label\nfine,a\n"never closed,b\n'),
    (error) => error instanceof SyntaxError && /^CSV ends inside a quoted field \(.*line/.test(error.message),
  );
});

Deno.test("[classifier] parseCsvRecords reads back unquoted rows whatever the line ends and blank lines", () => {
  const field = fc.string().map((s) => s.replace(/[",\r\n]/g, ""));
  const table = fc.integer({ min: 2, max: 4 }).chain((columns) =>
    fc.array(fc.array(field, { minLength: columns, maxLength: columns }), { maxLength: 6 }).map((rows) => ({
      header: Array.from({ length: columns }, (_, c) => `c${c}`),
      rows,
    }))
  );
  fc.assert(
    fc.property(
      table,
      fc.array(fc.constantFrom("\n", "\r\n", "\r", "\n\n", "\r\n\r\n")),
      ({ header, rows }, ends) => {
        const text = [header, ...rows].map((row, i) => row.join(",") + (ends[i] ?? "\n")).join("");
        const expected = rows.map((row) => Object.fromEntries(header.map((name, c) => [name, row[c]])));
        assert.deepEqual(parseCsvRecords(text), expected);
      },
    ),
  );
});
