import { Column, Entity, Index, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

/** A submitted démarche: one row per request, its status kept in step with its workflow. */
@Entity('demarche_request')
@Index('uq_request_number', ['communeId', 'number'], { unique: true })
@Index('uq_request_submission', ['accountId', 'submissionKey'], { unique: true })
@Index('ix_request_account', ['accountId', 'submittedAt'])
@Index('ix_request_queue', ['communeId', 'status', 'submittedAt'])
export class DemarcheRequest {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'commune_id', type: 'int' })
  communeId!: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId!: number;

  /** The household member the démarche is for, when the démarche names one. */
  @Column({ name: 'member_id', type: 'int', nullable: true })
  memberId!: number | null;

  @Column({ name: 'demarche_code', type: 'varchar', length: 60 })
  demarcheCode!: string;

  @Column({ name: 'demarche_version', type: 'int' })
  demarcheVersion!: number;

  /** BEA-2026-000123: unique per commune, readable on paper. */
  @Column({ type: 'varchar', length: 20 })
  number!: string;

  @Column({ type: 'varchar', length: 30 })
  status!: string;

  /** The form's answers, by field name, as validated at submission. */
  @Column({ type: 'json' })
  answers!: Record<string, string | number | boolean | string[] | null>;

  /** The form's one-time token: a double click or a replayed POST finds the same request. */
  @Column({ name: 'submission_key', type: 'varchar', length: 64 })
  submissionKey!: string;

  @Column({ name: 'submitted_at', type: 'datetime', precision: 3 })
  submittedAt!: Date;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decision_reason', type: 'varchar', length: 1000, nullable: true })
  decisionReason!: string | null;

  @VersionColumn()
  version!: number;
}
