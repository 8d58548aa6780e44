// A small RFC 4180 CSV parser: quoted fields may hold commas, doubled quotes and line breaks.

/** Parses CSV text into rows of fields; accepts LF or CRLF line ends and a leading byte-order mark. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // A row only exists once something was read for it, so a trailing newline adds no empty row.
  let rowStarted = false;

  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === "") {
      quoted = true;
      rowStarted = true;
    } else if (ch === ",") {
      row.push(field);
      field = "";
      rowStarted = true;
    } else if (ch === "\n" || ch === "\r") {
      if (rowStarted) rows.push([...row, field]);
      row = [];
      field = "";
      rowStarted = false;
      if (ch === "\r" && text[i + 1] === "\n") i++;
    } else {
      field += ch;
      rowStarted = true;
    }
    i++;
  }
  if (quoted) throw new SyntaxError("CSV ends inside a quoted field");
  if (rowStarted) rows.push([...row, field]);
  return rows;
}

/** Parses CSV text whose first row is a header into one record per data row, keyed by column name. */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) return [];
  return rows.map((fields, r) => {
    if (fields.length !== header.length) {
      throw new SyntaxError(`CSV row ${r + 2} has ${fields.length} fields, the header has ${header.length}`);
    }
    return Object.fromEntries(header.map((name, c) => [name, fields[c]]));
  });
}
