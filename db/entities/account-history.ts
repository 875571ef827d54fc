import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One row per status change of an account: who decided, when, and why. */
@Entity('account_history')
@Index('ix_account_history_account', ['accountId', 'at'])
export class AccountHistory {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId!: number;

  @Column({ name: 'from_status', type: 'varchar', length: 20, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 20 })
  toStatus!: string;

  /** 'resident', 'system' or 'agent:<id>'. */
  @Column({ type: 'varchar', length: 40 })
  actor!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;
}
