// The passwords attackers try first. The list is zxcvbn's «passwords-common», ranked by how often each
// password appeared in leaks; its first 10,000 entries are the ones a password-guessing script would
// try within the first minutes, so they are refused whatever their length.
import type * as LanguageCommon from '@zxcvbn-ts/language-common';

export const COMMON_PASSWORD_COUNT = 10_000;

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  if (!common) {
    // Loaded on first use: the package parses ~50,000 words (about 50 ms), which every process that
    // imports the domain would otherwise pay at start even if it never checks a password.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { dictionary } = require('@zxcvbn-ts/language-common') as typeof LanguageCommon;
    const ranked = dictionary['passwords-common'].slice(0, COMMON_PASSWORD_COUNT);
    common = new Set(ranked.map((p) => p.toLowerCase()));
  }
  return common;
}

/** Whether the password is one of the most common ones, ignoring case («Azerty123» is «azerty123»). */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase());
}
