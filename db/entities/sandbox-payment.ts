import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SandboxPaymentStatus = 'pending' | 'paid' | 'refused' | 'abandoned';

/**
 * A payment opened at the sandbox provider (development and tests only): what PayFiP would keep on
 * its side, answered from the local card page instead of a bank.
 */
@Entity('sandbox_payment')
export class SandboxPayment {
  /** The provider reference handed back to the portal, as PayFiP's idOp would be. */
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  /** The portal's payment reference (PayFiP «refdet»). */
  @Column({ type: 'varchar', length: 30 })
  reference!: string;

  @Column({ name: 'amount_cents', type: 'int' })
  amountCents!: number;

  /** Shown on the card page (PayFiP «objet»). */
  @Column({ type: 'varchar', length: 100 })
  label!: string;

  /** 'pending' until the card page answers; an unanswered payment expires after 20 minutes. */
  @Column({ type: 'varchar', length: 10 })
  status!: SandboxPaymentStatus;

  @Column({ name: 'return_url', type: 'varchar', length: 500 })
  returnUrl!: string;

  @Column({ name: 'notify_url', type: 'varchar', length: 500 })
  notifyUrl!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt!: Date | null;
}
