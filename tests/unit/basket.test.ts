import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BASKET_LOCKED,
  BASKET_REFUSED,
  INVOICE_ALREADY_PAID,
  INVOICE_IN_PAYMENT,
  PAYMENT_LABELS,
  PAYMENT_STATUSES,
  STATEMENT_MONTHS,
  paymentStatusAfter,
  refuseToAdd,
  refuseToRemove,
  reopensBasket,
  statementStart,
  totalCents,
  type BasketState,
  type InvoiceState,
  type PaymentStatus,
  type ProviderOutcome,
} from '../../domain/basket';

// The FAQ's words, written out rather than read from the constant: a change of wording fails here.
const FAQ_REFUSED = "Impossible d'ajouter cet article, vous devez d'abord payer ceux en attente dans votre panier";

function basket(over: Partial<BasketState> = {}): BasketState {
  return { regieId: null, invoiceIds: [], paymentUnderWay: false, ...over };
}

function invoice(over: Partial<InvoiceState> = {}): InvoiceState {
  return { id: 10, regieId: 1, status: 'a_payer', paymentUnderWay: false, ...over };
}

describe('the French messages', () => {
  it('keeps the FAQ wording for a refused addition', () => {
    expect(BASKET_REFUSED).toBe(FAQ_REFUSED);
  });

  it('words each other refusal as a sentence', () => {
    expect(INVOICE_ALREADY_PAID).toBe('Cette facture est déjà payée.');
    expect(INVOICE_IN_PAYMENT).toBe('Un paiement est déjà en cours pour cette facture.');
    expect(BASKET_LOCKED).toBe(
      'Un paiement est en cours pour votre panier : attendez sa fin (20 minutes au plus) avant de le modifier.',
    );
  });
});

describe('refuseToAdd', () => {
  const REGIE_1_WITH_10 = basket({ regieId: 1, invoiceIds: [10] });
  const LOCKED = basket({ regieId: 1, invoiceIds: [10], paymentUnderWay: true });

  it.each<[string, BasketState, InvoiceState, string | null]>([
    // An empty basket takes any unpaid, free invoice, whatever its régie.
    ['empty basket, régie 1', basket(), invoice({ id: 10, regieId: 1 }), null],
    ['empty basket, régie 2', basket(), invoice({ id: 20, regieId: 2 }), null],
    ['empty basket, régie 99', basket(), invoice({ id: 99, regieId: 99 }), null],
    // Each invoice once.
    ['the same invoice twice', REGIE_1_WITH_10, invoice({ id: 10, regieId: 1 }), FAQ_REFUSED],
    ['the same invoice among several', basket({ regieId: 1, invoiceIds: [10, 11, 12] }), invoice({ id: 11 }), FAQ_REFUSED],
    // One régie per basket.
    ['a second invoice of the same régie', REGIE_1_WITH_10, invoice({ id: 11, regieId: 1 }), null],
    ['a third invoice of the same régie', basket({ regieId: 1, invoiceIds: [10, 11] }), invoice({ id: 12 }), null],
    ['an invoice of another régie', REGIE_1_WITH_10, invoice({ id: 20, regieId: 2 }), FAQ_REFUSED],
    ['another régie, basket of several', basket({ regieId: 1, invoiceIds: [10, 11] }), invoice({ id: 20, regieId: 2 }), FAQ_REFUSED],
    // Items all removed: the régie left behind does not hold the basket.
    ['emptied basket, régie still set, another régie', basket({ regieId: 1, invoiceIds: [] }), invoice({ id: 20, regieId: 2 }), null],
    ['emptied basket, régie still set, same régie', basket({ regieId: 1, invoiceIds: [] }), invoice({ id: 10, regieId: 1 }), null],
    // Paid invoices and invoices held by another payment.
    ['a paid invoice, empty basket', basket(), invoice({ status: 'payee' }), INVOICE_ALREADY_PAID],
    ['a paid invoice of the same régie', REGIE_1_WITH_10, invoice({ id: 11, status: 'payee' }), INVOICE_ALREADY_PAID],
    ['an invoice held by another payment, empty basket', basket(), invoice({ paymentUnderWay: true }), INVOICE_IN_PAYMENT],
    ['an invoice held by another payment, same régie', REGIE_1_WITH_10, invoice({ id: 11, paymentUnderWay: true }), INVOICE_IN_PAYMENT],
    // A payment under way closes the basket, before anything else is looked at.
    ['locked basket, a fine invoice of its régie', LOCKED, invoice({ id: 11, regieId: 1 }), BASKET_LOCKED],
    ['locked basket, the same invoice', LOCKED, invoice({ id: 10, regieId: 1 }), BASKET_LOCKED],
    ['locked basket, another régie', LOCKED, invoice({ id: 20, regieId: 2 }), BASKET_LOCKED],
    ['locked basket, a paid invoice', LOCKED, invoice({ id: 11, status: 'payee' }), BASKET_LOCKED],
    ['locked basket, an invoice held elsewhere', LOCKED, invoice({ id: 11, paymentUnderWay: true }), BASKET_LOCKED],
    ['locked empty basket', basket({ paymentUnderWay: true }), invoice(), BASKET_LOCKED],
    // A paid invoice says so, even when it is also in the basket or of another régie.
    ['a paid invoice already in the basket', REGIE_1_WITH_10, invoice({ id: 10, status: 'payee' }), INVOICE_ALREADY_PAID],
    ['a paid invoice of another régie', REGIE_1_WITH_10, invoice({ id: 20, regieId: 2, status: 'payee' }), INVOICE_ALREADY_PAID],
  ])('%s', (_case, b, i, expected) => {
    expect(refuseToAdd(b, i)).toBe(expected);
  });

  it('does not change the basket or the invoice it is given', () => {
    const b = basket({ regieId: 1, invoiceIds: Object.freeze([10]) });
    const i = Object.freeze(invoice({ id: 11 }));
    const before = JSON.stringify([b, i]);
    refuseToAdd(Object.freeze(b), i);
    expect(JSON.stringify([b, i])).toBe(before);
  });
});

