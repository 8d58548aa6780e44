// CSV for the classifier's evaluation files, read by csv-parse's sync API. Chosen over papaparse because
// it throws a typed CsvError naming the line it stopped at (papaparse never throws: it returns a best guess
// with errors numbered by record, not line); it takes a list of line ends, so LF, CRLF and CR may mix
// (papaparse guesses one newline for the whole text and splits wrongly after that); it skips a BOM by an
// explicit option; and it is ES modules with its own types (papaparse is a UMD script whose types come
// from DefinitelyTyped, 5.5 for 5.7), without dependencies. Its larger size (about 70 kB of source to
// papaparse's 52 kB) does not matter here: only the CLI and tests read CSV, never the browser.
import { CsvError, type Options, parse } from "csv-parse/sync";

// RFC 4180 plus the leniency the hand-written parser had: a byte-order mark, any mix of line ends, blank
// lines skipped, rows of any length (parseCsvRecords checks them against the header), and a quote inside
// an unquoted field kept as text (people write `27" screen`).
const OPTIONS: Options = {
  bom: true,
  record_delimiter: ["\r\n", "\n", "\r"],
  skip_empty_lines: true,
  relax_column_count: true,
  relax_quotes: true,
};

// csv-parse counts a CRLF inside a quoted field as two lines, so lines are counted here from each
// record's raw text (which starts with the blank lines skipped before it).
const LINE_BREAK = /\r\n|\r|\n/g;
const LEADING_BREAKS = /^(?:\r\n|\r|\n)*/;
const breaks = (text: string) => text.match(LINE_BREAK)?.length ?? 0;

/** Parses CSV text whose first row is a header into one record per data row, keyed by column name. */
export function parseCsvRecords(text: string): Record<string, string>[] {
  // With `raw`, csv-parse gives each row with its source text; its types only describe plain rows.
  const rows = parsed(() => parse(text, { ...OPTIONS, raw: true })) as unknown as {
    record: string[];
    raw: string;
  }[];
  const [first, ...rest] = rows;
  if (first === undefined) return [];
  const header = first.record;
  // The line the next row's raw text begins on.
  let line = 1 + breaks(first.raw);
  return rest.map(({ record: fields, raw }, r) => {
    const start = line + breaks(raw.match(LEADING_BREAKS)![0]);
    line += breaks(raw);
    if (fields.length !== header.length) {
      throw new SyntaxError(
        `CSV line ${start}: row ${r + 2} has ${fields.length} fields, the header has ${header.length}`,
      );
    }
    return Object.fromEntries(header.map((name, c) => [name, fields[c]]));
  });
}

/** Runs a csv-parse call, turning its errors into the SyntaxError this module has always thrown. */
function parsed<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const what = error.code === "CSV_QUOTE_NOT_CLOSED" ? "ends inside a quoted field" : "is malformed";
    throw new SyntaxError(`CSV ${what} (${error.message})`, { cause: error });
  }
}
