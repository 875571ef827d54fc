// Synchroniser-token CSRF protection: one secret per session, echoed by every form
// (`_csrf`) and by JSON clients (`X-CSRF-Token`). SameSite=Lax cookies are a second line.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';

export function csrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

export function verifyCsrf(req: Request, _res: Response, next: NextFunction): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  const sent = (req.body && typeof req.body._csrf === 'string' ? req.body._csrf : undefined) ?? req.get('x-csrf-token');
  const expected = req.session.csrfToken;
  if (!sent || !expected || sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) {
    return next(
      new AppError(403, 'csrf', 'Le formulaire a expiré ou ne provient pas de ce site : rechargez la page et recommencez.'),
    );
  }
  next();
}