describe('refuseToRemove', () => {
  it.each<[string, BasketState, string | null]>([
    ['an open basket with items', basket({ regieId: 1, invoiceIds: [10, 11] }), null],
    ['an open empty basket', basket(), null],
    ['a basket with a payment under way', basket({ regieId: 1, invoiceIds: [10], paymentUnderWay: true }), BASKET_LOCKED],
    ['a locked basket, whatever its items', basket({ paymentUnderWay: true }), BASKET_LOCKED],
  ])('%s', (_case, b, expected) => {
    expect(refuseToRemove(b)).toBe(expected);
  });
});

describe('totalCents', () => {
  it.each<[readonly number[], number]>([
    [[], 0],
    [[1250], 1250],
    [[1250, 3000, 1], 4251],
    [[10, 20], 30], // 0,10 € + 0,20 €: integers, so no 0.1 + 0.2 drift
    [[999_999_999, 999_999_999, 1], 1_999_999_999],
  ])('%j → %d', (amounts, expected) => {
    const total = totalCents(amounts);
    expect(total).toBe(expected);
    expect(Number.isSafeInteger(total)).toBe(true);
  });

  it('gives the same total whatever the order of the items', () => {
    expect(totalCents([5, 1250, 333])).toBe(totalCents([333, 5, 1250]));
  });
});

// ---------------------------------------------------------------------------------------------------
// Payments.

const STATUS_ORDER: PaymentStatus[] = ['en_cours', 'payee', 'refusee', 'abandonnee', 'expiree'];
const OUTCOME_ORDER: ProviderOutcome[] = ['paid', 'refused', 'abandoned', 'pending', 'expired'];
type Next = PaymentStatus | null;
const _ = null;
// The whole matrix, written out. Rows: the payment's status; columns: the provider's answer.
// Columns:                                    paid      refused    abandoned     pending  expired
const AFTER: Record<PaymentStatus, [Next, Next, Next, Next, Next]> = {
  en_cours: /*   */ ['payee', 'refusee', 'abandonnee', _, 'expiree'],
  payee: /*      */ [_, _, _, _, _],
  refusee: /*    */ [_, _, _, _, _],
  abandonnee: /* */ [_, _, _, _, _],
  expiree: /*    */ [_, _, _, _, _],
};

describe('payment statuses', () => {
  it('lists the five statuses, in order', () => {
    expect([...PAYMENT_STATUSES]).toEqual(STATUS_ORDER);
  });

  it('labels each status in French', () => {
    expect(PAYMENT_LABELS).toEqual({
      en_cours: 'Paiement en cours',
      payee: 'Paiement accepté',
      refusee: 'Paiement refusé',
      abandonnee: 'Paiement abandonné',
      expiree: 'Paiement expiré',
    });
  });
});

