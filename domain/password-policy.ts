// Password policy of CNIL délibération n° 2022-100 (recommandation relative aux mots de passe), case 1:
// the password is the only factor, so it must carry at least 80 bits of entropy. The CNIL measures
// entropy as length × log2(size of the alphabet used), the alphabet being the sum of the character
// classes present, and gives as examples 12 characters mixing upper case, lower case, digits and
// special characters (from a list of at least 37), or 14 characters with upper case, lower case and
// digits. Its own first example is 12 × log2(26 + 26 + 10 + 37) = 79.6 bits, which it counts as 80: the
// comparison is therefore made on the entropy rounded to the nearest bit.
//
// On top of the entropy: at most 128 characters (argon2 input and form limits), not one of the most
// common passwords, and nothing an attacker knows about the resident (names, identifier, email).
import { isCommonPassword } from './common-passwords';

export const MIN_ENTROPY_BITS = 80;
export const MAX_PASSWORD_LENGTH = 128;
/** Shortest fragment of a name or identifier that a password may not contain. */
const MIN_PERSONAL_FRAGMENT = 3;

export type CharacterClass = 'upper' | 'lower' | 'digit' | 'special';

const CLASSES: readonly { name: CharacterClass; test: RegExp; size: number; plural: string }[] = [
  { name: 'upper', test: /[A-Z]/, size: 26, plural: 'des majuscules' },
  { name: 'lower', test: /[a-z]/, size: 26, plural: 'des minuscules' },
  { name: 'digit', test: /[0-9]/, size: 10, plural: 'des chiffres' },
  // Everything else, accented letters, spaces and emoji included, counts as special. The CNIL's
  // minimum list of 37 specials is used as the alphabet size: the real one is larger, so this errs
  // on the side of caution.
  { name: 'special', test: /[^A-Za-z0-9]/, size: 37, plural: 'des caractères spéciaux' },
];

export const PASSWORD_RULES_TEXT =
  'Au moins 12 caractères mêlant majuscules, minuscules, chiffres et caractères spéciaux, ' +
  'ou au moins 14 caractères mêlant majuscules, minuscules et chiffres ; ' +
  'une phrase d’au moins 14 caractères avec des espaces convient aussi. ' +
  `${MAX_PASSWORD_LENGTH} caractères au plus, sans votre nom, votre prénom ni votre identifiant.`;

const MESSAGES = {
  tooLong: `Le mot de passe ne doit pas dépasser ${MAX_PASSWORD_LENGTH} caractères.`,
  allClassesTooShort:
    'Le mot de passe doit contenir au moins 12 caractères, dont une majuscule, une minuscule, ' +
    'un chiffre et un caractère spécial.',
  common: 'Ce mot de passe fait partie des plus courants : choisissez-en un autre.',
  personal:
    'Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre identifiant, ' +
    'ni votre adresse électronique.',
};

export interface PasswordContext {
  identifier?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

export type PasswordVerdict = { ok: true } | { ok: false; message: string };

/**
 * The form in which a password is checked, and in which it must be hashed: NFKC, as NIST SP 800-63B
 * advises, so that «é» typed as one character or as «e» + accent is the same password on every device.
 */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function classesIn(password: string): CharacterClass[] {
  return CLASSES.filter((c) => c.test.test(password)).map((c) => c.name);
}

function alphabetSize(classes: readonly CharacterClass[]): number {
  return CLASSES.filter((c) => classes.includes(c.name)).reduce((sum, c) => sum + c.size, 0);
}

/** Entropy in bits as the CNIL computes it: length × log2(alphabet of the classes used). */
export function estimateEntropyBits(password: string): number {
  const normalised = normalisePassword(password);
  const size = alphabetSize(classesIn(normalised));
  return size === 0 ? 0 : codePoints(normalised) * Math.log2(size);
}

function strongEnough(bits: number): boolean {
  return Math.round(bits) >= MIN_ENTROPY_BITS;
}

/** The shortest length that reaches the required entropy with these classes (12 with all four). */
export function minimumLengthFor(classes: readonly CharacterClass[]): number {
  const bitsPerCharacter = Math.log2(alphabetSize(classes));
  let length = 1;
  while (!strongEnough(length * bitsPerCharacter)) length++;
  return length;
}

function listInFrench(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}

function weaknessMessage(classes: readonly CharacterClass[]): string {
  if (classes.length === 0 || classes.length === CLASSES.length) return MESSAGES.allClassesTooShort;
  const used = CLASSES.filter((c) => classes.includes(c.name)).map((c) => c.plural);
  return (
    `Le mot de passe est trop faible : avec seulement ${listInFrench(used)}, ` +
    `il doit contenir au moins ${minimumLengthFor(classes)} caractères. ` +
    'Avec une majuscule, une minuscule, un chiffre et un caractère spécial, 12 caractères suffisent.'
  );
}

/** Lower case without accents, so that «Amélie» is found in «AMELIE2024». */
function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The pieces of a name or address a password may not contain: the whole, glued, and each word. */
function personalFragments(context: PasswordContext): string[] {
  const sources: string[] = [];
  if (context.identifier) sources.push(context.identifier);
  if (context.firstName) sources.push(context.firstName);
  if (context.lastName) sources.push(context.lastName);
  if (context.email) {
    const at = context.email.lastIndexOf('@');
    sources.push(at >= 0 ? context.email.slice(0, at) : context.email);
  }
  const fragments = new Set<string>();
  for (const source of sources) {
    const folded = fold(source.trim());
    const words = folded.split(/[^\p{L}\p{M}]+/u).filter((w) => w !== '');
    fragments.add(folded);
    fragments.add(words.join(''));
    for (const w of words) fragments.add(w);
  }
  return [...fragments].filter((f) => codePoints(f) >= MIN_PERSONAL_FRAGMENT);
}

/** Checks a new password; the message, in French, tells the resident what to change. */
export function checkPassword(password: string, context: PasswordContext = {}): PasswordVerdict {
  const normalised = normalisePassword(password);
  if (codePoints(normalised) > MAX_PASSWORD_LENGTH) return { ok: false, message: MESSAGES.tooLong };

  if (!strongEnough(estimateEntropyBits(normalised))) {
    return { ok: false, message: weaknessMessage(classesIn(normalised)) };
  }

  if (isCommonPassword(normalised)) return { ok: false, message: MESSAGES.common };

  const foldedPassword = fold(normalised);
  if (personalFragments(context).some((f) => foldedPassword.includes(f))) {
    return { ok: false, message: MESSAGES.personal };
  }
  return { ok: true };
}
