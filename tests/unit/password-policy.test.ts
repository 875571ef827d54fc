import { dictionary } from '@zxcvbn-ts/language-common';
import { COMMON_PASSWORD_COUNT, isCommonPassword } from '../../domain/common-passwords';
import {
  type CharacterClass,
  MAX_PASSWORD_LENGTH,
  MIN_ENTROPY_BITS,
  PASSWORD_RULES_TEXT,
  checkPassword,
  estimateEntropyBits,
  minimumLengthFor,
  normalisePassword,
} from '../../domain/password-policy';

// Characters chosen so that generated passwords are in no dictionary and spell no name.
const POOLS: Record<CharacterClass, string> = {
  upper: 'QZXJKVWYFB',
  lower: 'mqzxkvwjyf',
  digit: '3816947205',
  special: '#%&!?*$@;~',
};

/** A password of `length` characters using exactly `classes`, each at least once. */
function passwordWith(classes: readonly CharacterClass[], length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const pool = POOLS[classes[i % classes.length]];
    out += pool[Math.floor(i / classes.length) % pool.length];
  }
  return out;
}

const ALL_FOUR =
  'Le mot de passe doit contenir au moins 12 caractères, dont une majuscule, une minuscule, un chiffre ' +
  'et un caractère spécial.';
const COMMON = 'Ce mot de passe fait partie des plus courants : choisissez-en un autre.';
const PERSONAL =
  'Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre identifiant, ' +
  'ni votre adresse électronique.';
const refused = (message: string) => ({ ok: false, message });
const refusedWith = (fragment: string) => ({ ok: false, message: expect.stringContaining(fragment) });
const TOO_LONG = 'Le mot de passe ne doit pas dépasser 128 caractères.';

describe('estimateEntropyBits (CNIL: length × log2 of the alphabet of the classes used)', () => {
  it.each([
    ['', 0],
    ['abc', 3 * Math.log2(26)],
    ['ABC', 3 * Math.log2(26)],
    ['123', 3 * Math.log2(10)],
    ['#!?', 3 * Math.log2(37)],
    ['aB', 2 * Math.log2(52)],
    ['a1', 2 * Math.log2(36)],
    ['aB1', 3 * Math.log2(62)],
    ['aB1!', 4 * Math.log2(99)],
    ['é', Math.log2(37)],
    ['aé', 2 * Math.log2(63)],
    ['a b', 3 * Math.log2(63)],
    ['😀', Math.log2(37)],
    ['e\u0301', Math.log2(37)],
  ])('%j → %f bits', (password, bits) => {
    expect(estimateEntropyBits(password)).toBeCloseTo(bits, 10);
  });

  it('gives the CNIL’s first example 79.6 bits, which the CNIL counts as 80', () => {
    const cnilExample = passwordWith(['upper', 'lower', 'digit', 'special'], 12);
    expect(estimateEntropyBits(cnilExample)).toBeCloseTo(79.55, 2);
    expect(MIN_ENTROPY_BITS).toBe(80);
  });
});

describe('minimumLengthFor', () => {
  it.each([
    [['upper', 'lower', 'digit', 'special'], 12],
    [['upper', 'lower', 'digit'], 14],
    [['upper', 'lower', 'special'], 13],
    [['lower', 'digit', 'special'], 13],
    [['upper', 'lower'], 14],
    [['lower', 'special'], 14],
    [['lower', 'digit'], 16],
    [['digit', 'special'], 15],
    [['lower'], 17],
    [['special'], 16],
    [['digit'], 24],
  ] as [CharacterClass[], number][])('%j → %i characters', (classes, length) => {
    expect(minimumLengthFor(classes)).toBe(length);
  });
});

