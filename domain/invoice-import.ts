// Invoices as the billing software sends them: a CSV export (the back office's upload, or the
// machine API's text/csv body) or a JSON list (the machine API). Each line is checked on its own,
// so that a bad line is reported with its number and a French reason while the good ones go on to
// the import (api/services/invoice-import.service.ts, which knows the régies and the accounts).
// Amounts leave here as integer cents. Pure: no I/O.
import { parseEuros } from './money';

/** Larger exports are split by the billing software: one import stays a few seconds long. */
export const MAX_INVOICE_LINES = 5000;
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
/** The invoice column is an `int`; no town service bills ten million euros. */
export const MAX_AMOUNT_CENTS = 999_999_999;
export const MAX_NUMBER_LENGTH = 40;
export const MAX_TEXT_LENGTH = 100;

/** Letters, digits and the usual separators of invoice numbers («2026-10-000123», «F2026/0042»). */
const NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** One invoice line that passed every check that needs no database. */
export interface InvoiceLine {
  /** The line of the file (the header is line 1), or the rank in a JSON list (from 1). */
  line: number;
  number: string;
  /** Lower case, as the régie's code is stored. */
  regieCode: string;
  /** The household account: its identifier «prénom.nom» or its email address, as written. */
  account: string;
  service: string;
  periodLabel: string;
  /** AAAA-MM-JJ */
  issuedOn: string;
  dueOn: string | null;
  amountCents: number;
}

export interface RejectedLine {
  line: number;
  number?: string;
  message: string;
}

export interface ParsedInvoices {
  lines: InvoiceLine[];
  rejected: RejectedLine[];
}

/** The whole file or body is refused (not UTF-8, too big, a column missing…): nothing is imported. */
export class InvoiceFileError extends Error {}

/** The fields of one line, as text, before any check. */
interface RawInvoice {
  number: string;
  regieCode: string;
  account: string;
  service: string;
  periodLabel: string;
  issuedOn: string;
  dueOn: string;
}

type Field = keyof RawInvoice | 'amount';

// ——— CSV ———

/** Header names, compared without case, accents or punctuation («Date d'émission» = «date_emission»). */
const COLUMN_NAMES: Record<Field, string[]> = {
  number: ['numero', 'numero_facture', 'numero_de_facture', 'num_facture', 'no_facture', 'n_facture', 'n_de_facture', 'n', 'facture', 'number'],
  regieCode: ['regie', 'code_regie', 'regie_code'],
  account: ['compte', 'identifiant', 'compte_usager', 'compte_foyer', 'identifiant_compte', 'email', 'courriel', 'account'],
  service: ['service', 'prestation', 'activite'],
  periodLabel: ['periode', 'periode_facturee', 'mois', 'period', 'period_label'],
  issuedOn: ['date_emission', 'date_d_emission', 'emission', 'date_facture', 'date_de_facture', 'date', 'issued_on'],
  dueOn: ['echeance', 'date_echeance', 'date_d_echeance', 'date_limite', 'date_limite_de_paiement', 'due_on'],
  amount: ['montant', 'montant_ttc', 'montant_eur', 'montant_euros', 'montant_a_payer', 'total', 'amount'],
};

/** The names the messages give the columns: those of the documented export. */
const COLUMN_LABELS: Record<Field, string> = {
  number: 'numero',
  regieCode: 'regie',
  account: 'compte',
  service: 'service',
  periodLabel: 'periode',
  issuedOn: 'date_emission',
  dueOn: 'echeance',
  amount: 'montant',
};

const COLUMN_OF = new Map<string, Field>(
  (Object.entries(COLUMN_NAMES) as Array<[Field, string[]]>).flatMap(([field, names]) => names.map((n) => [n, field] as [string, Field])),
);

export function normaliseColumnName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

interface CsvRecord {
  /** The line the record starts on (a quoted field may hold line breaks). */
  line: number;
  fields: string[];
}

function decode(content: Buffer | string): string {
  if (typeof content === 'string') {
    if (Buffer.byteLength(content) > MAX_IMPORT_BYTES) throw tooBig();
    return content.replace(/^\uFEFF/, '');
  }
  if (content.length > MAX_IMPORT_BYTES) throw tooBig();
  // A workbook saved as is (.xlsx is a zip, .xls an OLE file) rather than exported.
  if (content.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) || content.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new InvoiceFileError('Ce fichier est un classeur de tableur, pas un CSV : enregistrez-le au format « CSV UTF-8 » et recommencez.');
  }
  try {
    // Leaves the BOM out; refuses Windows-1252 bytes instead of importing garbled accents.
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw new InvoiceFileError(
      'Le fichier n’est pas encodé en UTF-8 : enregistrez-le au format « CSV UTF-8 » et recommencez.',
    );
  }
}

