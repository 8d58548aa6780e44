// Automatic ticket categorisation: multinomial naive Bayes over stemmed word unigrams and bigrams plus
// character 4–5-grams, counted from the hand-written corpus in ./corpus and topped up by staff corrections.
// Why these choices, and the measurements behind the constants below, are in ./README.md.

import { CATEGORIES, type Category, isCategory } from "../categories.ts";
import { type LabelledText, TRAINING_SET } from "./corpus.ts";
import { extractFeatures } from "./features.ts";
import { CountTable, NaiveBayes } from "./model.ts";

/** The category chosen for a ticket, with how sure the model is. */
export interface Classification {
  category: Category;
  /** Probability of the chosen category, between 0 and 1. */
  confidence: number;
  /** True when `confidence` is below {@link LOW_CONFIDENCE_THRESHOLD} and a person should check. */
  lowConfidence: boolean;
}

/** A staff member's correction: the category a ticket's description should have had. */
export interface Correction {
  /** The corrected ticket; a ticket counts once, with its latest correction, as the store keeps it. */
  ticketId: string;
  text: string;
  category: Category;
}

/** Categorises ticket descriptions and learns from staff corrections. */
export interface Classifier {
  /** Most likely category of a ticket description, with its probability. */
  classify(text: string): Classification;
  /** Records a staff correction, replacing any earlier one for the same ticket, effective immediately. */
  learn(correction: Correction): void;
}

/** Confidence below which a classification is flagged for review; 0.8 flags ~5% of campus tickets. */
export const LOW_CONFIDENCE_THRESHOLD = 0.8;

/**
 * How many corpus tickets one staff correction counts as, so that 3–5 corrections change behaviour.
 * @testHook The classifier tests teach a model one correction at this weight.
 */
export const CORRECTION_WEIGHT = 5;

/** Counts a labelled corpus into a fresh table, each text weighted once. */
export function countCorpus(rows: Iterable<LabelledText>): CountTable {
  const table = new CountTable(CATEGORIES.length);
  for (const row of rows) table.add(extractFeatures(row.text), CATEGORIES.indexOf(row.category));
  return table;
}

// Counting the shipped corpus takes 20–70 ms, so it happens once, on first use, and every classifier reads
// the same table; each classifier keeps its corrections in its own overlay.
let shippedCounts: CountTable | undefined;

/** Builds a classifier from the shipped corpus plus stored corrections (any order; per ticket, the last wins). */
export function createClassifier(corrections: Iterable<Correction> = []): Classifier {
  shippedCounts ??= countCorpus(TRAINING_SET);
  const model = new NaiveBayes(shippedCounts);
  // The correction each ticket currently counts with. The store keeps one per ticket (the latest), so a
  // restart replays exactly this map; replacing instead of adding is what keeps the live model equal to it.
  // The model's overlay is counted exactly, so neither the order of learns nor replacing one correction
  // many times changes a single bit of the predictions (see FIXED_POINT_SCALE in model.ts).
  const current = new Map<string, { text: string; category: Category }>();

  const learn = (correction: Correction): void => {
    const { ticketId, text, category } = correction;
    // Corrections arrive from stored data and forms, so an unknown id is rejected rather than counted.
    if (!isCategory(category)) throw new TypeError(`Unknown category: ${String(category)}`);
    if (typeof ticketId !== "string") throw new TypeError(`ticketId must be a string: ${String(ticketId)}`);
    if (typeof text !== "string") throw new TypeError("text must be a string");
    const previous = current.get(ticketId);
    if (previous !== undefined) {
      if (previous.text === text && previous.category === category) return;
      // Features are re-extracted rather than kept: extraction is deterministic, and keeping one vector per
      // ticket would hold megabytes for a few microseconds saved per replaced correction.
      model.unlearn(extractFeatures(previous.text), CATEGORIES.indexOf(previous.category), CORRECTION_WEIGHT);
      // Map and model stay in step even if the learn below throws (only past ~10⁶ corrections, see model.ts).
      current.delete(ticketId);
    }
    model.learn(extractFeatures(text), CATEGORIES.indexOf(category), CORRECTION_WEIGHT);
    current.set(ticketId, { text, category });
  };
  for (const correction of corrections) learn(correction);

  return {
    classify(text: string): Classification {
      const probabilities = model.probabilities(extractFeatures(text));
      let best = 0;
      // Strict ">" keeps ties (e.g. an empty text) on the first category, so results are deterministic.
      for (let c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[best]) best = c;
      const confidence = probabilities[best];
      return { category: CATEGORIES[best], confidence, lowConfidence: confidence < LOW_CONFIDENCE_THRESHOLD };
    },
    learn,
  };
}