describe('paymentStatusAfter', () => {
  const cells = STATUS_ORDER.flatMap((status) =>
    OUTCOME_ORDER.map((outcome, i) => [status, outcome, AFTER[status][i]] as const),
  );

  it('covers every (status, outcome) pair', () => {
    expect(Object.keys(AFTER).sort()).toEqual([...PAYMENT_STATUSES].sort());
    expect(cells).toHaveLength(25);
  });

  it.each(cells)('a payment «%s» told «%s» → %p', (status, outcome, expected) => {
    expect(paymentStatusAfter(status, outcome)).toBe(expected);
  });

  it('moves only a payment under way, and never on «pending»', () => {
    const moving = cells.filter(([, , next]) => next !== null);
    expect(moving.map(([status]) => status)).toEqual(['en_cours', 'en_cours', 'en_cours', 'en_cours']);
    expect(cells.filter(([, outcome]) => outcome === 'pending').every(([, , next]) => next === null)).toBe(true);
  });

  it('ignores a duplicate answer: paid, then paid again', () => {
    const first = paymentStatusAfter('en_cours', 'paid');
    expect(first).toBe('payee');
    expect(paymentStatusAfter(first as PaymentStatus, 'paid')).toBeNull();
  });

  it('ignores an answer arriving out of order: refused after paid, paid after expired', () => {
    expect(paymentStatusAfter('payee', 'refused')).toBeNull();
    expect(paymentStatusAfter('payee', 'expired')).toBeNull();
    expect(paymentStatusAfter('expiree', 'paid')).toBeNull();
    expect(paymentStatusAfter('abandonnee', 'paid')).toBeNull();
    expect(paymentStatusAfter('refusee', 'paid')).toBeNull();
  });

  it('keeps a payment under way through any number of «pending» answers', () => {
    let status: PaymentStatus = 'en_cours';
    for (const outcome of ['pending', 'pending', 'pending', 'paid', 'pending', 'refused'] as const) {
      status = paymentStatusAfter(status, outcome) ?? status;
    }
    expect(status).toBe('payee');
  });
});

describe('reopensBasket', () => {
  it.each<[PaymentStatus, boolean]>([
    ['en_cours', false],
    ['payee', false],
    ['refusee', true],
    ['abandonnee', true],
    ['expiree', true],
  ])('%s → %p', (status, expected) => {
    expect(reopensBasket(status)).toBe(expected);
  });

  it('reopens the basket after exactly the three failed ends', () => {
    expect(PAYMENT_STATUSES.filter(reopensBasket)).toEqual(['refusee', 'abandonnee', 'expiree']);
  });
});

describe('statementStart', () => {
  it('goes back three months by default, as the FAQ says', () => {
    expect(STATEMENT_MONTHS).toBe(3);
  });

  it.each([
    ['2026-11-28', '2026-08-28'],
    ['2026-05-31', '2026-02-28'], // end of month clamped
    ['2024-05-31', '2024-02-29'], // leap year
    ['2026-05-29', '2026-02-28'],
    ['2024-05-29', '2024-02-29'],
    ['2026-01-15', '2025-10-15'], // across the year
    ['2026-03-31', '2025-12-31'],
    ['2026-02-28', '2025-11-28'],
    ['2026-07-31', '2026-04-30'],
    ['2026-04-01', '2026-01-01'],
    ['2026-12-31', '2026-09-30'],
  ])('%s → %s', (today, expected) => {
    expect(statementStart(today)).toBe(expected);
  });

  it.each<[string, number, string]>([
    ['2026-03-31', 1, '2026-02-28'],
    ['2024-03-31', 1, '2024-02-29'],
    ['2026-03-15', 0, '2026-03-15'],
    ['2026-03-15', 2, '2026-01-15'],
    ['2026-03-15', 3, '2025-12-15'],
    ['2026-03-15', 6, '2025-09-15'],
    ['2026-03-15', 12, '2025-03-15'],
    ['2026-03-15', 15, '2024-12-15'],
    ['2028-02-29', 12, '2027-02-28'],
    ['2026-01-31', 24, '2024-01-31'],
  ])('%s, %d months back → %s', (today, months, expected) => {
    expect(statementStart(today, months)).toBe(expected);
  });

  it('always answers AAAA-MM-JJ', () => {
    for (let m = 1; m <= 12; m++) {
      const today = `2026-${String(m).padStart(2, '0')}-31`;
      expect(statementStart(today)).toMatch(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
    }
  });
});

describe('workflow-safe module', () => {
  it('domain/basket.ts imports nothing, so Temporal workflow code can use it', () => {
    const source = readFileSync(path.join(__dirname, '../../domain/basket.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*import\s|\brequire\s*\(|\bimport\s*\(/m);
  });
});
