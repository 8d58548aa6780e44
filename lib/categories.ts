/** The three ticket categories, in the order they are shown everywhere. */
export const CATEGORIES = ["facility_management", "technical_it", "services_complaints"] as const;

/** A ticket category id. */
export type Category = typeof CATEGORIES[number];

/** Human labels for each category, as shown on pages and charts. */
export const CATEGORY_LABELS: Record<Category, string> = {
  facility_management: "Facility management",
  technical_it: "Technical IT",
  services_complaints: "Services complaint",
};

/** Tells whether a string is one of the category ids. */
export function isCategory(value: unknown): value is Category {
  return typeof value === "string" && (CATEGORIES as readonly string[]).includes(value);
}
