// Each commune's démarches are data: catalogue/<commune slug>.json, validated when loaded.
// A definition carries a version, which each request records.
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

  /** The commune's démarches, in the file's order. */
  list(communeSlug: string): DemarcheDefinition[] {
    return this.byCommune.get(communeSlug) ?? [];
  }

  /**
   * A démarche by its code. A file holds one version of each code (parseCatalogue checks it), so
   * a request submitted under an earlier version is shown with the current labels.
   */
  find(communeSlug: string, code: string, _version?: number): DemarcheDefinition | undefined {
    return this.list(communeSlug).find((d) => d.code === code);
  }
}
