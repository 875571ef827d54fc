import { Column, Entity, Index, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { CivilStatusDetails } from '../../domain/civil-status';

/** A request for a birth, marriage or death certificate: no account needed, followed by a secret link. */
@Entity('civil_status_request')
@Index('uq_civil_status_number', ['communeId', 'number'], { unique: true })
@Index('uq_civil_status_submission', ['communeId', 'submissionKey'], { unique: true })
@Index('uq_civil_status_tracking', ['trackingTokenHash'], { unique: true })
@Index('ix_civil_status_queue', ['communeId', 'status', 'submittedAt'])
@Index('ix_civil_status_account', ['accountId', 'submittedAt'])
export class CivilStatusRequest {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'commune_id', type: 'int' })
  communeId!: number;

  /** Set when a logged-in resident asked: the request then shows in their «Demandes». */
  @Column({ name: 'account_id', type: 'int', nullable: true })
  accountId!: number | null;

  /** Same series as the démarches' numbers (one counter per commune and year). */
  @Column({ type: 'varchar', length: 20 })
  number!: string;

  @Column({ name: 'act_kind', type: 'varchar', length: 20 })
  actKind!: string;

  @Column({ name: 'copy_kind', type: 'varchar', length: 30 })
  copyKind!: string;

  @Column({ type: 'tinyint' })
  copies!: number;

  @Column({ type: 'varchar', length: 20 })
  status!: string;

  /** Everything the form asked, as checked by domain/civil-status.ts. */
  @Column({ type: 'json' })
  details!: CivilStatusDetails;

  @Column({ name: 'requester_email', type: 'varchar', length: 254 })
  requesterEmail!: string;

  /** The tracking link is HMAC(secret, salt): mails can repeat it, the table alone cannot rebuild it. */
  @Column({ name: 'tracking_salt', type: 'char', length: 32 })
  trackingSalt!: string;

  /** SHA-256 of the tracking token, to find the request from its link. */
  @Column({ name: 'tracking_token_hash', type: 'char', length: 64 })
  trackingTokenHash!: string;

  @Column({ name: 'submission_key', type: 'varchar', length: 64 })
  submissionKey!: string;

  @Column({ name: 'submitted_at', type: 'datetime', precision: 3 })
  submittedAt!: Date;

  /** The commune's processing delay after submission, in its business days: agents are reminded past it. */
  @Column({ name: 'due_at', type: 'datetime', precision: 3 })
  dueAt!: Date;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decision_reason', type: 'varchar', length: 1000, nullable: true })
  decisionReason!: string | null;

  @VersionColumn()
  version!: number;
}
