import assert from "node:assert/strict";
import { parseCommandLine, USAGE_EXIT, usageError } from "../cli/args.ts";

/** Runs `fn` with console.error captured. */
function capturingErrors<T>(fn: () => T): { result: T; errors: string[] } {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...data: unknown[]) => errors.push(data.join(" "));
  try {
    return { result: fn(), errors };
  } finally {
    console.error = original;
  }
}

const spec = {
  usage: "usage: tool [--flag] [--name N] FILE",
  options: { flag: { type: "boolean", default: false }, name: { type: "string" } },
  positionals: { min: 1, max: 1 },
} as const;

Deno.test("[cli] parseCommandLine gives the values and positionals of a command line that fits", () => {
  // parseArgs gives values without a prototype, so they are spread before comparing.
  const plain = (args: string[]) => {
    const { result, errors } = capturingErrors(() => parseCommandLine(args, spec));
    assert.deepEqual(errors, []);
    return { values: { ...result!.values }, positionals: result!.positionals };
  };
  assert.deepEqual(plain(["--name=x", "file", "--flag"]), {
    values: { name: "x", flag: true },
    positionals: ["file"],
  });
  assert.deepEqual(plain(["file"]), { values: { flag: false }, positionals: ["file"] });
});

Deno.test("[cli] parseCommandLine refuses what does not fit with the usage line alone", () => {
  const refused = [
    [],
    ["a", "b"],
    ["--unknown", "file"],
    ["--name"],
    ["--flag=yes", "file"],
    ["-f", "file"],
    ["-"],
    ["--", "file"],
    ["file", "-x"],
  ];
  for (const args of refused) {
    const { result, errors } = capturingErrors(() => parseCommandLine(args, spec));
    assert.equal(result, undefined, args.join(" "));
    assert.deepEqual(errors, [spec.usage], args.join(" "));
  }
});

Deno.test("[cli] usageError prints the usage line and gives exit code 2", () => {
  const { result, errors } = capturingErrors(() => usageError("usage: tool"));
  assert.equal(result, USAGE_EXIT);
  assert.equal(USAGE_EXIT, 2);
  assert.deepEqual(errors, ["usage: tool"]);
});
