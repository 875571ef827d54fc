// «Mes comptes»: the household's invoices (relevé and factures à payer, last 3 months), its basket
// (one régie, each invoice once), the checkout that starts a payment workflow, and the provider's
// notifications. Every read and write goes through the household's account; the basket row is
// locked while it changes, so two tabs cannot put the same invoices into two payments.
import { randomInt } from 'node:crypto';
import { In, MoreThanOrEqual, type DataSource, type EntityManager } from 'typeorm';
import { Basket, BasketItem, Invoice, Payment, PaymentInvoice, Regie, type Account, type Commune } from '../../db/entities';
import {
  BASKET_REFUSED,
  PAYMENT_LABELS,
  refuseToAdd,
  refuseToRemove,
  statementStart,
  totalCents,
  type PaymentStatus,
} from '../../domain/basket';
import { parisIsoDay } from '../../domain/dates';
import { communePrefix } from '../../domain/request-number';
import { paymentNotifiedSignal, paymentRedirectUpdate, type PaymentInput } from '../../workflows/payment';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import type { Processes } from './processes';

export const NOT_VALIDATED =
  'Vos factures seront visibles une fois votre compte validé par les services de la mairie (2 jours ouvrés après sa création).';

export interface PaymentTimings {
  /** PayFiP closes a payment left without answer after 20 minutes. */
  expiresAfterMs: number;
  pollIntervalMs: number;
}

export interface BasketView {
  regie: Regie | null;
  invoices: Invoice[];
  totalCents: number;
  /** The payment under way, during which the basket is closed. */
  payment: Payment | null;
}

