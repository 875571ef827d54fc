import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A supporting document of a request: uploaded (stored outside the web root) or sent on paper. */
@Entity('request_document')
@Index('ix_request_document_request', ['requestId', 'documentKey'])
export class RequestDocument {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'request_id', type: 'int' })
  requestId!: number;

  /** The document's key in the démarche definition (justificatif-domicile…). */
  @Column({ name: 'document_key', type: 'varchar', length: 60 })
  documentKey!: string;

  /** 'upload', or 'paper' when the resident posts it. */
  @Column({ type: 'varchar', length: 10 })
  mode!: 'upload' | 'paper';

  /** 'expected' (paper announced, not yet received) or 'received'. */
  @Column({ type: 'varchar', length: 10 })
  state!: 'expected' | 'received';

  @Column({ name: 'file_name', type: 'varchar', length: 255, nullable: true })
  fileName!: string | null;

  @Column({ name: 'mime_type', type: 'varchar', length: 50, nullable: true })
  mimeType!: string | null;

  @Column({ name: 'size_bytes', type: 'int', nullable: true })
  sizeBytes!: number | null;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  /** Path under the documents folder; never served as is. */
  @Column({ name: 'storage_path', type: 'varchar', length: 255, nullable: true })
  storagePath!: string | null;

  @Column({ name: 'received_at', type: 'datetime', precision: 3, nullable: true })
  receivedAt!: Date | null;

  /** 'resident' or 'agent:<id>' (paper recorded at the mairie). */
  @Column({ name: 'received_by', type: 'varchar', length: 40, nullable: true })
  receivedBy!: string | null;
}
