/**
 * Text limits that the input schemas enforce and the forms announce with `maxLength`. Free of imports
 * (zod included), so an island can use them without shipping the schemas to the browser.
 */

/** Longest description or message text, in characters. */
export const MAX_TEXT = 5000;

/** Longest author display name, in characters. */
export const MAX_NAME = 80;

/** What the new-ticket and edit forms say about the minimum description, beside the field. */
export const DESCRIPTION_HINT = "Say what is wrong and where, in a few words (at least two words).";