/** PayFiP's smallest payment. */
export const PAYFIP_MINIMUM_CENTS = 100;
const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export class PaymentsService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      processes: Processes;
      timings: PaymentTimings;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Invoices are the household's once the mairie has validated the account (FAQ). */
  private assertValidated(account: Account): void {
    if (account.status !== 'validated') throw new ForbiddenError(NOT_VALIDATED, 'account_not_validated');
  }

  /** «Factures à payer» and «Consulter votre relevé», issued in the last 3 months (since: AAAA-MM-JJ). */
  async statement(account: Account): Promise<{ toPay: Invoice[]; paid: Invoice[]; regies: Map<number, Regie>; since: string }> {
    this.assertValidated(account);
    const since = statementStart(parisIsoDay(this.now()));
    const invoices = await this.deps.dataSource.getRepository(Invoice).find({
      where: { accountId: account.id, communeId: account.communeId, issuedOn: MoreThanOrEqual(since) },
      order: { issuedOn: 'DESC', id: 'DESC' },
    });
    const regies = await this.regiesOf(invoices.map((i) => i.regieId));
    return { toPay: invoices.filter((i) => i.status === 'a_payer'), paid: invoices.filter((i) => i.status === 'payee'), regies, since };
  }

  private async regiesOf(ids: number[]): Promise<Map<number, Regie>> {
    const unique = [...new Set(ids)];
    const rows = unique.length ? await this.deps.dataSource.getRepository(Regie).findBy({ id: In(unique) }) : [];
    return new Map(rows.map((r) => [r.id, r]));
  }

  async basket(account: Account): Promise<BasketView> {
    this.assertValidated(account);
    const ds = this.deps.dataSource;
    const basket = await ds.getRepository(Basket).findOneBy({ accountId: account.id });
    const items = await ds.getRepository(BasketItem).find({ where: { accountId: account.id }, order: { addedAt: 'ASC' } });
    const invoices = items.length ? await ds.getRepository(Invoice).findBy({ id: In(items.map((i) => i.invoiceId)) }) : [];
    const regie = basket?.regieId ? await ds.getRepository(Regie).findOneBy({ id: basket.regieId }) : null;
    const payment = basket?.paymentId ? await ds.getRepository(Payment).findOneBy({ id: basket.paymentId }) : null;
    return { regie, invoices, totalCents: totalCents(invoices.map((i) => i.amountCents)), payment };
  }

  /** The household's basket row, created if need be, locked until the transaction ends. */
  private async lockBasket(em: EntityManager, account: Account): Promise<Basket> {
    await em.query('INSERT INTO basket (account_id) VALUES (?) ON DUPLICATE KEY UPDATE account_id = account_id', [account.id]);
    return em.getRepository(Basket).findOneOrFail({ where: { accountId: account.id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Adds one of the household's unpaid invoices; the FAQ's message for a second régie or a second time. */
  async add(account: Account, invoiceId: number): Promise<void> {
    this.assertValidated(account);
    if (!Number.isSafeInteger(invoiceId) || invoiceId <= 0) throw new NotFoundError("Cette facture n'existe pas dans votre compte.");
    await this.deps.dataSource.transaction(async (em) => {
      const basket = await this.lockBasket(em, account);
      const invoice = await em.getRepository(Invoice).findOneBy({ id: invoiceId, accountId: account.id, communeId: account.communeId });
      if (!invoice) throw new NotFoundError("Cette facture n'existe pas dans votre compte.");
      const items = await em.getRepository(BasketItem).findBy({ accountId: account.id });
      const refusal = refuseToAdd(
        { regieId: basket.regieId, invoiceIds: items.map((i) => i.invoiceId), paymentUnderWay: basket.paymentId !== null },
        { id: invoice.id, regieId: invoice.regieId, status: invoice.status, paymentUnderWay: invoice.paymentId !== null && invoice.status === 'a_payer' },
      );
      if (refusal) throw new ConflictError(refusal);
      await em.getRepository(BasketItem).insert({ accountId: account.id, invoiceId: invoice.id, addedAt: this.now() });
      if (basket.regieId !== invoice.regieId) await em.update(Basket, { accountId: account.id }, { regieId: invoice.regieId });
    });
  }

  async remove(account: Account, invoiceId: number): Promise<void> {
    this.assertValidated(account);
    if (!Number.isSafeInteger(invoiceId) || invoiceId <= 0) throw new NotFoundError("Cette facture n'est pas dans votre panier.");
    await this.deps.dataSource.transaction(async (em) => {
      const basket = await this.lockBasket(em, account);
      const refusal = refuseToRemove({ regieId: basket.regieId, invoiceIds: [], paymentUnderWay: basket.paymentId !== null });
      if (refusal) throw new ConflictError(refusal);
      const removed = await em.delete(BasketItem, { accountId: account.id, invoiceId });
      if (!removed.affected) throw new NotFoundError("Cette facture n'est pas dans votre panier.");
      const left = await em.getRepository(BasketItem).countBy({ accountId: account.id });
      if (left === 0) await em.update(Basket, { accountId: account.id }, { regieId: null });
    });
  }

  /**
   * «Payer»: the basket is closed and its invoices held by one new payment, whose workflow is
   * started in the same transaction; returns where to send the browser (the provider's page).
   */
  async checkout(commune: Commune, account: Account): Promise<{ payment: Payment; redirectUrl: string }> {
    this.assertValidated(account);
    const payment = await this.deps.dataSource.transaction(async (em) => {
      const basket = await this.lockBasket(em, account);
      if (basket.paymentId !== null) throw new ConflictError('Un paiement est déjà en cours pour votre panier : terminez-le ou attendez sa fin (20 minutes au plus).');
      const items = await em.getRepository(BasketItem).findBy({ accountId: account.id });
      if (items.length === 0 || basket.regieId === null) throw new ConflictError('Votre panier est vide : ajoutez les factures à payer depuis « Mes comptes ».');
      const invoices = await em.getRepository(Invoice).findBy({ id: In(items.map((i) => i.invoiceId)), accountId: account.id });
      if (invoices.some((i) => i.regieId !== basket.regieId)) throw new ConflictError(BASKET_REFUSED);
      if (invoices.some((i) => i.status === 'payee')) throw new ConflictError('Une facture de votre panier est déjà payée : retirez-la avant de payer.');
      const regie = await em.getRepository(Regie).findOneByOrFail({ id: basket.regieId });
      const amountCents = totalCents(invoices.map((i) => i.amountCents));
      // PayFiP refuses less than 1 € (its code M3): said here, before the payer leaves the portal.
      if (regie.provider === 'payfip' && amountCents < PAYFIP_MINIMUM_CENTS) {
        throw new ConflictError('Le paiement par carte demande un total d’au moins 1,00 € : ajoutez les autres factures de cette régie, ou réglez-la auprès de la régie.');
      }
      const created = em.getRepository(Payment).create({
        communeId: commune.id,
        accountId: account.id,
        regieId: basket.regieId,
        reference: this.newReference(commune),
        provider: regie.provider,
        providerRef: null,
        redirectUrl: null,
        amountCents,
        status: 'en_cours',
        email: account.email,
        resultCode: null,
        authorisation: null,
        createdAt: this.now(),
        decidedAt: null,
      });
      await em.getRepository(Payment).insert(created);
      // Each invoice is held by this payment only if no other holds it: one payment per invoice.
      const held = await em.query(
        `UPDATE invoice SET payment_id = ? WHERE id IN (?) AND account_id = ? AND status = 'a_payer' AND payment_id IS NULL`,
        [created.id, invoices.map((i) => i.id), account.id],
      );
      if ((held as { affectedRows: number }).affectedRows !== invoices.length) {
        throw new ConflictError('Un paiement est déjà en cours pour une facture de votre panier.');
      }
      await em.getRepository(PaymentInvoice).insert(invoices.map((i) => ({ paymentId: created.id, invoiceId: i.id, amountCents: i.amountCents })));
      await em.update(Basket, { accountId: account.id }, { paymentId: created.id });
      await this.deps.processes.startPayment({
        paymentId: created.id,
        communeSlug: commune.slug,
        reference: created.reference,
        expiresAfterMs: this.deps.timings.expiresAfterMs,
        pollIntervalMs: this.deps.timings.pollIntervalMs,
      } satisfies PaymentInput);
      return created;
    });
    const redirectUrl = await this.deps.processes.paymentUpdate(commune.slug, payment.reference, paymentRedirectUpdate);
    return { payment, redirectUrl };
  }

  /** BEAP + 10 characters without look-alikes: PayFiP's refdet (6–30 alphanumerics). */
  private newReference(commune: Commune): string {
    let tail = '';
    for (let i = 0; i < 10; i++) tail += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
    return `${communePrefix(commune.slug)}P${tail}`;
  }

  /** The household's payment, or 404 (another household's reference reveals nothing). */
  async getForAccount(account: Account, reference: string): Promise<Payment> {
    const payment = await this.deps.dataSource.getRepository(Payment).findOneBy({ reference: reference.trim().toUpperCase(), accountId: account.id });
    if (!payment) throw new NotFoundError("Ce paiement n'existe pas dans votre compte.");
    return payment;
  }

  /**
   * A provider's callback or a browser's return: only a reason to look at the provider again.
   * Unknown references and finished payments change nothing (and say nothing).
   */
  async notified(commune: Commune, ref: { reference?: string; providerRef?: string }): Promise<Payment | null> {
    const repo = this.deps.dataSource.getRepository(Payment);
    const payment = ref.reference
      ? await repo.findOneBy({ reference: ref.reference.trim().toUpperCase(), communeId: commune.id })
      : ref.providerRef
        ? await repo.findOneBy({ providerRef: ref.providerRef.trim(), communeId: commune.id })
        : null;
    if (!payment) return null;
    if (payment.status === 'en_cours') {
      await this.deps.processes.paymentSignal(commune.slug, payment.reference, paymentNotifiedSignal).catch(() => undefined);
    }
    return payment;
  }

  /** Waits a little for the decision the browser's return usually precedes by a moment. */
  async settled(paymentId: number, waitMs: number): Promise<Payment> {
    const repo = this.deps.dataSource.getRepository(Payment);
    const end = Date.now() + waitMs;
    for (;;) {
      const payment = await repo.findOneByOrFail({ id: paymentId });
      if (payment.status !== 'en_cours' || Date.now() >= end) return payment;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  static label(status: PaymentStatus): string {
    return PAYMENT_LABELS[status];
  }
}
