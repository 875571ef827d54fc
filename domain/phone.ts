// Phone numbers as residents type them, to the one form stored and given to the SMS provider.

/** French numbers (06 12 34 56 78, +33 6 12 34 56 78, 0033…) to E.164 (+33612345678); null otherwise. */
export function toE164(phone: string): string | null {
  const compact = phone.replace(/[\s.\-()]/g, '');
  if (/^0[1-9]\d{8}$/.test(compact)) return `+33${compact.slice(1)}`;
  if (/^\+33[1-9]\d{8}$/.test(compact)) return compact;
  if (/^0033[1-9]\d{8}$/.test(compact)) return `+${compact.slice(2)}`;
  if (/^\+(?!33)[1-9]\d{7,14}$/.test(compact)) return compact; // abroad: E.164 as typed
  return null;
}
