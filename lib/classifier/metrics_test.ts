import assert from "node:assert/strict";
import { evaluate } from "./metrics.ts";

Deno.test("[classifier] evaluate computes accuracy, per-class metrics, macro-F1 and confusion", () => {
  const result = evaluate([
    { actual: "facility_management", predicted: "facility_management" },
    { actual: "facility_management", predicted: "technical_it" },
    { actual: "technical_it", predicted: "technical_it" },
    { actual: "services_complaints", predicted: "services_complaints" },
  ]);
  assert.equal(result.total, 4);
  assert.equal(result.correct, 3);
  assert.equal(result.accuracy, 0.75);
  assert.deepEqual(result.perClass.facility_management, { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
  assert.deepEqual(result.perClass.technical_it, { precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
  assert.deepEqual(result.perClass.services_complaints, { precision: 1, recall: 1, f1: 1, support: 1 });
  assert.ok(Math.abs(result.macroF1 - (2 / 3 + 2 / 3 + 1) / 3) < 1e-12);
  assert.deepEqual(result.confusion, [[1, 1, 0], [0, 1, 0], [0, 0, 1]]);
});

Deno.test("[classifier] evaluate counts a class never predicted or never present as zero, not NaN", () => {
  const result = evaluate([{ actual: "technical_it", predicted: "technical_it" }]);
  assert.deepEqual(result.perClass.facility_management, { precision: 0, recall: 0, f1: 0, support: 0 });
  assert.equal(evaluate([]).accuracy, 0);
});
