// JSON API of «Mes comptes» (FAQ «Le paiement par carte bancaire»): the household's invoices of the
// last 3 months, its basket (one régie, each invoice once), the checkout that sends the payer to
// the provider's card page, and the payment's outcome; plus the providers' server callback. The
// rules live in PaymentsService, shared with the portal's pages (api/portal/comptes.ts); these
// handlers check the shape of the request and shape the answers. Amounts are integer cents, with
// the French text beside them for display.
import { Router, urlencoded } from 'express';
import type { Invoice, Payment, Regie } from '../../db/entities';
import { PAYMENT_LABELS, STATEMENT_MONTHS, type PaymentStatus } from '../../domain/basket';
import { formatEuros } from '../../domain/money';
import { NotFoundError, ValidationError } from '../errors';
import { requireResident } from '../middleware/auth';
import type { BasketView, PaymentsService } from '../services/payments.service';
import { body, currentAccount, strictId } from './request';

/** Reached by the provider's servers, without session or CSRF token (see api/app.ts). */
export const PAYMENT_NOTIFICATION_PATH = '/api/v1/paiements/notification';

/**
 * The payment providers' server callback. Its body is never trusted: it only names a payment to
 * look at again (the workflow then reads the provider's answer). Unknown, foreign or finished
 * payments change nothing, and the answer is the same 200 either way (it reveals nothing).
 * A router of its own: api/app.ts mounts it before the CSRF-checked /api/v1 router.
 */
export function paymentNotificationRoutes(deps: { payments: PaymentsService }): Router {
  const router = Router();
  router.post('/paiements/notification', urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const idOp = [body.idOp, body.idop, body.idoP].find((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64);
    if (idOp) await deps.payments.notified(req.commune, { providerRef: idOp });
    res.status(200).type('text/plain').send('OK');
  });
  return router;
}

// ——— views ———

export interface RegieView {
  code: string;
  name: string;
}

/** An invoice as «Factures à payer», «Consulter votre relevé» and the basket show it. */
export interface InvoiceView {
  id: number;
  number: string;
  regie: RegieView;
  service: string;
  periodLabel: string;
  issuedOn: string;
  dueOn: string | null;
  amountCents: number;
  amountText: string;
  status: Invoice['status'];
  paidAt: string | null;
  inBasket: boolean;
  /** Held by a payment under way: it cannot go into a basket until that payment ends. */
  inPayment: boolean;
}

export interface StatementView {
  /** The first day shown, AAAA-MM-JJ. */
  since: string;
  months: number;
  toPay: InvoiceView[];
  paid: InvoiceView[];
}

export interface PaymentView {
  reference: string;
  status: PaymentStatus;
  statusLabel: string;
  amountCents: number;
  amountText: string;
  /** Where the receipt is mailed. */
  email: string;
  createdAt: string;
  decidedAt: string | null;
  /** The provider's card page while the payment is under way (the payer may go back to it); null after. */
  redirectUrl: string | null;
}

export interface BasketApiView {
  regie: RegieView | null;
  invoices: InvoiceView[];
  totalCents: number;
  totalText: string;
  /** The payment under way, during which the basket can be neither changed nor paid again. */
  payment: PaymentView | null;
}

export interface CheckoutView {
  reference: string;
  status: PaymentStatus;
  /** The provider's card page: the client sends the payer there. */
  redirectUrl: string;
}

export function regieView(regie: Regie | undefined): RegieView {
  return { code: regie?.code ?? '', name: regie?.name ?? '' };
}

export function invoiceView(i: Invoice, regie: Regie | undefined, inBasket: boolean): InvoiceView {
  return {
    id: i.id,
    number: i.number,
    regie: regieView(regie),
    service: i.service,
    periodLabel: i.periodLabel,
    issuedOn: i.issuedOn,
    dueOn: i.dueOn,
    amountCents: i.amountCents,
    amountText: formatEuros(i.amountCents),
    status: i.status,
    paidAt: i.paidAt?.toISOString() ?? null,
    inBasket,
    inPayment: i.status === 'a_payer' && i.paymentId !== null,
  };
}

