// The resident's login identifier: `prénom.nom`, lower case, accents kept («amélie.lire»), a number
// appended on collision («amélie.lire2»). Stored and compared in Unicode NFC so that a name typed on a
// keyboard that sends decomposed accents (macOS, some mobiles) still matches.
//
// Choices made for names that are not plain words:
// - spaces, apostrophes (' ’ ‘ ʼ), dots, underscores and dashes inside a name become one hyphen:
//   «Jean-Pierre» «D'Artagnan» → `jean-pierre.d-artagnan`, «Marie Claire» «de La Fontaine» →
//   `marie-claire.de-la-fontaine`;
// - everything that is not a letter of any script (with its combining accents) or a hyphen is dropped:
//   emoji, punctuation, and digits too, because a trailing number is how homonyms are told apart
//   (a name «Lire2» would otherwise read as the second «lire»);
// - letters are lower-cased with the locale-independent Unicode mapping, so the result does not depend
//   on the server's locale (Turkish «İ» → «i̇», «ı» stays «ı»).

/** Longest identifier, suffix included, in Unicode code points (what a MySQL VARCHAR(100) counts). */
export const MAX_IDENTIFIER_LENGTH = 100;

const SEPARATOR = '.';

// Characters that separate words inside one name. ʼ (U+02BC) is a letter for Unicode, so it must be
// turned into a hyphen before letters are filtered.
const WORD_SEPARATORS = /[\s'’‘ʼ`´′._\u2010-\u2015\u2212-]+/gu;
const NOT_LETTER_OR_HYPHEN = /[^\p{L}\p{M}-]/gu;
// A combining accent left without its base letter once a stripped character went away.
const ORPHAN_MARKS = /(^|-)\p{M}+/gu;

const graphemes = new Intl.Segmenter('fr', { granularity: 'grapheme' });

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * The form in which identifiers are stored and compared: trimmed, NFC, lower case. Each dot-separated
 * segment is lower-cased on its own so that a Greek final sigma («…ς») comes out the same whether the
 * resident types the identifier in capitals or not (Unicode treats «.» as part of the word otherwise).
 */
export function normaliseIdentifier(input: string): string {
  return input
    .trim()
    .normalize('NFC')
    .split(SEPARATOR)
    .map((segment) => segment.toLowerCase())
    .join(SEPARATOR)
    .normalize('NFC');
}

function identifierPart(raw: string, label: string): string {
  const part = raw
    .normalize('NFC')
    .replace(WORD_SEPARATORS, '-')
    .replace(NOT_LETTER_OR_HYPHEN, '')
    .replace(ORPHAN_MARKS, '$1')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .normalize('NFC');
  if (part === '') {
    throw new Error(`Le ${label} doit contenir au moins une lettre pour former l'identifiant.`);
  }
  return part;
}

/** Drops the last character (grapheme cluster), so that an accent is never cut off its letter. */
function dropLastCharacter(part: string): string {
  let lastStart = 0;
  for (const { index } of graphemes.segment(part)) lastStart = index;
  return part.slice(0, lastStart).replace(/-+$/, '');
}

/**
 * Shortens the longer of the two parts, one character at a time, until `prénom.nom` plus `reserve`
 * characters fit in MAX_IDENTIFIER_LENGTH. Shortening the longer part keeps both recognisable.
 */
function fitParts(first: string, last: string, reserve: number): [string, string] {
  const limit = MAX_IDENTIFIER_LENGTH - reserve;
  let [a, b] = [first, last];
  while (codePointLength(a) + SEPARATOR.length + codePointLength(b) > limit) {
    if (codePointLength(a) > codePointLength(b)) a = dropLastCharacter(a);
    else b = dropLastCharacter(b);
    if (a === '' || b === '') throw new Error("Impossible de former un identifiant assez court.");
  }
  return [a, b];
}

/** `prénom.nom` for a new resident, before any homonym number. Throws if a name has no letter at all. */
export function baseIdentifier(firstName: string, lastName: string): string {
  const [first, last] = fitParts(identifierPart(firstName, 'prénom'), identifierPart(lastName, 'nom'), 0);
  return normaliseIdentifier(`${first}${SEPARATOR}${last}`);
}

function splitIdentifier(identifier: string): [string, string] {
  const dot = identifier.lastIndexOf(SEPARATOR);
  if (dot <= 0 || dot === identifier.length - 1) {
    throw new Error(`Identifiant de base invalide : «${identifier}».`);
  }
  return [identifier.slice(0, dot), identifier.slice(dot + 1)];
}

/**
 * The identifier to give a new resident: `base` if nobody has it, else `base2`, `base3`… The number is
 * glued to the name (the FAQ's «amélie.lire» style has no room for another separator). When the base is
 * already at the maximum length the name is shortened to make room for the number.
 */
export function nextFreeIdentifier(base: string, taken: Iterable<string>): string {
  const normalisedBase = normaliseIdentifier(base);
  const [first, last] = splitIdentifier(normalisedBase);
  const takenSet = new Set<string>();
  for (const t of taken) takenSet.add(normaliseIdentifier(t));

  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : String(n);
    const [a, b] = fitParts(first, last, suffix.length);
    const candidate = normaliseIdentifier(`${a}${SEPARATOR}${b}${suffix}`);
    if (!takenSet.has(candidate)) return candidate;
  }
}