const tooBig = () => new InvoiceFileError(`Le fichier dépasse ${MAX_IMPORT_BYTES / 1024 / 1024} Mo : découpez-le en plusieurs fichiers.`);

/** `;` (French spreadsheets) or `,`, whichever the header line uses more, outside quotes. */
function detectSeparator(text: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ';') semicolons++;
    else if (!quoted && c === ',') commas++;
  }
  return commas > semicolons ? ',' : ';';
}

/**
 * RFC 4180 records: quoted fields with doubled quotes inside, CRLF or LF line ends. Stops with an
 * error past `maxRecords` non-empty records, so that a huge file is not read to its end.
 */
function readRecords(text: string, separator: string, maxRecords: number): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let quoteLine = 0;
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.some((f) => f.trim() !== '')) {
      records.push({ line: recordLine, fields });
      // The header plus MAX_INVOICE_LINES lines: one more is refused.
      if (records.length > maxRecords) {
        throw new InvoiceFileError(
          `Le fichier compte plus de ${MAX_INVOICE_LINES.toLocaleString('fr-FR')} factures : découpez-le en plusieurs fichiers.`,
        );
      }
    }
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      // An opening quote (spaces before it are the exporter's padding).
      field = '';
      quoted = true;
      quoteLine = line;
    } else if (c === separator) {
      fields.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += c;
  }
  if (quoted) {
    throw new InvoiceFileError(`Guillemet ouvert à la ligne ${quoteLine} et jamais fermé : le fichier ne peut pas être lu.`);
  }
  if (field !== '' || fields.length) endRecord();
  return records;
}

/** Which column holds which field; unknown columns (the payer's name…) are left aside. */
function readHeader(header: string[], needsRegie: boolean): Map<Field, number> {
  const columns = new Map<Field, number>();
  header.forEach((name, index) => {
    const field = COLUMN_OF.get(normaliseColumnName(name));
    if (!field) return;
    if (columns.has(field)) throw new InvoiceFileError(`La colonne « ${COLUMN_LABELS[field]} » figure deux fois dans l’en-tête.`);
    columns.set(field, index);
  });
  const required: Field[] = ['number', ...(needsRegie ? (['regieCode'] as const) : []), 'account', 'service', 'periodLabel', 'issuedOn', 'amount'];
  const missing = required.filter((f) => !columns.has(f));
  if (missing.length) {
    const list = missing.map((f) => `« ${COLUMN_LABELS[f]} »`).join(', ');
    throw new InvoiceFileError(
      `${missing.length > 1 ? 'Colonnes manquantes' : 'Colonne manquante'} dans l’en-tête (première ligne) : ${list}. ` +
        `En-tête attendu : ${EXPECTED_HEADER}.`,
    );
  }
  return columns;
}

export const EXPECTED_HEADER = 'numero;regie;compte;service;periode;date_emission;echeance;montant';

export interface CsvOptions {
  /** The régie of every line when the file has no «regie» column (the machine API's `{code}`). */
  defaultRegieCode?: string;
}

/**
 * Reads a billing export. Throws InvoiceFileError when the file as a whole cannot be read; a bad
 * line is only reported, in `rejected`.
 */
export function parseInvoiceCsv(content: Buffer | string, options: CsvOptions = {}): ParsedInvoices {
  const text = decode(content);
  const records = readRecords(text, detectSeparator(text), MAX_INVOICE_LINES + 1);
  if (records.length === 0) throw new InvoiceFileError('Le fichier est vide.');
  const [header, ...rows] = records;
  const columns = readHeader(header.fields, options.defaultRegieCode === undefined);
  const width = header.fields.length;
  const checker = new InvoiceChecker('file');
  for (const { line, fields } of rows) {
    const value = (f: Field) => {
      const index = columns.get(f);
      return index === undefined ? '' : (fields[index] ?? '');
    };
    const raw: RawInvoice = {
      number: value('number'),
      regieCode: columns.has('regieCode') ? value('regieCode') : (options.defaultRegieCode ?? ''),
      account: value('account'),
      service: value('service'),
      periodLabel: value('periodLabel'),
      issuedOn: value('issuedOn'),
      dueOn: value('dueOn'),
    };
    // Extra cells mostly come from a decimal comma left unquoted in a comma-separated file: the
    // amount would be cut in two, so the line is refused rather than read wrong.
    const extra = fields.length > width && fields.slice(width).some((f) => f.trim() !== '');
    const shape = fields.length < width || extra
      ? `La ligne compte ${fields.length} colonnes au lieu de ${width}` +
        (extra ? ' (un montant avec une virgule doit être entre guillemets quand le séparateur est la virgule)' : '')
      : null;
    checker.add(line, raw, amountFromEuros(value('amount')), shape);
  }
  return checker.result();
}

