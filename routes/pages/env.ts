import type { Role } from "../../lib/data/types.ts";
import type { IslandManifest } from "../../lib/islands/manifest.ts";

/** Request variables of the pages: the browser's role and name, and where island scripts live. */
export type PageEnv = {
  Variables: { role: Role | null; name: string | null; manifest: IslandManifest; nonce?: string };
};
