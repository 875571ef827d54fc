import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A household's basket: one row per account (locked while an invoice is added, removed or paid),
 * the régie of its invoices, and the payment under way, if any, during which it is closed.
 */
@Entity('basket')
export class Basket {
  @PrimaryColumn({ name: 'account_id', type: 'int' })
  accountId!: number;

  @Column({ name: 'regie_id', type: 'int', nullable: true })
  regieId!: number | null;

  @Column({ name: 'payment_id', type: 'int', nullable: true })
  paymentId!: number | null;
}

@Entity('basket_item')
export class BasketItem {
  @PrimaryColumn({ name: 'account_id', type: 'int' })
  accountId!: number;

  @PrimaryColumn({ name: 'invoice_id', type: 'int' })
  invoiceId!: number;

  @Column({ name: 'added_at', type: 'datetime', precision: 3 })
  addedAt!: Date;
}
