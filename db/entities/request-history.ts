import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One row per event on a request: who, when, why (a reason, or the message sent). */
@Entity('request_history')
@Index('ix_request_history_request', ['requestId', 'at'])
@Index('uq_request_history_event', ['requestId', 'eventKey'], { unique: true })
export class RequestHistory {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'request_id', type: 'int' })
  requestId!: number;

  /** Unique per request: a retried activity finds its row instead of writing a second one. */
  @Column({ name: 'event_key', type: 'varchar', length: 80 })
  eventKey!: string;

  @Column({ type: 'varchar', length: 30 })
  event!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 30, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 30 })
  toStatus!: string;

  /** 'resident', 'system' or 'agent:<id>'. */
  @Column({ type: 'varchar', length: 40 })
  actor!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;
}
