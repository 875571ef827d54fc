// The sandbox provider, for development and tests: it keeps its payments in its own table and
// answers them from a local card page (api/sandbox/routes.ts) instead of a bank. It behaves like
// PayFiP where the portal can tell: an id to redirect to, a callback carrying that id only, the
// truth read back from the provider, PayFiP's result codes, and expiry after 20 minutes.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SandboxPayment, type SandboxPaymentStatus } from '../db/entities/sandbox-payment';
import {
  assertPayableInput,
  PAYMENT_EXPIRY_MS,
  type CreatePaymentInput,
  type CreatedPayment,
  type PaymentProvider,
  type ProviderStatus,
} from './provider';

export type SandboxOutcome = Exclude<SandboxPaymentStatus, 'pending'>;

/** The card numbers the card page accepts, listed on the page itself. */
export const SANDBOX_TEST_CARDS: ReadonlyArray<{ number: string; outcome: 'paid' | 'refused'; description: string }> = [
  { number: '4970 1000 0000 0000', outcome: 'paid', description: 'paiement accepté' },
  { number: '4970 1000 0000 0009', outcome: 'refused', description: 'paiement refusé par la banque' },
];

/** What a card number typed on the card page does; null for any other number. */
export function sandboxCardOutcome(cardNumber: string): 'paid' | 'refused' | null {
  const digits = cardNumber.replace(/[\s-]/g, '');
  return SANDBOX_TEST_CARDS.find((card) => card.number.replace(/\s/g, '') === digits)?.outcome ?? null;
}

/** Still waiting for the card page: pending and younger than PayFiP's 20 minutes. */
export function isSandboxPaymentOpen(payment: Pick<SandboxPayment, 'status' | 'createdAt'>, now: Date): boolean {
  return payment.status === 'pending' && now.getTime() - payment.createdAt.getTime() < PAYMENT_EXPIRY_MS;
}

/**
 * Records the card page's answer, once: the update only applies to a payment still open, so a
 * second submission (back button, double click) changes nothing. True when this call decided it.
 */
export async function settleSandboxPayment(dataSource: DataSource, id: string, outcome: SandboxOutcome, now: Date): Promise<boolean> {
  const result = await dataSource
    .createQueryBuilder()
    .update(SandboxPayment)
    .set({ status: outcome, decidedAt: now })
    .where('id = :id AND status = :pending AND created_at > :openSince', {
      id,
      pending: 'pending',
      openSince: new Date(now.getTime() - PAYMENT_EXPIRY_MS),
    })
    .execute();
  return result.affected === 1;
}

/** The server-to-server callback, as PayFiP sends it: a form POST whose only field is `idOp`. */
export async function notifyPaymentCallback(notifyUrl: string, providerRef: string, timeoutMs = 10_000): Promise<void> {
  const response = await fetch(notifyUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ idOp: providerRef }).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.arrayBuffer();
  if (response.status >= 400) throw new Error(`Notification de paiement refusée : HTTP ${response.status} (${notifyUrl}).`);
}

/** PayFiP's result codes, so that a payment's result code reads the same whichever provider served it. */
const RESULT_CODES: Record<SandboxOutcome, string> = { paid: 'P', refused: 'R', abandoned: 'A' };

export interface SandboxProviderDeps {
  dataSource: DataSource;
  /** The portal's public base URL: the card page is served under it. */
  publicUrl: string;
}

export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox' as const;

  constructor(private readonly deps: SandboxProviderDeps) {}

  async create(input: CreatePaymentInput): Promise<CreatedPayment> {
    assertPayableInput(input);
    const id = randomUUID();
    await this.deps.dataSource.getRepository(SandboxPayment).insert({
      id,
      reference: input.reference,
      amountCents: input.amountCents,
      label: input.label.slice(0, 100),
      status: 'pending',
      returnUrl: input.returnUrl,
      notifyUrl: input.notifyUrl,
      createdAt: input.createdAt,
      decidedAt: null,
    });
    return { providerRef: id, redirectUrl: `${this.deps.publicUrl.replace(/\/$/, '')}/sandbox/paiement/${id}` };
  }

  async status(providerRef: string, _createdAt: Date, now: Date): Promise<ProviderStatus> {
    const payment = await this.deps.dataSource.getRepository(SandboxPayment).findOneBy({ id: providerRef });
    // As PayFiP answers for an idOp it does not know (P1): that payment will never happen.
    if (!payment) return { kind: 'expired', code: 'P1' };
    switch (payment.status) {
      case 'paid':
        return {
          kind: 'paid',
          code: RESULT_CODES.paid,
          authorisation: payment.id.slice(0, 6).toUpperCase(),
          ...(payment.decidedAt ? { paidAt: payment.decidedAt } : {}),
        };
      case 'refused':
        return { kind: 'refused', code: RESULT_CODES.refused };
      case 'abandoned':
        return { kind: 'abandoned', code: RESULT_CODES.abandoned };
      case 'pending':
        return isSandboxPaymentOpen(payment, now) ? { kind: 'pending', code: 'P5' } : { kind: 'expired', code: 'P5' };
    }
  }
}
