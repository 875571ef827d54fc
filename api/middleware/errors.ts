// One place maps known errors to a status: JSON `{ error: { code, message, fields } }` under
// /api, a French page elsewhere. Anything unexpected is logged and becomes a generic 500.
import type { NextFunction, Request, Response } from 'express';
import { AppError, ThrottledError } from '../errors';
import type { PageRenderer } from '../pages';

export function errorHandler(pages: PageRenderer, log: (err: unknown, req?: Request) => void) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = toAppError(err);
    if (!known) log(err, req);
    const status = known?.status ?? 500;
    const code = known?.code ?? 'internal';
    const message = known?.message ?? 'Une erreur inattendue est survenue. Réessayez dans quelques instants.';
    if (known instanceof ThrottledError) res.set('Retry-After', String(known.retryAfterSeconds));
    if (res.headersSent) return;
    if (req.path.startsWith('/api/')) {
      res.status(status).json({ error: { code, message, fields: known?.fields ?? {} } });
      return;
    }
    res.status(status).send(pages.render(req, 'error', { pageTitle: 'Erreur', status, message }));
  };
}

function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') return new AppError(413, 'too_large', 'Les données envoyées sont trop volumineuses.');
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'bad_json', 'Le corps de la requête n’est pas un JSON valide.');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError(e.status, 'bad_request', 'La requête est invalide.');
  }
  return null;
}
