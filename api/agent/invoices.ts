// The back office's «Factures»: the commune's régies with what is left to pay and what was paid,
// and the import of the billing software's CSV export, answered with a report line by line.
// Mounted by api/agent/routes.ts behind its agent check; everything goes through the host's
// commune, so an agent sees and feeds only their own régies.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Router, type Request, type Response } from 'express';
import busboy from 'busboy';
import { formatEuros } from '../../domain/money';
import {
  EXPECTED_HEADER,
  InvoiceFileError,
  MAX_IMPORT_BYTES,
  MAX_INVOICE_LINES,
  parseInvoiceCsv,
} from '../../domain/invoice-import';
import { AppError, ForbiddenError, ValidationError } from '../errors';
import { csrfToken } from '../middleware/csrf';
import { formErrors, type PageRenderer } from '../pages';
import { cleanFileName } from '../services/documents.service';
import type { InvoiceImportReport, InvoiceImportService } from '../services/invoice-import.service';

const BASE = '/agent/factures';
const FILE_FIELD = 'fichier';

/**
 * The upload is multipart: its CSRF token is its first field, checked here as the form is read.
 * api/app.ts lets it through its own check (as for MULTIPART_ROUTES of api/portal/demarches.ts).
 */
export const AGENT_INVOICE_IMPORT_ROUTE = /^\/agent\/factures\/import$/;

const MAX_MB = MAX_IMPORT_BYTES / 1024 / 1024;
const count = (n: number) => n.toLocaleString('fr-FR');
/** French plural: 0 and 1 take the singular. */
const plural = (n: number, one: string, many: string) => `${count(n)} ${n > 1 ? many : one}`;

/** The columns of the export, for the page's help. */
export const COLUMNS = [
  { name: 'numero', text: 'Numéro de la facture, unique dans la régie (lettres, chiffres, « - », « _ », « . », « / »).' },
  { name: 'regie', text: 'Code de la régie : voir le tableau des régies.' },
  { name: 'compte', text: 'Compte foyer : identifiant (prénom.nom) ou adresse électronique du titulaire.' },
  { name: 'service', text: 'Service facturé (« Restauration scolaire »…).' },
  { name: 'periode', text: 'Période facturée (« Octobre 2026 »…).' },
  { name: 'date_emission', text: 'Date d’émission, JJ/MM/AAAA ou AAAA-MM-JJ.' },
  { name: 'echeance', text: 'Date limite de paiement, facultative.' },
  { name: 'montant', text: 'Montant en euros (12,50), plus grand que zéro : un avoir ne se paie pas en ligne.' },
];

export function agentInvoiceRoutes(deps: { pages: PageRenderer; invoiceImport: InvoiceImportService }): Router {
  const { pages, invoiceImport } = deps;
  const router = Router();

  async function listPage(req: Request) {
    const summaries = await invoiceImport.regieSummaries(req.commune);
    return {
      pageTitle: 'Factures',
      activeTab: 'factures',
      regies: summaries.map(({ regie, toPay, paid }) => ({
        name: regie.name,
        code: regie.code,
        services: regie.services.join(', '),
        toPayCount: count(toPay.count),
        toPayText: formatEuros(toPay.cents),
        paidCount: count(paid.count),
        paidText: formatEuros(paid.cents),
        apiImport: regie.apiKeyHash !== null,
      })),
      columns: COLUMNS,
      expectedHeader: EXPECTED_HEADER,
      maxMb: MAX_MB,
      maxLines: count(MAX_INVOICE_LINES),
      action: `${BASE}/import`,
    };
  }

  router.get('/', async (req, res) => {
    res.send(pages.render(req, 'agent/factures', await listPage(req)));
  });

  /** A file refused as a whole: the import form again, with the reason on the file field. */
  async function refused(req: Request, res: Response, status: number, message: string): Promise<void> {
    res.status(status).send(pages.render(req, 'agent/factures', { ...(await listPage(req)), ...formErrors({}, { [FILE_FIELD]: message }) }));
  }

  router.post('/import', async (req, res) => {
    let upload: CsvUpload;
    try {
      // A client that sent the token as a header was checked by api/app.ts already.
      upload = await readCsvUpload(req, req.get('x-csrf-token') ? null : csrfToken(req));
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'csrf' || err.status >= 500) throw err;
      return refused(req, res, err.status, err.fields[FILE_FIELD] ?? err.message);
    }
    let report: InvoiceImportReport;
    try {
      report = await invoiceImport.importInvoices(req.commune, parseInvoiceCsv(upload.content));
    } catch (err) {
      if (!(err instanceof InvoiceFileError)) throw err;
      return refused(req, res, 422, err.message);
    }
    const total = report.imported + report.unchanged + report.rejected.length;
    res.send(
      pages.render(req, 'agent/factures-import', {
        pageTitle: 'Rapport d’import des factures',
        activeTab: 'factures',
        fileName: upload.fileName,
        totalText: plural(total, 'ligne de facture lue', 'lignes de factures lues'),
        summary: [
          plural(report.imported, 'facture importée', 'factures importées'),
          plural(report.unchanged, 'facture déjà importée, inchangée', 'factures déjà importées, inchangées'),
          plural(report.rejected.length, 'ligne refusée', 'lignes refusées'),
        ],
        allGood: report.rejected.length === 0,
        rejected: report.rejected.map((r) => ({ line: r.line, number: r.number ?? '—', message: r.message })),
      }),
    );
  });

  return router;
}

