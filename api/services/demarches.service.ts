// Submitting a démarche and reading one: numbers, rows and the workflow start happen together,
// and access is checked here (a resident sees only their household's requests).
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import { Account, Commune, DemarcheRequest, HouseholdMember, RequestDocument } from '../../db/entities';
import type { DemarcheDefinition } from '../../domain/catalogue';
import { NotFoundError, ValidationError } from '../errors';
import type { Processes } from './processes';
import { allocateRequestNumber } from './request-numbers';

/** A document as the resident supplies it at submission. */
export type SubmittedDocument =
  | { key: string; mode: 'paper' }
  | { key: string; mode: 'upload'; fileName: string; mimeType: string; sizeBytes: number; sha256: string; storagePath: string };

export interface Submission {
  definition: DemarcheDefinition;
  answers: DemarcheRequest['answers'];
  memberId: number | null;
  documents: SubmittedDocument[];
  /** The form's one-time token: the same token twice gives the same request. */
  submissionKey: string;
}

export interface DemarcheTimings {
  /** One day of the démarche's reminder and closing delays, in ms (shortened by tests). */
  dayMs: number;
}

export class DemarcheService {
  constructor(
    private readonly deps: { dataSource: DataSource; processes: Processes; timings?: DemarcheTimings; now?: () => Date },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Creates the request (or finds the one this submission key already created). */
  async submit(commune: Commune, account: Account, submission: Submission): Promise<DemarcheRequest> {
    const existing = await this.deps.dataSource
      .getRepository(DemarcheRequest)
      .findOneBy({ accountId: account.id, submissionKey: submission.submissionKey });
    if (existing) return existing;
    this.checkDocuments(submission);
    if (submission.memberId !== null) {
      const member = await this.deps.dataSource
        .getRepository(HouseholdMember)
        .findOneBy({ id: submission.memberId, accountId: account.id });
      if (!member) throw new ValidationError({ membre: "Ce membre n'appartient pas à votre foyer." });
    }
    try {
      return await this.deps.dataSource.transaction((em) => this.insert(em, commune, account, submission));
    } catch (err) {
      // The same submission raced itself (double click): the first one won.
      if (err instanceof QueryFailedError && err.message.includes('uq_request_submission')) {
        return this.deps.dataSource
          .getRepository(DemarcheRequest)
          .findOneByOrFail({ accountId: account.id, submissionKey: submission.submissionKey });
      }
      throw err;
    }
  }

  private checkDocuments(submission: Submission): void {
    const errors: Record<string, string> = {};
    for (const doc of submission.definition.documents) {
      const given = submission.documents.find((d) => d.key === doc.key);
      if (!given && doc.required) errors[`document_${doc.key}`] = `La pièce « ${doc.label} » est obligatoire : joignez-la ou choisissez de l'envoyer par courrier.`;
      if (given?.mode === 'paper' && !doc.paperAllowed) {
        errors[`document_${doc.key}`] = `La pièce « ${doc.label} » doit être jointe en ligne : l'envoi par courrier n'est pas possible.`;
      }
    }
    for (const given of submission.documents) {
      if (!submission.definition.documents.some((d) => d.key === given.key)) {
        errors[`document_${given.key}`] = "Cette pièce n'est pas demandée pour cette démarche.";
      }
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }

  private async insert(em: EntityManager, commune: Commune, account: Account, s: Submission): Promise<DemarcheRequest> {
    const submittedAt = this.now();
    const number = await allocateRequestNumber(em, commune, submittedAt);
    const row = em.getRepository(DemarcheRequest).create({
      communeId: commune.id,
      accountId: account.id,
      memberId: s.memberId,
      demarcheCode: s.definition.code,
      demarcheVersion: s.definition.version,
      number,
      status: 'en_cours',
      answers: s.answers,
      submissionKey: s.submissionKey,
      submittedAt,
      decidedAt: null,
      decisionReason: null,
    });
    await em.getRepository(DemarcheRequest).insert(row);
    for (const doc of s.documents) {
      await em.getRepository(RequestDocument).insert(
        doc.mode === 'paper'
          ? { requestId: row.id, documentKey: doc.key, mode: 'paper', state: 'expected' }
          : {
              requestId: row.id,
              documentKey: doc.key,
              mode: 'upload',
              state: 'received',
              fileName: doc.fileName,
              mimeType: doc.mimeType,
              sizeBytes: doc.sizeBytes,
              sha256: doc.sha256,
              storagePath: doc.storagePath,
              receivedAt: submittedAt,
              receivedBy: 'resident',
            },
      );
    }
    const dayMs = this.deps.timings?.dayMs ?? 86_400_000;
    await this.deps.processes.startDemarche({
      requestId: row.id,
      communeSlug: commune.slug,
      number,
      demarcheCode: s.definition.code,
      documents: s.definition.documents.map((d) => d.key),
      requiredDocuments: s.definition.documents.filter((d) => d.required).map((d) => d.key),
      reminderAfterMs: s.definition.reminderAfterDays * dayMs,
      closeAfterMs: s.definition.closeAfterDays * dayMs,
    });
    return row;
  }

  /** A request of this household, or 404: another household's numbers reveal nothing. */
  async getForResident(account: Account, number: string): Promise<DemarcheRequest> {
    const request = await this.deps.dataSource
      .getRepository(DemarcheRequest)
      .findOneBy({ accountId: account.id, communeId: account.communeId, number: number.toUpperCase() });
    if (!request) throw new NotFoundError("Cette demande n'existe pas dans votre compte.");
    return request;
  }

  async listForResident(account: Account): Promise<DemarcheRequest[]> {
    return this.deps.dataSource
      .getRepository(DemarcheRequest)
      .find({ where: { accountId: account.id }, order: { submittedAt: 'DESC', id: 'DESC' }, take: 200 });
  }

  /** A request of the agent's commune, or 404. */
  async getForAgent(communeId: number, number: string): Promise<DemarcheRequest> {
    const request = await this.deps.dataSource
      .getRepository(DemarcheRequest)
      .findOneBy({ communeId, number: number.toUpperCase() });
    if (!request) throw new NotFoundError("Cette demande n'existe pas dans votre commune.");
    return request;
  }

  static newSubmissionKey(): string {
    return randomUUID();
  }
}
