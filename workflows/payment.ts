// One checkout of a basket, from the payment's creation at the provider until it is paid (invoices
// paid, receipt mailed) or refused, abandoned or expired (basket reopened). Callbacks and browser
// returns may arrive in any order and any number of times: each is only a Signal to look again,
// and the truth is always read from the provider (never from a callback's body). Without any
// signal the workflow polls, and past the expiry (20 minutes at PayFiP) the payment is closed.
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { PaymentActivities } from '../activities/payments';
import type { PaymentStatus } from '../domain/basket';
import { notify } from './notify';
import { reportEnd } from './process-end';
import { COMMUNE, PROCESS_KIND, PROCESS_STATUS, REQUEST_NUMBER } from './search-attributes';

export const PAYMENT_KIND = 'paiement';

export interface PaymentInput {
  paymentId: number;
  communeSlug: string;
  reference: string;
  /** Past this, a payment still without answer is closed (PayFiP: 20 minutes). */
  expiresAfterMs: number;
  /** Between two reads of the provider when nothing tells us to look. */
  pollIntervalMs: number;
}

/** The server callback or the browser's return: look at the provider again. */
export const paymentNotifiedSignal = defineSignal('paiementNotifie');
/** Where to send the browser: waits until the payment exists at the provider. */
export const paymentRedirectUpdate = defineUpdate<string, []>('adresseDePaiement');
export const paymentStatusQuery = defineQuery<PaymentStatus>('etatPaiement');

export const paymentWorkflowId = (communeSlug: string, reference: string): string => `paiement-${communeSlug}-${reference}`;

const acts = proxyActivities<PaymentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
/** A provider read inside the polling loop: a failure is one missed look, the loop tries again. */
const look = proxyActivities<PaymentActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

export async function payment(input: PaymentInput): Promise<PaymentStatus> {
  const { paymentId } = input;
  let status: PaymentStatus = 'en_cours';
  let redirectUrl: string | null = null;
  let failed = false;
  let notified = 0;
  const startedAt = Date.now();

  upsertSearchAttributes([
    { key: COMMUNE, value: input.communeSlug },
    { key: PROCESS_KIND, value: PAYMENT_KIND },
    { key: REQUEST_NUMBER, value: input.reference },
    { key: PROCESS_STATUS, value: status },
  ]);
  const show = (s: PaymentStatus) => {
    status = s;
    upsertSearchAttributes([{ key: PROCESS_STATUS, value: s }]);
  };

  setHandler(paymentStatusQuery, () => status);
  setHandler(paymentNotifiedSignal, () => {
    notified += 1;
  });
  setHandler(paymentRedirectUpdate, async () => {
    await condition(() => redirectUrl !== null || failed);
    if (redirectUrl === null) throw new Error('Le paiement n’a pas pu être créé auprès du prestataire : votre panier est rouvert.');
    return redirectUrl;
  });

  const created = await acts.createProviderPayment(paymentId);
  if (created.kind === 'failed') {
    failed = true;
    show(created.status);
    await condition(allHandlersFinished);
    reportEnd(PAYMENT_KIND, status);
    return status;
  }
  redirectUrl = created.redirectUrl;

  // Look at the provider when told to, or every poll interval, until an answer or the expiry.
  while (status === 'en_cours') {
    const remaining = input.expiresAfterMs - (Date.now() - startedAt);
    const seen = notified;
    if (remaining > 0) await condition(() => notified !== seen, Math.min(input.pollIntervalMs, remaining));
    const expired = Date.now() - startedAt >= input.expiresAfterMs;
    try {
      show(await look.checkPayment({ paymentId, expired }));
    } catch {
      // The provider did not answer: past the expiry the payment is closed without it.
      if (expired) show(await acts.settlePayment({ paymentId, outcome: 'expired', code: 'SANS_REPONSE' }));
    }
  }

  if (status === 'payee') await notify(() => acts.sendPaymentReceipt(paymentId));
  await condition(allHandlersFinished);
  reportEnd(PAYMENT_KIND, status);
  return status;
}
