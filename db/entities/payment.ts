import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

/** One checkout of a basket: created at the provider, then paid, refused, abandoned or expired. */
@Entity('payment')
@Index('uq_payment_reference', ['reference'], { unique: true })
@Index('uq_payment_provider_ref', ['provider', 'providerRef'], { unique: true })
@Index('ix_payment_account', ['accountId', 'createdAt'])
export class Payment {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'commune_id', type: 'int' })
  communeId!: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId!: number;

  @Column({ name: 'regie_id', type: 'int' })
  regieId!: number;

  /** Ours, sent to the provider (PayFiP «refdet»): BEAP7K2M9QX4ZT. */
  @Column({ type: 'varchar', length: 30 })
  reference!: string;

  @Column({ type: 'varchar', length: 10 })
  provider!: 'sandbox' | 'payfip';

  /** The provider's id (PayFiP idOp), known once the payment is created there. */
  @Column({ name: 'provider_ref', type: 'varchar', length: 64, nullable: true })
  providerRef!: string | null;

  @Column({ name: 'redirect_url', type: 'varchar', length: 500, nullable: true })
  redirectUrl!: string | null;

  @Column({ name: 'amount_cents', type: 'int' })
  amountCents!: number;

  @Column({ type: 'varchar', length: 12 })
  status!: 'en_cours' | 'payee' | 'refusee' | 'abandonnee' | 'expiree';

  /** Where the receipt goes. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** The provider's last answer (PayFiP resultrans or error code). */
  @Column({ name: 'result_code', type: 'varchar', length: 10, nullable: true })
  resultCode!: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  authorisation!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt!: Date | null;

  @VersionColumn()
  version!: number;
}

@Entity('payment_invoice')
export class PaymentInvoice {
  @PrimaryColumn({ name: 'payment_id', type: 'int' })
  paymentId!: number;

  @PrimaryColumn({ name: 'invoice_id', type: 'int' })
  invoiceId!: number;

  @Column({ name: 'amount_cents', type: 'int' })
  amountCents!: number;
}