describe('checkPassword: length and character classes', () => {
  const combinations: CharacterClass[][] = [
    ['upper', 'lower', 'digit', 'special'],
    ['upper', 'lower', 'digit'],
    ['upper', 'lower', 'special'],
    ['upper', 'digit', 'special'],
    ['lower', 'digit', 'special'],
    ['upper', 'lower'],
    ['upper', 'digit'],
    ['upper', 'special'],
    ['lower', 'digit'],
    ['lower', 'special'],
    ['digit', 'special'],
    ['upper'],
    ['lower'],
    ['digit'],
    ['special'],
  ];

  it.each(combinations)('accepts %j from the minimum length and refuses one character less', (...classes) => {
    const min = minimumLengthFor(classes);
    const enough = passwordWith(classes, min);
    const short = passwordWith(classes, min - 1);
    expect(checkPassword(enough)).toEqual({ ok: true });
    const verdict = checkPassword(short);
    expect(verdict.ok).toBe(false);
    if (classes.length === 4) {
      expect(verdict).toEqual(refused(ALL_FOUR));
    } else {
      expect(verdict).toEqual(refusedWith(`au moins ${min} caractères`));
    }
  });

  it('explains which classes were used and how long it must then be', () => {
    expect(checkPassword('mqzxkvwjyf3816')).toEqual({
      ok: false,
      message:
        'Le mot de passe est trop faible : avec seulement des minuscules et des chiffres, ' +
        'il doit contenir au moins 16 caractères. ' +
        'Avec une majuscule, une minuscule, un chiffre et un caractère spécial, 12 caractères suffisent.',
    });
    const upperLowerDigits = 'avec seulement des majuscules, des minuscules et des chiffres, il doit';
    expect(checkPassword('QZXmqz381694')).toEqual(refusedWith(`${upperLowerDigits} contenir au moins 14 `));
  });

  it.each([
    ['Qz8#mk2!Vw5?', true],
    ['Qz8#mk2!Vw5', false],
    ['Qzmkvwjyfbxr38', true],
    ['Qzmkvwjyfbxr3', false],
  ])('CNIL examples: %s → %p', (password, ok) => {
    expect(checkPassword(password).ok).toBe(ok);
  });

  it('refuses an empty password with the four-class rule', () => {
    expect(checkPassword('')).toEqual(refused(ALL_FOUR));
  });

  it('counts accented letters, spaces and emoji as special characters', () => {
    expect(checkPassword('Ça fait 12 ans déjà !')).toEqual({ ok: true });
    expect(checkPassword('Kiwi🥝Mangue7')).toEqual({ ok: true });
    expect(checkPassword('Kiwi🥝Mang7')).toEqual(refused(ALL_FOUR));
    expect(checkPassword('mqzéxkvwjyfqzx')).toEqual({ ok: true });
  });

  it('accepts a phrase of at least 14 characters with spaces, as PASSWORD_RULES_TEXT says', () => {
    expect(checkPassword('vache qui rit!')).toEqual({ ok: true });
    expect(checkPassword('le chat dort sur le tapis')).toEqual({ ok: true });
    expect(checkPassword('un deux trois').ok).toBe(false);
  });

  it('counts characters after normalisation: a decomposed accent is one character', () => {
    const composed = 'Qz8#mk2!Vwé';
    const decomposed = 'Qz8#mk2!Vwe\u0301';
    expect(decomposed.length).toBe(12);
    expect(checkPassword(composed)).toEqual(refused(ALL_FOUR));
    expect(checkPassword(decomposed)).toEqual(refused(ALL_FOUR));
    expect(normalisePassword(decomposed)).toBe(composed);
  });

  it('folds compatibility characters (NFKC) as NIST advises', () => {
    expect(normalisePassword('Ｑｚ８')).toBe('Qz8');
    expect(normalisePassword('ﬁ')).toBe('fi');
  });

  it(`accepts up to ${MAX_PASSWORD_LENGTH} characters and refuses more`, () => {
    const longest = passwordWith(['upper', 'lower', 'digit', 'special'], MAX_PASSWORD_LENGTH);
    expect(checkPassword(longest)).toEqual({ ok: true });
    expect(checkPassword(`${longest}x`)).toEqual(refused(TOO_LONG));
  });

  it('counts the maximum in characters, not in UTF-16 code units', () => {
    const emoji = 'Aa1🥝'.padEnd(MAX_PASSWORD_LENGTH * 2 - 3, '🥝');
    expect([...emoji].length).toBe(MAX_PASSWORD_LENGTH);
    expect(checkPassword(emoji)).toEqual({ ok: true });
    expect(checkPassword(`${emoji}🥝`)).toEqual(refused(TOO_LONG));
  });

  it('does not trim: spaces are characters', () => {
    expect(checkPassword('  Qz8#mk2!Vw  ')).toEqual({ ok: true });
  });
});

describe('checkPassword: common passwords', () => {
  it('refuses a common password that is long and varied enough', () => {
    // 16 lower-case letters and digits reach 82.7 bits, but this one is 3,192nd in the leaks.
    expect(estimateEntropyBits('polniypizdec0211')).toBeGreaterThan(80);
    expect(checkPassword('polniypizdec0211')).toEqual(refused(COMMON));
  });

  it('ignores case when comparing with the list', () => {
    expect(checkPassword('PolniyPizdec0211')).toEqual(refused(COMMON));
    expect(checkPassword('POLNIYPIZDEC0211')).toEqual(refused(COMMON));
    expect(checkPassword('Mailcreated5240')).toEqual(refused(COMMON));
  });

  it('accepts a password that only looks like a common one', () => {
    expect(checkPassword('Mailcreated5240!')).toEqual({ ok: true });
  });

  it(`takes the ${COMMON_PASSWORD_COUNT} most common passwords of zxcvbn's ranked list, no more`, () => {
    const ranked = dictionary['passwords-common'];
    expect(isCommonPassword(ranked[0])).toBe(true);
    expect(isCommonPassword('AZERTY')).toBe(true);
    expect(isCommonPassword(ranked[COMMON_PASSWORD_COUNT - 1])).toBe(true);
    expect(ranked.slice(0, COMMON_PASSWORD_COUNT)).not.toContain(ranked[COMMON_PASSWORD_COUNT]);
    expect(isCommonPassword(ranked[COMMON_PASSWORD_COUNT])).toBe(false);
    // Beyond the first 10,000 and strong enough: accepted.
    expect(ranked.indexOf('1qaz2wsx3edc4rfv')).toBeGreaterThanOrEqual(COMMON_PASSWORD_COUNT);
    expect(checkPassword('1qaz2wsx3edc4rfv')).toEqual({ ok: true });
  });

  it('says the password is too weak before saying it is common', () => {
    expect(checkPassword('azerty')).toEqual(refusedWith('au moins 17 caractères'));
  });
});

