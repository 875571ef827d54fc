import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An invoice of a town service, sent by the billing software, payable online by the household. */
@Entity('invoice')
@Index('uq_invoice_number', ['regieId', 'number'], { unique: true })
@Index('ix_invoice_account', ['accountId', 'status', 'issuedOn'])
export class Invoice {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'commune_id', type: 'int' })
  communeId!: number;

  @Column({ name: 'regie_id', type: 'int' })
  regieId!: number;

  /** The household account it is addressed to. */
  @Column({ name: 'account_id', type: 'int' })
  accountId!: number;

  /** The billing software's number: the import is idempotent on it (per régie). */
  @Column({ type: 'varchar', length: 40 })
  number!: string;

  /** «Restauration scolaire», «Accueil périscolaire», «Crèche»… */
  @Column({ type: 'varchar', length: 100 })
  service!: string;

  /** «Octobre 2026». */
  @Column({ name: 'period_label', type: 'varchar', length: 100 })
  periodLabel!: string;

  /** AAAA-MM-JJ */
  @Column({ name: 'issued_on', type: 'date' })
  issuedOn!: string;

  @Column({ name: 'due_on', type: 'date', nullable: true })
  dueOn!: string | null;

  @Column({ name: 'amount_cents', type: 'int' })
  amountCents!: number;

  @Column({ type: 'varchar', length: 10 })
  status!: 'a_payer' | 'payee';

  /** The payment under way (or done) for it: while set on an unpaid invoice, no other payment may take it. */
  @Column({ name: 'payment_id', type: 'int', nullable: true })
  paymentId!: number | null;

  @Column({ name: 'paid_at', type: 'datetime', precision: 3, nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'imported_at', type: 'datetime', precision: 3 })
  importedAt!: Date;
}
