// Communes are tenants, found from the host name `demarches-<slug>.<domain>`; any other host
// (localhost in development) gets the default commune.
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { Commune } from '../../db/entities';
import { NotFoundError } from '../errors';

declare module 'express-serve-static-core' {
  interface Request {
    commune: Commune;
  }
}

const CACHE_MS = 60_000;

export function communeSlugFromHost(host: string | undefined, portalDomain: string): string | null {
  if (!host) return null;
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  const suffix = `.${portalDomain.toLowerCase()}`;
  if (!hostname.endsWith(suffix)) return null;
  const m = /^demarches-([a-z0-9-]+)$/.exec(hostname.slice(0, -suffix.length));
  return m ? m[1] : null;
}

export function resolveCommune(dataSource: DataSource, options: { portalDomain: string; defaultCommune: string }) {
  const cache = new Map<string, { commune: Commune | null; at: number }>();
  async function find(slug: string): Promise<Commune | null> {
    const hit = cache.get(slug);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.commune;
    const commune = await dataSource.getRepository(Commune).findOneBy({ slug });
    cache.set(slug, { commune, at: Date.now() });
    return commune;
  }
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const slug = communeSlugFromHost(req.hostname, options.portalDomain) ?? options.defaultCommune;
    const commune = await find(slug);
    if (!commune) return next(new NotFoundError("Aucune commune n'est servie à cette adresse."));
    req.commune = commune;
    next();
  };
}
