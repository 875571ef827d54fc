import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One row per event on a civil-status request: who, when, why. */
@Entity('civil_status_history')
@Index('uq_civil_status_history_event', ['requestId', 'eventKey'], { unique: true })
@Index('ix_civil_status_history_request', ['requestId', 'at'])
export class CivilStatusHistory {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'request_id', type: 'int' })
  requestId!: number;

  /** Unique per request: a retried activity finds its row instead of writing a second one. */
  @Column({ name: 'event_key', type: 'varchar', length: 80 })
  eventKey!: string;

  /** 'deposer', 'delivrer', 'refuser', 'relancer_agents'. */
  @Column({ type: 'varchar', length: 30 })
  event!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 20, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 20 })
  toStatus!: string;

  /** 'demandeur', 'system' or 'agent:<id>'. */
  @Column({ type: 'varchar', length: 40 })
  actor!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;
}