// ——— JSON ———

/**
 * The machine API's `{ invoices: [...] }`, every invoice of the régie `regieCode`. Throws
 * InvoiceFileError when the body is not such a list.
 */
export function parseInvoiceList(body: unknown, regieCode: string): ParsedInvoices {
  const list = body && typeof body === 'object' && !Array.isArray(body) ? (body as { invoices?: unknown }).invoices : undefined;
  if (!Array.isArray(list)) throw new InvoiceFileError('Le corps doit être un objet { "invoices": [...] } : une liste de factures.');
  if (list.length > MAX_INVOICE_LINES) {
    throw new InvoiceFileError(`Au plus ${MAX_INVOICE_LINES.toLocaleString('fr-FR')} factures par envoi : découpez la liste.`);
  }
  const checker = new InvoiceChecker('list');
  list.forEach((item: unknown, index) => {
    const line = index + 1;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      checker.reject({ line, message: 'Chaque facture doit être un objet JSON' });
      return;
    }
    const o = item as Record<string, unknown>;
    const problems: string[] = [];
    const text = (key: string, optional = false): string => {
      const v = o[key];
      if (typeof v === 'string') return v;
      // A number the billing software wrote as a JSON number is still its number.
      if (key === 'number' && typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
      if (v !== undefined && !(optional && v === null)) problems.push(`« ${key} » doit être une chaîne de caractères`);
      return '';
    };
    const raw: RawInvoice = {
      number: text('number'),
      regieCode,
      account: text('account'),
      service: text('service'),
      periodLabel: text('periodLabel'),
      issuedOn: text('issuedOn'),
      dueOn: text('dueOn', true),
    };
    checker.add(line, raw, amountFromCents(o.amountCents), problems.length ? problems.join(' ; ') : null);
  });
  return checker.result();
}

// ——— one line ———

type Amount = { cents: number } | { problem: string };

function amountFromEuros(text: string): Amount {
  const written = text.trim();
  if (written === '') return { problem: 'Montant manquant' };
  const cents = parseEuros(written);
  if (cents !== null) return { cents };
  // «-12,50», «12,50-» (some exports put the sign last), «0,00»: nothing to pay online.
  const m = /^([-−]?)(\d+)(?:[.,](\d{1,2}))?([-−]?)$/.exec(written.replace(/[\s\u00a0\u202f]/g, '').replace(/€$/, ''));
  if (m && (m[1] || m[4] || /^0+$/.test(m[2] + (m[3] ?? '')))) return { problem: negative(written) };
  if (m && m[2].replace(/^0+/, '').length > 7) return { problem: `Montant trop élevé : ${written}` };
  return { problem: `Montant invalide : ${written} (en euros, par exemple 12,50)` };
}

function amountFromCents(value: unknown): Amount {
  if (value === undefined || value === null) return { problem: 'Montant manquant (« amountCents »)' };
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return { problem: `« amountCents » doit être un nombre entier de centimes : ${JSON.stringify(value)}` };
  }
  if (value <= 0) return { problem: negative(`${value} centimes`) };
  if (value > MAX_AMOUNT_CENTS) return { problem: `Montant trop élevé : ${value} centimes` };
  return { cents: value };
}

const negative = (written: string) => `Montant négatif ou nul : ${written} (un avoir ne se paie pas en ligne)`;

/** Text as stored: NFC, control characters out, spaces collapsed. */
function cleanText(value: string): string {
  return value
    .normalize('NFC')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\p{Cc}\s]+/gu, ' ')
    .trim();
}