interface CsvUpload {
  fileName: string;
  content: Buffer;
}

/**
 * Reads the form's one CSV file into memory (2 MB at most). `expectedCsrf`: the session's token,
 * which must be the form's first field; null when the request's header token was checked already.
 */
export function readCsvUpload(req: IncomingMessage, expectedCsrf: string | null): Promise<CsvUpload> {
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
    return Promise.reject(new AppError(415, 'unsupported_media_type', 'Le formulaire doit être envoyé en multipart/form-data.'));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, fieldSize: 8_000, parts: 6 },
    });
  } catch {
    return Promise.reject(new AppError(400, 'bad_request', "Le formulaire envoyé n'est pas lisible."));
  }

  let refusal: AppError | null = null;
  const refuse = (err: AppError) => {
    refusal ??= err;
  };
  let csrfChecked = expectedCsrf === null;
  let firstPart = true;
  const checkCsrf = (name: string, value: string) => {
    firstPart = false;
    if (expectedCsrf === null || csrfChecked) return;
    const ok = name === '_csrf' && value.length === expectedCsrf.length && timingSafeEqual(Buffer.from(value), Buffer.from(expectedCsrf));
    if (ok) csrfChecked = true;
    else refuse(new ForbiddenError('Le formulaire a expiré ou ne provient pas de ce site : rechargez la page et recommencez.', 'csrf'));
  };
  let upload: CsvUpload | null = null;
  const reading: Promise<void>[] = [];

  parser.on('field', (name, value) => {
    if (firstPart) checkCsrf(name, value);
  });
  parser.on('file', (name, stream, info) => {
    if (firstPart) checkCsrf(name, '');
    // No file chosen: the browser sends an empty part without a name.
    if (!csrfChecked || refusal || name !== FILE_FIELD || !info.filename) return void stream.resume();
    const fileName = cleanFileName(info.filename) ?? 'fichier.csv';
    const chunks: Buffer[] = [];
    reading.push(
      new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('limit', () => {
          const message = `Le fichier dépasse ${MAX_MB} Mo : découpez-le en plusieurs fichiers.`;
          refuse(new AppError(413, 'too_large', message, { [FILE_FIELD]: message }));
        });
        stream.on('end', () => {
          upload = { fileName, content: Buffer.concat(chunks) };
          resolve();
        });
        stream.on('error', () => resolve());
      }),
    );
  });
  parser.on('filesLimit', () => refuse(new ValidationError({ [FILE_FIELD]: 'Un seul fichier par import.' })));
  parser.on('fieldsLimit', () => refuse(new AppError(413, 'too_many_fields', 'Le formulaire contient trop de champs.')));
  parser.on('partsLimit', () => refuse(new AppError(413, 'too_many_fields', 'Le formulaire contient trop de champs.')));

  return new Promise<CsvUpload>((resolve, reject) => {
    let settled = false;
    const finish = async (broken: boolean) => {
      if (settled) return;
      settled = true;
      await Promise.all(reading);
      if (broken) refuse(new AppError(400, 'bad_request', "Le formulaire n'a pas été reçu en entier. Réessayez."));
      if (!csrfChecked) checkCsrf('', '');
      const received = upload as CsvUpload | null;
      if (!refusal && !received) refuse(new ValidationError({ [FILE_FIELD]: 'Choisissez le fichier CSV à importer.' }));
      if (!refusal && received && received.content.length === 0) {
        refuse(new ValidationError({ [FILE_FIELD]: `Le fichier « ${received.fileName} » est vide.` }));
      }
      if (refusal) reject(refusal);
      else resolve(received as CsvUpload);
    };
    parser.on('close', () => void finish(false));
    parser.on('error', () => void finish(true));
    req.on('aborted', () => void finish(true));
    req.pipe(parser);
  });
}