describe('checkPassword: personal information', () => {
  const amelie = {
    identifier: 'amélie.lire',
    firstName: 'Amélie',
    lastName: 'Lire',
    email: 'a.lire@example.org',
  };

  it.each([
    ['the first name', 'Amélie#2024-Qz'],
    ['the first name without its accent', 'AMELIE#2024-Qz'],
    ['the first name, decomposed', 'Ame\u0301lie#2024-Qz'],
    ['the last name', 'Qz#2024-xLIREx'],
    ['the identifier', 'amélie.lire#2024Q'],
    ['first and last name glued', 'AmelieLire#2024'],
  ])('refuses %s: %s', (_what, password) => {
    expect(checkPassword(password, amelie)).toEqual(refused(PERSONAL));
    expect(checkPassword(password)).toEqual({ ok: true });
  });

  it('finds names in the identifier alone, without its homonym number', () => {
    expect(checkPassword('Qz#2024-amelie', { identifier: 'amélie.lire2' })).toEqual(refused(PERSONAL));
    expect(checkPassword('Qz#2024-Lire!', { identifier: 'amélie.lire2' })).toEqual(refused(PERSONAL));
  });

  it('refuses the local part of the email address and its words', () => {
    const context = { email: 'jdupont+mairie@example.org' };
    expect(checkPassword('Jdupont!2024xyz', context)).toEqual(refused(PERSONAL));
    expect(checkPassword('Qz8#MAIRIE2024', context)).toEqual(refused(PERSONAL));
    // The domain is not personal.
    expect(checkPassword('Example!2024xyz', context)).toEqual({ ok: true });
  });

  it('handles compound names: each word of 3 letters or more, and the whole', () => {
    const context = { firstName: 'Jean-Pierre', lastName: 'de La Fontaine' };
    expect(checkPassword('JeanPierre!2024', context)).toEqual(refused(PERSONAL));
    expect(checkPassword('Qz8#pierre2024x', context)).toEqual(refused(PERSONAL));
    expect(checkPassword('Qz8#DeLaFontaine', context)).toEqual(refused(PERSONAL));
    expect(checkPassword('Qz8#Fontaine24', context)).toEqual(refused(PERSONAL));
    // «de» and «la» are too short to be telling.
    expect(checkPassword('Qz8#delaval2024', context)).toEqual({ ok: true });
  });

  it('ignores fragments shorter than 3 characters', () => {
    const context = { firstName: 'Al', lastName: 'Ng', email: 'al@example.org' };
    expect(checkPassword('Al#Ng2024xyzQ', context)).toEqual({ ok: true });
    expect(checkPassword('Eva#Qz2024xyz', { firstName: 'Eva' })).toEqual(refused(PERSONAL));
  });

  it('accepts empty or missing context fields', () => {
    const context = { identifier: '', firstName: undefined, lastName: ' ', email: '@' };
    expect(checkPassword('Qz8#mk2!Vw5?', context)).toEqual({ ok: true });
  });

  it('checks strength first, then the common list, then personal information', () => {
    expect(checkPassword('amelie', amelie)).toEqual(refusedWith('trop faible'));
    expect(checkPassword('polniypizdec0211', { firstName: 'Polniy' })).toEqual(refused(COMMON));
    const longAndPersonal = `Amélie#2024${'x'.repeat(MAX_PASSWORD_LENGTH)}`;
    expect(checkPassword(longAndPersonal, amelie)).toEqual(refused(TOO_LONG));
  });
});

describe('PASSWORD_RULES_TEXT', () => {
  it('states the rules in French', () => {
    expect(PASSWORD_RULES_TEXT).toContain('Au moins 12 caractères');
    expect(PASSWORD_RULES_TEXT).toContain('au moins 14 caractères');
    expect(PASSWORD_RULES_TEXT).toContain('128 caractères au plus');
  });
});
