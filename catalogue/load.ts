// Reads a commune's catalogue file (catalogue/<slug>.json) and checks it with the domain's rules.
// Called once at start by the API and the worker: a broken file stops them with every problem listed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config';
import { parseCatalogue, type DemarcheDefinition } from '../domain/catalogue';

/** The folder of the shipped catalogues, one `<slug>.json` per commune (also from a build in dist/). */
export const CATALOGUE_DIR = path.join(PROJECT_ROOT, 'catalogue');

export function loadCatalogueFile(file: string): DemarcheDefinition[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Impossible de lire le catalogue des démarches ${file} : ${reason}`);
  }
  try {
    return parseCatalogue(json);
  } catch (err) {
    // Say which file: several communes' catalogues are loaded at start.
    throw new Error(`${path.basename(file)} : ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The catalogue shipped for a commune, by its slug. */
export function catalogueFileOf(slug: string): string {
  if (!/^[a-z0-9-]+$/.test(slug)) throw new Error(`Identifiant de commune invalide : « ${slug} ».`);
  return path.join(CATALOGUE_DIR, `${slug}.json`);
}
