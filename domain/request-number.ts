// The request number a resident writes on an envelope and reads out on the phone: BEA-2026-000123.
// Three letters of the commune, the year the request was submitted (in the commune's time), a
// six-digit sequence that restarts every year. Unique per commune and year (the database's unique
// index says so too); two communes may share a prefix (Beaucouzé, Beaufort), which is fine because
// a number is always looked up inside one commune.
//
// Pure TypeScript, no import: the workflow code may use it. Intl is available in Temporal's sandbox.

export const MAX_SEQUENCE = 999_999;
const SEQUENCE_DIGITS = 6;
const PREFIX = /^[A-Z]{3}$/;

export interface RequestNumber {
  prefix: string;
  year: number;
  sequence: number;
}

/** `BEA-2026-000123`. Throws on anything that would not read back as the same number. */
export function formatRequestNumber(prefix: string, year: number, sequence: number): string {
  if (!PREFIX.test(prefix)) {
    throw new Error(`Préfixe de numéro de demande invalide : « ${prefix} » (trois majuscules attendues).`);
  }
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new Error(`Année de numéro de demande invalide : ${year}.`);
  }
  if (!Number.isInteger(sequence) || sequence < 1) {
    throw new Error(`Numéro d'ordre de demande invalide : ${sequence}.`);
  }
  if (sequence > MAX_SEQUENCE) {
    throw new Error(`Le numéro d'ordre ${sequence} ne tient pas sur six chiffres (${MAX_SEQUENCE} au plus).`);
  }
  return `${prefix}-${year}-${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

// What a person may put between the parts, or around them: spaces of every kind, dashes of every
// kind (a word processor turns «-» into «–»), dots, slashes, underscores, «N°».
const SEPARATORS = /[\s_./\\\-\u2010-\u2015\u2212]+/g;

function withoutAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '');
}

/**
 * Reads a number as a person typed it: «bea 2026 123», «BEA–2026–000123», «Bea2026000123»,
 * «n° BEA 2026 000 123». The year is the first four digits, whether a separator follows them or
 * not; a first group of digits shorter than four («BEA-26-123») is not a year. Null for anything else.
 */
export function parseRequestNumber(input: string): RequestNumber | null {
  if (typeof input !== 'string' || input.length > 60) return null;
  const tokens = withoutAccents(input)
    .toUpperCase()
    .replace(/^\s*N\s*[°º]/, ' ')
    .replace(SEPARATORS, ' ')
    .replace(/([A-Z])(?=\d)/g, '$1 ')
    .trim()
    .split(' ');
  let prefix = '';
  while (tokens.length > 0 && /^[A-Z]+$/.test(tokens[0])) prefix += tokens.shift();
  if (!PREFIX.test(prefix) || tokens.length === 0) return null;
  if (!tokens.every((t) => /^[0-9]+$/.test(t)) || tokens[0].length < 4) return null;
  const year = Number(tokens[0].slice(0, 4));
  const digits = tokens[0].slice(4) + tokens.slice(1).join('');
  if (!/^[0-9]{1,6}$/.test(digits)) return null;
  const sequence = Number(digits);
  if (sequence < 1) return null;
  return { prefix, year, sequence };
}

/** The three letters of a commune's numbers, from its slug: 'beaucouze' → 'BEA', 'y' → 'YXX'. */
export function communePrefix(slug: string): string {
  const letters = withoutAccents(slug)
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
  return letters.slice(0, 3).padEnd(3, 'X');
}

const yearFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The year of `date` on the commune's calendar: a request sent at 23:30 UTC on 31 December is
 * numbered in the new year, as it is already 1 January in Paris.
 */
export function requestYear(date: Date, timeZone = 'Europe/Paris'): number {
  if (Number.isNaN(date.getTime())) throw new Error('Date de demande invalide.');
  let format = yearFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' });
    yearFormats.set(timeZone, format);
  }
  const year = format.formatToParts(date).find((part) => part.type === 'year');
  return Number(year?.value);
}
