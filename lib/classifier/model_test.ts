import assert from "node:assert/strict";
import fc from "fast-check";
import { extractFeatures } from "./features.ts";
import { CountTable, NaiveBayes } from "./model.ts";

function tinyBase(): CountTable {
  const table = new CountTable(2);
  table.add(extractFeatures("the heating is broken and the room is cold"), 0);
  table.add(extractFeatures("radiator leaking water"), 0);
  table.add(extractFeatures("wifi keeps dropping"), 1);
  table.add(extractFeatures("cannot log in to my email account"), 1);
  return table;
}

Deno.test("[classifier] naive Bayes probabilities sum to one and favour the matching class", () => {
  const model = new NaiveBayes(tinyBase());
  const heating = model.probabilities(extractFeatures("radiator cold"));
  assert.ok(Math.abs(heating[0] + heating[1] - 1) < 1e-12);
  assert.ok(heating[0] > heating[1]);
  const wifi = model.probabilities(extractFeatures("wifi dropping again"));
  assert.ok(wifi[1] > wifi[0]);
});

Deno.test("[classifier] unknown text gets uniform probabilities", () => {
  const model = new NaiveBayes(tinyBase());
  assert.deepEqual([...model.probabilities(extractFeatures(""))], [0.5, 0.5]);
  assert.deepEqual([...model.probabilities(extractFeatures("zzqx vvkpl"))], [0.5, 0.5]);
});

Deno.test("[classifier] learning changes only the learning model, never the shared base", () => {
  const base = tinyBase();
  const before = Float64Array.from(base.counts);
  const learner = new NaiveBayes(base);
  const bystander = new NaiveBayes(base);
  const text = extractFeatures("projector shows no signal");
  const bystanderBefore = bystander.probabilities(text);
  learner.learn(text, 0, 5);
  assert.ok(learner.probabilities(text)[0] > 0.9);
  assert.deepEqual([...bystander.probabilities(text)], [...bystanderBefore]);
  assert.deepEqual(base.counts, before);
});

Deno.test("[classifier] learning a text never lowers that class's probability for it", () => {
  fc.assert(
    fc.property(
      fc.string(),
      fc.integer({ min: 0, max: 1 }),
      fc.double({ min: 0.5, max: 20, noNaN: true }),
      (text, c, w) => {
        const model = new NaiveBayes(tinyBase());
        const vector = extractFeatures(text);
        const before = model.probabilities(vector)[c];
        model.learn(vector, c, w);
        assert.ok(model.probabilities(vector)[c] >= before - 1e-12);
      },
    ),
  );
});
