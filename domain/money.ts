// Amounts are integer cents everywhere; these are the only conversions to and from what a person
// reads or a billing export writes. Pure.

/** 123456 → «1 234,56 €» (French grouping with a no-break space, as an invoice prints it). */
export function formatEuros(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new Error(`Montant invalide : ${cents}`);
  const euros = Math.floor(cents / 100);
  const rest = String(cents % 100).padStart(2, '0');
  const grouped = String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${grouped},${rest}\u00a0€`;
}

/**
 * «12,50», «12.5», «1 234,56», «1234» (euros) → cents; null when it is not a positive amount
 * with at most two decimals (a negative amount is a credit note, not an invoice to pay).
 */
export function parseEuros(text: string): number | null {
  if (typeof text !== 'string') return null;
  const plain = text.trim().replace(/[\s\u00a0\u202f]*€$/, '');
  // Spaces only as thousands separators: «12 50» is a typing mistake, not 1 250 €.
  const m = /^(\d{1,3}[ \u00a0\u202f]\d{3}|\d[ \u00a0\u202f]\d{3}[ \u00a0\u202f]\d{3}|\d{1,7})(?:[.,](\d{1,2}))?$/.exec(plain);
  if (!m) return null;
  const cents = Number(m[1].replace(/\D/g, '')) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  return cents > 0 ? cents : null;
}
