import { randomInt } from 'node:crypto';

/**
 * Characters a resident can tell apart both on the distorted image and when read aloud in French.
 * Left out on sight: 0/O/Q/D, 1/I, 2/Z, 5/S, 6/G, 8/B, 7/T, U/V, M/W/N, K/X.
 * Left out by ear: the «bé, cé, dé, gé, pé, té, vé» rhyme keeps only P; «emme/enne» keeps M;
 * «dé/deux», «ka/quatre», «ixe/six», «gé/ji», «effe/esse» each keep one side.
 */
export const CAPTCHA_ALPHABET = '23456789AFHJLMPRUY';
export const CAPTCHA_LENGTH = 5;

/**
 * What espeak-ng is given to say each character: its French name, spelled so that espeak-ng
 * pronounces it as a French speaker spells out loud (checked with `espeak-ng -v fr -x`).
 */
export const SPOKEN_CHARACTERS: Readonly<Record<string, string>> = {
  '2': 'deux',
  '3': 'trois',
  '4': 'quatre',
  '5': 'cinq',
  '6': 'six',
  '7': 'sept',
  '8': 'huit',
  '9': 'neuf',
  A: 'a',
  F: 'èfe',
  H: 'ache',
  J: 'ji',
  L: 'èle',
  M: 'èm',
  P: 'pé',
  R: 'ère',
  U: 'u',
  Y: 'igrec',
};

/** Spoken instructions around the code; file name (without .wav) → text. */
export const SPOKEN_PROMPTS = {
  consigne: 'Recopiez les caractères suivants :',
  'je-repete': 'Je répète.',
} as const;

export function generateCaptchaCode(): string {
  let code = '';
  for (let i = 0; i < CAPTCHA_LENGTH; i++) code += CAPTCHA_ALPHABET[randomInt(CAPTCHA_ALPHABET.length)];
  return code;
}

/** Residents type the code as they like: lower case and spaces are accepted. */
export function normaliseCaptchaAnswer(answer: string): string {
  return answer.replace(/\s+/g, '').toUpperCase();
}
