// Each commune's démarches are data: catalogue/<commune slug>.json, validated when loaded.
// A definition is versioned; a request keeps the version it was submitted with.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { DemarcheDefinition } from '../domain/catalogue';
import type { CatalogueLookup } from '../activities/demarches';
import { CATALOGUE_DIR, loadCatalogueFile } from './load';

export class Catalogues implements CatalogueLookup {
  private constructor(private readonly byCommune: Map<string, DemarcheDefinition[]>) {}

  /** Reads and validates every catalogue file; a broken file stops the start with its errors. */
  static load(dir = CATALOGUE_DIR): Catalogues {
    const byCommune = new Map<string, DemarcheDefinition[]>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      byCommune.set(file.replace(/\.json$/, ''), loadCatalogueFile(path.join(dir, file)));
    }
    return new Catalogues(byCommune);
  }

  /** The commune's current démarches (the highest version of each code). */
  list(communeSlug: string): DemarcheDefinition[] {
    const latest = new Map<string, DemarcheDefinition>();
    for (const def of this.byCommune.get(communeSlug) ?? []) {
      const seen = latest.get(def.code);
      if (!seen || seen.version < def.version) latest.set(def.code, def);
    }
    return [...latest.values()];
  }

  find(communeSlug: string, code: string, version?: number): DemarcheDefinition | undefined {
    const defs = (this.byCommune.get(communeSlug) ?? []).filter((d) => d.code === code);
    if (version !== undefined) return defs.find((d) => d.version === version);
    return defs.sort((a, b) => b.version - a.version)[0];
  }
}