/** AAAA-MM-JJ from «JJ/MM/AAAA» or «AAAA-MM-JJ», or null when it is not a day of the calendar. */
export function parseInvoiceDate(text: string): string | null {
  const written = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(written);
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(written);
  const parts = iso ? [iso[1], iso[2], iso[3]] : french ? [french[3], french[2], french[1]] : null;
  if (!parts) return null;
  const [year, month, day] = parts.map(Number);
  const result = `${parts[0]}-${parts[1].padStart(2, '0')}-${parts[2].padStart(2, '0')}`;
  // 31/02 rolls over to March in Date.UTC: only a day that comes back the same exists.
  const valid = new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10) === result;
  return valid && year >= 2000 && year <= 2099 ? result : null;
}

/** Checks lines one by one and spots a number met twice (per régie: numbers are unique in a régie). */
class InvoiceChecker {
  private readonly lines: InvoiceLine[] = [];
  private readonly rejected: RejectedLine[] = [];
  /** `régie|NUMBER` → where it was first seen. The column is case-insensitive in the database. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly source: 'file' | 'list') {}

  reject(r: RejectedLine): void {
    this.rejected.push(r);
  }

  add(line: number, raw: RawInvoice, amount: Amount, shapeProblem: string | null): void {
    const problems: string[] = shapeProblem ? [shapeProblem] : [];
    const number = cleanText(raw.number);
    const numberOk = number.length > 0 && number.length <= MAX_NUMBER_LENGTH && NUMBER_PATTERN.test(number);
    if (number === '') problems.push('Numéro de facture manquant');
    else if (!numberOk) {
      problems.push(
        `Numéro de facture invalide : ${number.slice(0, 60)} (lettres, chiffres, « - », « _ », « . » et « / », ` +
          `${MAX_NUMBER_LENGTH} caractères au plus)`,
      );
    }
    const regieCode = cleanText(raw.regieCode).toLowerCase();
    if (regieCode === '') problems.push('Régie manquante');
    const account = cleanText(raw.account);
    if (account === '') problems.push('Compte manquant');
    else if (account.length > 254) problems.push('Compte invalide : 254 caractères au plus');
    const service = cleanText(raw.service);
    if (service === '') problems.push('Service manquant');
    else if ([...service].length > MAX_TEXT_LENGTH) problems.push(`Service trop long (${MAX_TEXT_LENGTH} caractères au plus)`);
    const periodLabel = cleanText(raw.periodLabel);
    if (periodLabel === '') problems.push('Période manquante');
    else if ([...periodLabel].length > MAX_TEXT_LENGTH) problems.push(`Période trop longue (${MAX_TEXT_LENGTH} caractères au plus)`);
    const issuedText = raw.issuedOn.trim();
    const issuedOn = parseInvoiceDate(issuedText);
    if (issuedText === '') problems.push('Date d’émission manquante');
    else if (!issuedOn) problems.push(`Date d’émission invalide : ${issuedText.slice(0, 40)} (JJ/MM/AAAA ou AAAA-MM-JJ)`);
    const dueText = raw.dueOn.trim();
    const dueOn = dueText === '' ? null : parseInvoiceDate(dueText);
    if (dueText !== '' && !dueOn) problems.push(`Date d’échéance invalide : ${dueText.slice(0, 40)} (JJ/MM/AAAA ou AAAA-MM-JJ)`);
    if (issuedOn && dueOn && dueOn < issuedOn) problems.push(`Échéance antérieure à la date d’émission : ${dueText}`);
    if ('problem' in amount) problems.push(amount.problem);

    // A well-formed number counts as seen even on a refused line: «the second occurrence» is the
    // one reported, whatever became of the first.
    if (numberOk && regieCode !== '') {
      const key = `${regieCode}|${number.toUpperCase()}`;
      const first = this.seen.get(key);
      if (first === undefined) this.seen.set(key, line);
      else {
        problems.unshift(
          this.source === 'file'
            ? `Numéro en double dans le fichier : ${number} (déjà à la ligne ${first})`
            : `Numéro en double dans l’envoi : ${number} (déjà en position ${first})`,
        );
      }
    }

    const shownNumber = number === '' ? undefined : number.slice(0, MAX_NUMBER_LENGTH + 20);
    if (problems.length || !issuedOn || 'problem' in amount) {
      this.rejected.push({ line, ...(shownNumber ? { number: shownNumber } : {}), message: problems.join(' ; ') });
      return;
    }
    this.lines.push({ line, number, regieCode, account, service, periodLabel, issuedOn, dueOn, amountCents: amount.cents });
  }

  result(): ParsedInvoices {
    return { lines: this.lines, rejected: this.rejected };
  }
}
