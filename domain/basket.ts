// The basket and payment rules of «Mes comptes» (FAQ «Le paiement par carte bancaire»): one régie
// per basket (one budget, one merchant account), each invoice once, nothing added or removed while
// its payment is under way; and what a provider's answer does to a payment. Pure.

/** The FAQ's exact words, for a second régie or the same invoice twice. */
export const BASKET_REFUSED = "Impossible d'ajouter cet article, vous devez d'abord payer ceux en attente dans votre panier";

export const INVOICE_ALREADY_PAID = 'Cette facture est déjà payée.';
export const BASKET_LOCKED = 'Un paiement est en cours pour votre panier : attendez sa fin (20 minutes au plus) avant de le modifier.';
export const INVOICE_IN_PAYMENT = 'Un paiement est déjà en cours pour cette facture.';

/** How far back «Mes comptes» shows invoices (FAQ: «les 3 derniers mois»). */
export const STATEMENT_MONTHS = 3;

export interface BasketState {
  regieId: number | null;
  invoiceIds: readonly number[];
  /** A payment under way: the basket is closed until it ends. */
  paymentUnderWay: boolean;
}

export interface InvoiceState {
  id: number;
  regieId: number;
  status: 'a_payer' | 'payee';
  /** Set while another payment holds it. */
  paymentUnderWay: boolean;
}

/** Null when the invoice may go into the basket, else the French reason. */
export function refuseToAdd(basket: BasketState, invoice: InvoiceState): string | null {
  if (basket.paymentUnderWay) return BASKET_LOCKED;
  if (invoice.status === 'payee') return INVOICE_ALREADY_PAID;
  if (basket.invoiceIds.includes(invoice.id)) return BASKET_REFUSED;
  if (basket.invoiceIds.length > 0 && basket.regieId !== null && basket.regieId !== invoice.regieId) return BASKET_REFUSED;
  if (invoice.paymentUnderWay) return INVOICE_IN_PAYMENT;
  return null;
}

/** Null when the invoice may leave the basket. */
export function refuseToRemove(basket: BasketState): string | null {
  return basket.paymentUnderWay ? BASKET_LOCKED : null;
}

export function totalCents(amounts: readonly number[]): number {
  return amounts.reduce((sum, a) => sum + a, 0);
}

// ---------------------------------------------------------------------------------------------------
// Payments.

export const PAYMENT_STATUSES = ['en_cours', 'payee', 'refusee', 'abandonnee', 'expiree'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_LABELS: Record<PaymentStatus, string> = {
  en_cours: 'Paiement en cours',
  payee: 'Paiement accepté',
  refusee: 'Paiement refusé',
  abandonnee: 'Paiement abandonné',
  expiree: 'Paiement expiré',
};

export type ProviderOutcome = 'paid' | 'refused' | 'abandoned' | 'pending' | 'expired';

/** What the provider's authoritative answer makes of a payment under way; null: nothing changes. */
export function paymentStatusAfter(current: PaymentStatus, outcome: ProviderOutcome): PaymentStatus | null {
  if (current !== 'en_cours') return null; // decided once, for good: later answers change nothing
  switch (outcome) {
    case 'paid':
      return 'payee';
    case 'refused':
      return 'refusee';
    case 'abandoned':
      return 'abandonnee';
    case 'expired':
      return 'expiree';
    case 'pending':
      return null;
  }
}

/** Paid invoices leave the basket; any other end reopens it with the same invoices. */
export function reopensBasket(status: PaymentStatus): boolean {
  return status === 'refusee' || status === 'abandonnee' || status === 'expiree';
}

/** The first day «Mes comptes» shows, AAAA-MM-JJ: the same day three months before (end of month clamped). */
export function statementStart(today: string, months = STATEMENT_MONTHS): string {
  const [y, m, d] = today.split('-').map(Number);
  const monthIndex = y * 12 + (m - 1) - months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
