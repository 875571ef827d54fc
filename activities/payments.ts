// Activities of the payment workflow: create the payment at the régie's provider, read its
// authoritative status, and settle it — payment, invoices and basket changed together in one
// transaction, conditional on the payment still being under way, so a duplicate or late answer
// changes nothing. Then the receipt (mail with a PDF), keyed in the outbox.
import { ApplicationFailure } from '@temporalio/common';
import { In, type DataSource } from 'typeorm';
import { Account, Commune, Invoice, Payment, PaymentInvoice, Regie } from '../db/entities';
import { paymentStatusAfter, reopensBasket, type PaymentStatus, type ProviderOutcome } from '../domain/basket';
import { formatParisDateTime } from '../domain/dates';
import { formatEuros } from '../domain/money';
import type { Outbox } from '../notify/outbox';
import { renderPaymentReceiptPdf } from '../notify/receipt-pdf';
import type { PaymentProviders } from '../payments';
import { PermanentProviderError } from '../payments/provider';
import { deliver } from './delivery';
import { paymentsTotal } from '../observability/metrics';

export interface PaymentActivityDeps {
  dataSource: DataSource;
  outbox: Outbox;
  publicUrl: string;
  providers: PaymentProviders;
  now?: () => Date;
}

export type CreatedProviderPayment = { kind: 'created'; redirectUrl: string } | { kind: 'failed'; status: PaymentStatus };

