import type { Role } from "../../lib/data/types.ts";
import type { IslandManifest } from "../../lib/islands/manifest.ts";

interface PageVariables {
  name: string | null;
  manifest: IslandManifest;
  nonce?: string;
}

/** Request variables of every page: the browser's role (null before it chose one), its name, the islands. */
export type PageEnv = { Variables: PageVariables & { role: Role | null } };

/** Request variables of the pages behind `requireRole`: the role is known. */
export type RolePageEnv = { Variables: PageVariables & { role: Role } };
