// «Mes comptes» (FAQ «Le paiement par carte bancaire»): «Factures à payer» and «Consulter votre
// relevé» over the last 3 months, the basket («Accéder à votre panier», «Payer»), and the page the
// provider sends the browser back to. Only for the household's own invoices, once validated.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Account, Invoice, Regie } from '../../db/entities';
import { PAYMENT_LABELS, STATEMENT_MONTHS } from '../../domain/basket';
import { formatIsoDay, formatParisDateTime } from '../../domain/dates';
import { formatEuros } from '../../domain/money';
import { AppError } from '../errors';
import type { PageRenderer } from '../pages';
import { NOT_VALIDATED, type PaymentsService } from '../services/payments.service';

/** How long the return page waits for the provider's answer before showing «en cours». */
const RETURN_WAIT_MS = 4_000;

function invoiceRow(i: Invoice, regies: Map<number, Regie>, inBasket: Set<number>) {
  return {
    id: i.id,
    number: i.number,
    regie: regies.get(i.regieId)?.name ?? '',
    service: i.service,
    period: i.periodLabel,
    issuedText: formatIsoDay(i.issuedOn),
    dueText: i.dueOn ? formatIsoDay(i.dueOn) : null,
    amountText: formatEuros(i.amountCents),
    paidText: i.paidAt ? formatParisDateTime(i.paidAt) : null,
    inBasket: inBasket.has(i.id),
    inPayment: i.status === 'a_payer' && i.paymentId !== null,
  };
}

export function comptesRoutes(deps: { pages: PageRenderer; payments: PaymentsService }): Router {
  const { pages, payments } = deps;
  const router = Router();

  const resident = (req: Request, res: Response, next: NextFunction) => {
    if (!req.account) return res.redirect(303, '/connexion');
    next();
  };
  router.use(['/comptes', '/panier', '/paiement'], resident);
  const account = (req: Request) => req.account as Account;
  const invoiceId = (req: Request): number => {
    const id = Number((req.body as Record<string, unknown>)?.facture);
    if (!Number.isSafeInteger(id) || id <= 0) throw new AppError(422, 'validation', 'Choisissez une facture.');
    return id;
  };

  async function renderComptes(req: Request, res: Response, status = 200) {
    const a = account(req);
    if (a.status !== 'validated') {
      return res.status(status).send(pages.render(req, 'resident/comptes', { pageTitle: 'Mes comptes', activeTab: 'comptes', notValidated: NOT_VALIDATED }));
    }
    const [statement, basket] = await Promise.all([payments.statement(a), payments.basket(a)]);
    const inBasket = new Set(basket.invoices.map((i) => i.id));
    res.status(status).send(
      pages.render(req, 'resident/comptes', {
        pageTitle: 'Mes comptes',
        activeTab: 'comptes',
        months: STATEMENT_MONTHS,
        since: formatIsoDay(statement.since),
        toPay: statement.toPay.map((i) => invoiceRow(i, statement.regies, inBasket)),
        paid: statement.paid.map((i) => invoiceRow(i, statement.regies, inBasket)),
        basketCount: basket.invoices.length,
        // French: 0 and 1 take the singular.
        basketCountText: `${basket.invoices.length} facture${basket.invoices.length > 1 ? 's' : ''}`,
        basketTotal: formatEuros(basket.totalCents),
      }),
    );
  }

  router.get('/comptes', (req, res) => renderComptes(req, res));

  router.post('/panier/ajouter', async (req, res) => {
    try {
      await payments.add(account(req), invoiceId(req));
      req.session.flash = { kind: 'success', message: 'La facture est ajoutée à votre panier.' };
      res.redirect(303, '/comptes');
    } catch (err) {
      // The FAQ's message, shown on «Mes comptes» with the link to the basket.
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      req.session.flash = { kind: 'error', message: err.message };
      await renderComptes(req, res, err.status);
    }
  });

  async function renderBasket(req: Request, res: Response, status = 200) {
    const basket = await payments.basket(account(req));
    res.status(status).send(
      pages.render(req, 'resident/panier', {
        pageTitle: 'Votre panier',
        activeTab: 'comptes',
        regie: basket.regie?.name ?? null,
        invoices: basket.invoices.map((i) => ({
          id: i.id, number: i.number, service: i.service, period: i.periodLabel, amountText: formatEuros(i.amountCents),
        })),
        totalText: formatEuros(basket.totalCents),
        payment: basket.payment
          ? { reference: basket.payment.reference, url: basket.payment.redirectUrl, returnUrl: `/paiement/retour/${basket.payment.reference}` }
          : null,
      }),
    );
  }

  router.get('/panier', (req, res) => renderBasket(req, res));

  router.post('/panier/retirer', async (req, res) => {
    try {
      await payments.remove(account(req), invoiceId(req));
      req.session.flash = { kind: 'success', message: 'La facture est retirée de votre panier.' };
      res.redirect(303, '/panier');
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      req.session.flash = { kind: 'error', message: err.message };
      await renderBasket(req, res, err.status);
    }
  });

  router.post('/panier/payer', async (req, res) => {
    try {
      const { redirectUrl } = await payments.checkout(req.commune, account(req));
      res.redirect(303, redirectUrl);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      req.session.flash = { kind: 'error', message: err.message };
      await renderBasket(req, res, err.status);
    }
  });

  // The provider sends the browser back here (before or after its server callback).
  router.get('/paiement/retour/:reference', async (req, res) => {
    const a = account(req);
    const own = await payments.getForAccount(a, String(req.params.reference));
    await payments.notified(req.commune, { reference: own.reference });
    const payment = await payments.settled(own.id, RETURN_WAIT_MS);
    res.send(
      pages.render(req, 'resident/paiement', {
        pageTitle: PAYMENT_LABELS[payment.status],
        activeTab: 'comptes',
        status: payment.status,
        statusLabel: PAYMENT_LABELS[payment.status],
        reference: payment.reference,
        amountText: formatEuros(payment.amountCents),
        email: payment.email,
        refreshUrl: `/paiement/retour/${payment.reference}`,
      }),
    );
  });

  return router;
}
