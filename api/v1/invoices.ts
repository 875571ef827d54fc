// The billing software's machine API: POST /api/v1/regies/{code}/factures with the régie's API
// key, a JSON list or the CSV export as the body, answered with the import's report. No session
// and no CSRF token: the key, sent in a header a browser's cross-site form cannot set, is the
// only credential, and it opens this one route of its own régie only.
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Regie } from '../../db/entities';
import { InvoiceFileError, MAX_IMPORT_BYTES, parseInvoiceCsv, parseInvoiceList, type ParsedInvoices } from '../../domain/invoice-import';
import { AppError, ForbiddenError, UnauthenticatedError, ValidationError } from '../errors';
import type { InvoiceImportReport, InvoiceImportService } from '../services/invoice-import.service';

/** The route as api/app.ts sees it (full path): it skips the CSRF check and reads larger JSON. */
export const INVOICE_IMPORT_API_ROUTE = /^\/api\/v1\/regies\/[^/]+\/factures\/?$/i;

/** The machine import's request: authenticated by its API key, never by a session. */
export function isInvoiceImportApiRequest(req: Request): boolean {
  return req.method === 'POST' && INVOICE_IMPORT_API_ROUTE.test(req.path);
}

/**
 * JSON batches of up to 2 MB (5,000 invoices) on the machine import only; every other route keeps
 * the app's 64 kB. To be mounted in api/app.ts before `express.json`, which then finds the body read.
 */
export function invoiceImportApiBody(): RequestHandler {
  const json = express.json({ limit: MAX_IMPORT_BYTES });
  return (req, res, next) => (isInvoiceImportApiRequest(req) ? json(req, res, next) : next());
}

const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];
const csvBody = express.raw({ type: CSV_TYPES, limit: MAX_IMPORT_BYTES });

export const API_KEY_HEADER = 'X-Api-Key';

/** The key from `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
function apiKeyOf(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return bearer?.[1] ?? req.get(API_KEY_HEADER) ?? undefined;
}

/** The answer's shape: the report, lines in order. */
export interface InvoiceImportView {
  imported: number;
  unchanged: number;
  rejected: Array<{ line: number; number?: string; message: string }>;
}

export function invoiceImportView(report: InvoiceImportReport): InvoiceImportView {
  return {
    imported: report.imported,
    unchanged: report.unchanged,
    rejected: report.rejected.map((r) => ({ line: r.line, ...(r.number !== undefined ? { number: r.number } : {}), message: r.message })),
  };
}

export function addInvoiceImportRoutes(router: Router, services: { invoiceImport: InvoiceImportService }): void {
  /** 401 without a known key, 403 with the key of another régie (or of another commune's). */
  const authenticate = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const regie = await services.invoiceImport.regieForApiKey(apiKeyOf(req));
    if (!regie) {
      res.set('WWW-Authenticate', 'Bearer realm="factures"');
      throw new UnauthenticatedError(
        `Clé d’API absente ou inconnue : envoyez la clé de la régie dans l’en-tête Authorization: Bearer <clé> ou ${API_KEY_HEADER}.`,
      );
    }
    const code = String(req.params.code).toLowerCase();
    if (regie.communeId !== req.commune.id || regie.code.toLowerCase() !== code) {
      throw new ForbiddenError(`Cette clé d’API n’est pas celle de la régie « ${code.slice(0, 20)} » de cette commune.`);
    }
    res.locals.regie = regie;
    next();
  };

  router.post('/regies/:code/factures', authenticate, csvBody, async (req, res) => {
    const regie = res.locals.regie as Regie;
    const report = await services.invoiceImport.importInvoices(req.commune, parsedBody(req, regie.code), { onlyRegieId: regie.id });
    res.json(invoiceImportView(report));
  });
}

/** The body as invoice lines; a body that cannot be read at all is a 415 or a 422. */
function parsedBody(req: Request, regieCode: string): ParsedInvoices {
  const json = typeof req.is('application/json') === 'string';
  const csv = !json && typeof req.is(CSV_TYPES) === 'string';
  if (!json && !csv) {
    throw new AppError(415, 'unsupported_media_type', 'Envoyez les factures en JSON (application/json) ou en CSV (text/csv).');
  }
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(req.get('content-type') ?? '')?.[2];
  if (csv && charset && !/^utf-?8$/i.test(charset)) {
    throw new AppError(415, 'unsupported_media_type', `Le CSV doit être encodé en UTF-8 (reçu : ${charset.slice(0, 20)}).`);
  }
  try {
    if (json) return parseInvoiceList(req.body, regieCode);
    // The régie is the route's: a «regie» column, when there is one, must name the same.
    return parseInvoiceCsv(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), { defaultRegieCode: regieCode });
  } catch (err) {
    if (!(err instanceof InvoiceFileError)) throw err;
    throw new ValidationError({ [json ? 'invoices' : '_']: err.message }, err.message);
  }
}