export function createPaymentActivities(deps: PaymentActivityDeps) {
  const { dataSource, outbox, publicUrl } = deps;
  const now = deps.now ?? (() => new Date());

  async function load(paymentId: number) {
    const payment = await dataSource.getRepository(Payment).findOneBy({ id: paymentId });
    if (!payment) throw ApplicationFailure.nonRetryable(`Paiement ${paymentId} introuvable`, 'PaymentNotFound');
    const regie = await dataSource.getRepository(Regie).findOneByOrFail({ id: payment.regieId });
    return { payment, regie };
  }

  /** Settles a payment under way; returns its status (unchanged when already decided). */
  async function settle(paymentId: number, outcome: ProviderOutcome, code: string, authorisation?: string): Promise<PaymentStatus> {
    let settled: PaymentStatus | undefined;
    const status = await dataSource.transaction(async (em) => {
      const payment = await em.getRepository(Payment).findOne({ where: { id: paymentId }, lock: { mode: 'pessimistic_write' } });
      if (!payment) throw ApplicationFailure.nonRetryable(`Paiement ${paymentId} introuvable`, 'PaymentNotFound');
      const next = paymentStatusAfter(payment.status, outcome);
      if (next === null) return payment.status;
      const at = now();
      await em.update(Payment, { id: paymentId, status: 'en_cours' }, {
        status: next, decidedAt: at, resultCode: code.slice(0, 10), authorisation: authorisation?.slice(0, 30) ?? null,
      });
      if (next === 'payee') {
        await em.query(
          "UPDATE invoice SET status = 'payee', paid_at = ? WHERE payment_id = ? AND status = 'a_payer'",
          [at, paymentId],
        );
        await em.query(
          'DELETE bi FROM basket_item bi JOIN invoice i ON i.id = bi.invoice_id WHERE i.payment_id = ?',
          [paymentId],
        );
        await em.query(
          `UPDATE basket SET payment_id = NULL,
             regie_id = IF(EXISTS (SELECT 1 FROM basket_item WHERE account_id = ?), regie_id, NULL)
           WHERE account_id = ? AND payment_id = ?`,
          [payment.accountId, payment.accountId, paymentId],
        );
      } else if (reopensBasket(next)) {
        // The invoices are free again, and still in the basket: «Payer» can be tried once more.
        await em.query("UPDATE invoice SET payment_id = NULL WHERE payment_id = ? AND status = 'a_payer'", [paymentId]);
        await em.query('UPDATE basket SET payment_id = NULL WHERE account_id = ? AND payment_id = ?', [payment.accountId, paymentId]);
      }
      settled = next;
      return next;
    });
    // Counted once committed, and only by the call that settled it (a late answer changes nothing).
    if (settled) paymentsTotal.inc({ outcome: settled });
    return status;
  }

  return {
    /** Creates the payment at the provider once (a retry finds the one already created). */
    async createProviderPayment(paymentId: number): Promise<CreatedProviderPayment> {
      const { payment, regie } = await load(paymentId);
      if (payment.status !== 'en_cours') return { kind: 'failed', status: payment.status };
      if (payment.providerRef && payment.redirectUrl) return { kind: 'created', redirectUrl: payment.redirectUrl };
      const regieName = regie.name.normalize('NFD').replace(/[^A-Za-z0-9 ]/g, '');
      try {
        const created = await deps.providers.forRegie(regie).create({
          reference: payment.reference,
          amountCents: payment.amountCents,
          email: payment.email,
          label: `Factures ${regieName} ${payment.reference}`,
          returnUrl: `${publicUrl}/paiement/retour/${payment.reference}`,
          notifyUrl: `${publicUrl}/api/v1/paiements/notification`,
          regie: { payfipNumcli: regie.payfipNumcli, payfipMode: regie.payfipMode },
          createdAt: payment.createdAt,
        });
        await dataSource.getRepository(Payment).update(
          { id: paymentId },
          { providerRef: created.providerRef, redirectUrl: created.redirectUrl },
        );
        return { kind: 'created', redirectUrl: created.redirectUrl };
      } catch (err) {
        if (!(err instanceof PermanentProviderError)) throw err;
        // Refused for good by the provider (settings of the régie): the basket is reopened.
        return { kind: 'failed', status: await settle(paymentId, 'refused', 'CREATION') };
      }
    },

    /** Reads the provider's answer and settles the payment if it has one (or if it expired). */
    async checkPayment(input: { paymentId: number; expired: boolean }): Promise<PaymentStatus> {
      const { payment, regie } = await load(input.paymentId);
      if (payment.status !== 'en_cours') return payment.status;
      if (!payment.providerRef) return input.expired ? settle(payment.id, 'expired', 'NON_CREE') : payment.status;
      const answer = await deps.providers.forRegie(regie).status(payment.providerRef, payment.createdAt, now());
      if (answer.kind === 'pending') {
        if (input.expired) return settle(payment.id, 'expired', answer.code);
        await dataSource.getRepository(Payment).update({ id: payment.id, status: 'en_cours' }, { resultCode: answer.code.slice(0, 10) });
        return payment.status;
      }
      return settle(payment.id, answer.kind, answer.code, answer.kind === 'paid' ? answer.authorisation : undefined);
    },

    async settlePayment(input: { paymentId: number; outcome: ProviderOutcome; code: string }): Promise<PaymentStatus> {
      return settle(input.paymentId, input.outcome, input.code);
    },

    /** The receipt: a mail with the paid invoices and the PDF receipt attached. */
    async sendPaymentReceipt(paymentId: number): Promise<void> {
      const { payment, regie } = await load(paymentId);
      if (payment.status !== 'payee') return;
      const key = `paiement:${paymentId}:recu`;
      if (await outbox.isSent(key)) return;
      const [account, commune, lines] = await Promise.all([
        dataSource.getRepository(Account).findOneByOrFail({ id: payment.accountId }),
        dataSource.getRepository(Commune).findOneByOrFail({ id: payment.communeId }),
        dataSource.getRepository(PaymentInvoice).findBy({ paymentId }),
      ]);
      const invoices = lines.length
        ? await dataSource.getRepository(Invoice).find({ where: { id: In(lines.map((l) => l.invoiceId)) }, order: { issuedOn: 'ASC', id: 'ASC' } })
        : [];
      if (invoices.length === 0) {
        throw ApplicationFailure.nonRetryable(`Paiement ${paymentId} sans facture : aucun reçu possible`, 'PaymentWithoutInvoices');
      }
      const paidAt = payment.decidedAt ?? now();
      const pdf = await renderPaymentReceiptPdf({
        communeName: commune.name,
        communeAddress: commune.postalAddress,
        regieName: regie.name,
        reference: payment.reference,
        paidAt,
        payerName: `${account.firstName} ${account.lastName}`,
        payerEmail: payment.email,
        invoices: invoices.map((i) => ({ number: i.number, service: i.service, periodLabel: i.periodLabel, amountCents: i.amountCents })),
        totalCents: payment.amountCents,
        authorisation: payment.authorisation,
      });
      await deliver(outbox, {
        key,
        communeId: commune.id,
        channel: 'email',
        to: payment.email,
        template: 'payment-receipt',
        data: {
          communeName: commune.name,
          portalUrl: publicUrl,
          firstName: account.firstName,
          reference: payment.reference,
          regieName: regie.name,
          paidAtText: formatParisDateTime(paidAt),
          totalText: formatEuros(payment.amountCents),
          invoices: invoices.map((i) => ({ number: i.number, service: i.service, periodLabel: i.periodLabel, amountText: formatEuros(i.amountCents) })),
          statementUrl: `${publicUrl}/comptes`,
        },
        attachments: [{ filename: `recu-${payment.reference}.pdf`, contentType: 'application/pdf', content: pdf }],
      });
    },
  };
}

export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
