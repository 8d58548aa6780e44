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

/** A staff member's correction: the category a ticket description should have had. */
export interface Correction {
  text: string;
  category: Category;
}

/** Categorises ticket descriptions and learns from staff corrections. */
export interface Classifier {
  /** Most likely category of a ticket description, with its probability. */
  classify(text: string): Classification;
  /** Adds one staff correction to the model, effective immediately. */
  learn(text: string, category: Category): void;
}

/** Confidence below which a classification is flagged for review; 0.8 flags ~5% of campus tickets. */
export const LOW_CONFIDENCE_THRESHOLD = 0.8;

/** How many corpus tickets one staff correction counts as, so that 3–5 corrections change behaviour. */
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

/** Builds a classifier from the shipped corpus plus any stored corrections. */
export function createClassifier(corrections: Iterable<Correction> = []): Classifier {
  shippedCounts ??= countCorpus(TRAINING_SET);
  const model = new NaiveBayes(shippedCounts);

  const learn = (text: string, category: Category): void => {
    // Corrections arrive from stored data and forms, so an unknown id is rejected rather than counted.
    if (!isCategory(category)) throw new TypeError(`Unknown category: ${String(category)}`);
    model.learn(extractFeatures(text), CATEGORIES.indexOf(category), CORRECTION_WEIGHT);
  };
  for (const correction of corrections) learn(correction.text, correction.category);

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
