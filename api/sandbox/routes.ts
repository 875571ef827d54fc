// The sandbox provider's card page (development and tests only; mounted when the sandbox is
// enabled): what PayFiP's payment page does, without a bank. It settles the payment once, sends
// the server callback as PayFiP does (the id only), then sends the browser back to the portal.
import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { SandboxPayment } from '../../db/entities/sandbox-payment';
import { formatEuros } from '../../domain/money';
import {
  isSandboxPaymentOpen,
  notifyPaymentCallback,
  SANDBOX_TEST_CARDS,
  sandboxCardOutcome,
  settleSandboxPayment,
  type SandboxOutcome,
} from '../../payments/sandbox';
import { NotFoundError } from '../errors';
import { formErrors, type PageRenderer } from '../pages';

export interface SandboxRoutesDeps {
  pages: PageRenderer;
  dataSource: DataSource;
  now?: () => Date;
  log?: (err: unknown) => void;
}

const PAYMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * The browser waits this long for the callback: usually the portal has the answer before the payer
 * is back, as with PayFiP; a slow or failing callback does not hold the payer (the portal also asks).
 */
const CALLBACK_WAIT_MS = 2_000;

export const CLOSED_MESSAGES: Record<SandboxPayment['status'], string> = {
  paid: 'Ce paiement a déjà été accepté.',
  refused: 'Ce paiement a été refusé.',
  abandoned: 'Ce paiement a été abandonné.',
  pending: 'Ce paiement a expiré : plus de 20 minutes se sont écoulées depuis son ouverture.',
};

async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export function sandboxRoutes(deps: SandboxRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? ((err: unknown) => console.error(err));

  async function findPayment(id: string): Promise<SandboxPayment> {
    const payment = PAYMENT_ID.test(id) ? await deps.dataSource.getRepository(SandboxPayment).findOneBy({ id }) : null;
    if (!payment) throw new NotFoundError("Ce paiement de test n'existe pas.");
    return payment;
  }

  function cardPage(req: Request, payment: SandboxPayment, at: Date, form: Record<string, unknown> = {}): string {
    const open = isSandboxPaymentOpen(payment, at);
    return deps.pages.render(req, 'sandbox/paiement', {
      pageTitle: 'Paiement par carte (bac à sable)',
      payment: {
        id: payment.id,
        reference: payment.reference,
        label: payment.label,
        amountText: formatEuros(payment.amountCents),
        returnUrl: payment.returnUrl,
      },
      open,
      closedMessage: open ? undefined : CLOSED_MESSAGES[payment.status],
      cards: SANDBOX_TEST_CARDS,
      ...form,
    });
  }

  router.get('/sandbox/paiement/:id', async (req, res) => {
    const payment = await findPayment(req.params.id);
    res.send(cardPage(req, payment, now()));
  });

  router.post('/sandbox/paiement/:id', async (req, res) => {
    const payment = await findPayment(req.params.id);
    const at = now();
    // Already answered or expired: nothing more to decide, the portal reads the outcome itself.
    if (!isSandboxPaymentOpen(payment, at)) {
      res.redirect(303, payment.returnUrl);
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    let outcome: SandboxOutcome;
    if (body.action === 'abandonner') {
      outcome = 'abandoned';
    } else {
      const card = typeof body.numero_carte === 'string' ? body.numero_carte.trim() : '';
      const fromCard = sandboxCardOutcome(card);
      if (!fromCard) {
        const message = card
          ? 'Numéro de carte inconnu : utilisez une des cartes de test listées sur cette page.'
          : 'Saisissez le numéro de carte.';
        // The number typed is not sent back into the page: a card number is never echoed.
        res.status(422).send(cardPage(req, payment, at, formErrors({}, { numero_carte: message })));
        return;
      }
      outcome = fromCard;
    }
    if (await settleSandboxPayment(deps.dataSource, payment.id, outcome, at)) {
      const callback = notifyPaymentCallback(payment.notifyUrl, payment.id).catch((err: unknown) => log(err));
      await waitAtMost(callback, CALLBACK_WAIT_MS);
    }
    res.redirect(303, payment.returnUrl);
  });

  return router;
}