export function paymentView(p: Payment): PaymentView {
  return {
    reference: p.reference,
    status: p.status,
    statusLabel: PAYMENT_LABELS[p.status],
    amountCents: p.amountCents,
    amountText: formatEuros(p.amountCents),
    email: p.email,
    createdAt: p.createdAt.toISOString(),
    decidedAt: p.decidedAt?.toISOString() ?? null,
    redirectUrl: p.status === 'en_cours' ? p.redirectUrl : null,
  };
}

export function basketView(basket: BasketView): BasketApiView {
  const regie = basket.regie ?? undefined;
  return {
    regie: basket.regie ? regieView(regie) : null,
    invoices: basket.invoices.map((i) => invoiceView(i, regie, true)),
    totalCents: basket.totalCents,
    totalText: formatEuros(basket.totalCents),
    payment: basket.payment ? paymentView(basket.payment) : null,
  };
}

/** The service gives the statement's first day as the page prints it (JJ/MM/AAAA): the API's is AAAA-MM-JJ. */
// ——— the resident's operations ———

/** The message of the service's own 404, for an id that cannot even be one. */
const NOT_IN_BASKET = "Cette facture n'est pas dans votre panier.";

export interface PaymentRoutesServices {
  payments: PaymentsService;
}

/**
 * Added straight onto the /api/v1 router (not a sub-router), as in api/v1/demarches.ts, so that
 * tests/unit/openapi.test.ts, which reads the router's own routes, sees them.
 */
export function addPaymentRoutes(router: Router, deps: PaymentRoutesServices): void {
  // Read at each call: the OpenAPI test builds the router without any service.
  const payments = () => deps.payments;

  router.get('/comptes/factures', requireResident, async (req, res) => {
    const a = currentAccount(req);
    // The statement first: an account not yet validated gets its 403 with the FAQ's explanation.
    const statement = await payments().statement(a);
    const basket = await payments().basket(a);
    const inBasket = new Set(basket.invoices.map((i) => i.id));
    const row = (i: Invoice) => invoiceView(i, statement.regies.get(i.regieId), inBasket.has(i.id));
    const view: StatementView = {
      since: statement.since,
      months: STATEMENT_MONTHS,
      toPay: statement.toPay.map(row),
      paid: statement.paid.map(row),
    };
    res.json(view);
  });

  router.get('/panier', requireResident, async (req, res) => {
    res.json(basketView(await payments().basket(currentAccount(req))));
  });

  router.post('/panier/factures', requireResident, async (req, res) => {
    const a = currentAccount(req);
    const raw = body(req).facture;
    const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new ValidationError({ facture: 'Choisissez une facture : son identifiant (« id » dans GET /comptes/factures).' });
    }
    // A second régie, or the same invoice twice: 409 with the FAQ's exact message.
    await payments().add(a, id);
    res.json(basketView(await payments().basket(a)));
  });

  router.delete('/panier/factures/:invoiceId', requireResident, async (req, res) => {
    const a = currentAccount(req);
    const id = strictId(req.params.invoiceId);
    if (Number.isNaN(id)) throw new NotFoundError(NOT_IN_BASKET);
    await payments().remove(a, id);
    res.json(basketView(await payments().basket(a)));
  });

  router.post('/panier/paiement', requireResident, async (req, res) => {
    const { payment, redirectUrl } = await payments().checkout(req.commune, currentAccount(req));
    const view: CheckoutView = { reference: payment.reference, status: payment.status, redirectUrl };
    res.status(201).location(`/api/v1/paiements/${payment.reference}`).json(view);
  });

  router.get('/paiements/:reference', requireResident, async (req, res) => {
    res.json(paymentView(await payments().getForAccount(currentAccount(req), String(req.params.reference))));
  });
}
