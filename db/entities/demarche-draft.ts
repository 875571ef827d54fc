import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A document of a draft: a file already stored, or the promise to post it. */
export type DraftDocument =
  | { key: string; mode: 'paper' }
  | {
      key: string;
      mode: 'upload';
      fileName: string;
      mimeType: string;
      sizeBytes: number;
      sha256: string;
      storagePath: string;
    };

/** A démarche being filled in: saved at every step so the resident can come back later. */
@Entity('demarche_draft')
@Index('uq_draft_account_demarche', ['accountId', 'demarcheCode'], { unique: true })
export class DemarcheDraft {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId!: number;

  @Column({ name: 'demarche_code', type: 'varchar', length: 60 })
  demarcheCode!: string;

  @Column({ name: 'demarche_version', type: 'int' })
  demarcheVersion!: number;

  /** null: the account holder, or nobody yet (see `memberChosen`). */
  @Column({ name: 'member_id', type: 'int', nullable: true })
  memberId!: number | null;

  /** The answers validated so far, by field name. */
  @Column({ type: 'json' })
  answers!: Record<string, string | number | boolean | string[]>;

  /** The documents given so far (files stored, or to be posted). */
  @Column({ type: 'json' })
  documents!: DraftDocument[];

  /** Made with the draft: «Envoyer» twice (double click, replayed POST) gives one request. */
  @Column({ name: 'submission_key', type: 'varchar', length: 64 })
  submissionKey!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
