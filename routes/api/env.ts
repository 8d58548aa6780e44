import type { Role } from "../../lib/data/types.ts";

/** Request variables of the JSON API: the role every call acts as. */
export type ApiEnv = { Variables: { role: Role } };
