// Submitted requests as the agents process them and as the residents follow them: the back
// office's queue and full view, the agents' and residents' actions (Updates on the démarche
// workflow), and the stored documents. Every read goes through the commune (agents) or the
// household (residents): another commune's or household's number is a 404, nothing more.
import { storedDocumentPath } from './documents.service';
import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { In, Not, type DataSource, type FindOptionsWhere } from 'typeorm';
import {
  Account,
  DemarcheRequest,
  HouseholdMember,
  RequestDocument,
  RequestHistory,
  type Agent,
  type Commune,
} from '../../db/entities';
import { addBusinessDays, isHolidayZone, isOverdue } from '../../domain/business-days';
import type { DemarcheDefinition, FieldDefinition } from '../../domain/catalogue';
import {
  DEMARCHE_STATUSES,
  FINAL_STATUSES,
  TransitionRefused,
  applyEvent,
  eventsAvailableTo,
  isDemarcheStatus,
  isFinal,
  type DemarcheEvent,
  type DemarcheStatus,
} from '../../domain/demarche-status';
import {
  answerRequestUpdate,
  cancelRequestUpdate,
  markCompleteUpdate,
  recordPaperDocumentUpdate,
  refuseRequestUpdate,
  requestDocumentsUpdate,
  validateRequestUpdate,
  type DemarcheState,
} from '../../workflows/demarche';
import type { Catalogues } from '../../catalogue';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { DemarcheService } from './demarches.service';
import type { Processes } from './processes';

export const QUEUE_PAGE_SIZE = 50;

export interface QueueFilters {
  /** A démarche code of the commune's catalogue. */
  demarche?: string;
  status?: DemarcheStatus;
  /** Only the requests past their processing delay. */
  overdue?: boolean;
  /** 1-based. */
  page?: number;
}

export interface QueueEntry {
  request: DemarcheRequest;
  definition: DemarcheDefinition | undefined;
  account: Account | undefined;
  member: HouseholdMember | undefined;
  /** The end of the processing delay (business days of the commune). */
  dueAt: Date | null;
  overdue: boolean;
}

export interface QueuePage {
  entries: QueueEntry[];
  total: number;
  page: number;
  pageCount: number;
}

export interface AnswerLine {
  name: string;
  label: string;
  /** What the resident chose, as they read it (an option's label, «Oui», a list joined). */
  text: string;
}

export interface RequestInFull extends QueueEntry {
  answers: AnswerLine[];
  documents: Array<{ row: RequestDocument; label: string }>;
  history: RequestHistory[];
}

/** The agents' actions, each one Update. */
export type AgentAction =
  | { action: 'recevoir_piece_papier'; documentKey: unknown }
  | { action: 'demander_pieces'; message: unknown }
  | { action: 'marquer_complet' }
  | { action: 'valider' }
  | { action: 'refuser'; reason: unknown };

export interface RequestsServiceDeps {
  dataSource: DataSource;
  processes: Processes;
  demarches: DemarcheService;
  catalogue: Pick<Catalogues, 'find' | 'list'>;
  /** Root of the stored uploads (config.documents.dir); a storage path is relative to it. */
  documentsDir: string;
  now?: () => Date;
}

export class RequestsService {
  constructor(private readonly deps: RequestsServiceDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** The commune's démarches, for the filters and the services list. */
  catalogueOf(commune: Commune): DemarcheDefinition[] {
    return this.deps.catalogue.list(commune.slug);
  }

  /** One démarche of the commune's catalogue, or 404. */
  demarcheOf(commune: Commune, code: string): DemarcheDefinition {
    const definition = this.deps.catalogue.find(commune.slug, code);
    if (!definition) throw new NotFoundError("Cette démarche n'existe pas dans votre commune.");
    return definition;
  }

  definitionOf(commune: Commune, request: DemarcheRequest): DemarcheDefinition | undefined {
    return this.deps.catalogue.find(commune.slug, request.demarcheCode, request.demarcheVersion);
  }

  /** The end of the processing delay announced for this démarche, in the commune's business days. */
  dueAt(commune: Commune, request: DemarcheRequest, definition = this.definitionOf(commune, request)): Date | null {
    if (!definition || !isHolidayZone(commune.holidayZone)) return null;
    return addBusinessDays(request.submittedAt, definition.processingDays, commune.holidayZone);
  }

  private overdue(request: DemarcheRequest, dueAt: Date | null): boolean {
    return dueAt !== null && isDemarcheStatus(request.status) && !isFinal(request.status) && isOverdue(dueAt, this.now());
  }

  /** The commune's requests, newest first, 50 a page. */
  async queue(commune: Commune, filters: QueueFilters = {}): Promise<QueuePage> {
    const where: FindOptionsWhere<DemarcheRequest> = { communeId: commune.id };
    if (filters.demarche) where.demarcheCode = filters.demarche;
    if (filters.status) where.status = filters.status;
    else if (filters.overdue) where.status = Not(In([...FINAL_STATUSES]));
    if (filters.status && filters.overdue && isFinal(filters.status)) return { entries: [], total: 0, page: 1, pageCount: 1 };
    const repo = this.deps.dataSource.getRepository(DemarcheRequest);
    const order = { submittedAt: 'DESC', id: 'DESC' } as const;
    const wanted = Math.max(1, Math.floor(filters.page ?? 1));
    let rows: DemarcheRequest[];
    let total: number;
    if (filters.overdue) {
      // Business days depend on the commune's calendar: the delay is worked out here, not in SQL.
      // Open requests only, which a commune's back office keeps to a few hundred.
      const open = await repo.find({ where, order });
      const late = open.filter((r) => this.overdue(r, this.dueAt(commune, r)));
      total = late.length;
      rows = late.slice((wanted - 1) * QUEUE_PAGE_SIZE, wanted * QUEUE_PAGE_SIZE);
    } else {
      [rows, total] = await repo.findAndCount({ where, order, skip: (wanted - 1) * QUEUE_PAGE_SIZE, take: QUEUE_PAGE_SIZE });
    }
    return {
      entries: await this.entries(commune, rows),
      total,
      page: wanted,
      pageCount: Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)),
    };
  }

  private async entries(commune: Commune, rows: DemarcheRequest[]): Promise<QueueEntry[]> {
    const accountIds = [...new Set(rows.map((r) => r.accountId))];
    const memberIds = [...new Set(rows.map((r) => r.memberId).filter((id): id is number => id !== null))];
    const accounts = accountIds.length
      ? await this.deps.dataSource.getRepository(Account).findBy({ id: In(accountIds), communeId: commune.id })
      : [];
    const members = memberIds.length
      ? await this.deps.dataSource.getRepository(HouseholdMember).findBy({ id: In(memberIds) })
      : [];
    return rows.map((request) => {
      const definition = this.definitionOf(commune, request);
      const dueAt = this.dueAt(commune, request, definition);
      return {
        request,
        definition,
        account: accounts.find((a) => a.id === request.accountId),
        member: members.find((m) => m.id === request.memberId && m.accountId === request.accountId),
        dueAt,
        overdue: this.overdue(request, dueAt),
      };
    });
  }

  /** A request of the agent's commune, in full; 404 for another commune's. */
  async forAgent(commune: Commune, number: string): Promise<RequestInFull> {
    return this.inFull(commune, await this.deps.demarches.getForAgent(commune.id, number));
  }

  /** A request of the resident's household, in full; 404 for another household's. */
  async forResident(commune: Commune, account: Account, number: string): Promise<RequestInFull> {
    return this.inFull(commune, await this.deps.demarches.getForResident(account, number));
  }

  async listForResident(commune: Commune, account: Account): Promise<QueueEntry[]> {
    return this.entries(commune, await this.deps.demarches.listForResident(account));
  }

  private async inFull(commune: Commune, request: DemarcheRequest): Promise<RequestInFull> {
    const [entry] = await this.entries(commune, [request]);
    const [documents, history] = await Promise.all([
      this.deps.dataSource.getRepository(RequestDocument).find({ where: { requestId: request.id }, order: { id: 'ASC' } }),
      this.deps.dataSource.getRepository(RequestHistory).find({ where: { requestId: request.id }, order: { at: 'ASC', id: 'ASC' } }),
    ]);
    const def = entry.definition;
    return {
      ...entry,
      answers: answerLines(def, request.answers),
      documents: documents.map((row) => ({ row, label: def?.documents.find((d) => d.key === row.documentKey)?.label ?? row.documentKey })),
      history,
    };
  }

  /** What the table lets an agent do now. */
  agentEvents(request: DemarcheRequest): DemarcheEvent[] {
    return isDemarcheStatus(request.status) ? eventsAvailableTo('agent', request.status) : [];
  }

  /**
   * One agent action on a request of their commune. A missing text is a 422 on its field before
   * anything is sent; the table's refusals come back from the workflow's validator as a 409.
   */
  async act(commune: Commune, agent: Agent, number: string, action: AgentAction): Promise<DemarcheState> {
    const request = await this.deps.demarches.getForAgent(commune.id, number);
    refuseIfClosed(request, action.action);
    const p = this.deps.processes;
    const who = { agentId: agent.id };
    switch (action.action) {
      case 'recevoir_piece_papier': {
        // Any document of the démarche may arrive by post; the validator refuses the others.
        const documentKey = requireText('piece', action.documentKey, 'Indiquez la pièce reçue par courrier.');
        return p.demarcheUpdate(commune.slug, request.number, recordPaperDocumentUpdate, { ...who, documentKey });
      }
      case 'demander_pieces':
        return p.demarcheUpdate(commune.slug, request.number, requestDocumentsUpdate, {
          ...who,
          message: requireText('message', action.message, 'Le message indiquant au demandeur les pièces ou informations attendues est obligatoire.'),
        });
      case 'marquer_complet':
        return p.demarcheUpdate(commune.slug, request.number, markCompleteUpdate, who);
      case 'valider':
        return p.demarcheUpdate(commune.slug, request.number, validateRequestUpdate, who);
      case 'refuser':
        return p.demarcheUpdate(commune.slug, request.number, refuseRequestUpdate, {
          ...who,
          reason: requireText('motif', action.reason, 'Le motif du refus est obligatoire.'),
        });
    }
  }

  /** The resident withdraws a request of their household, before a decision. */
  async cancel(commune: Commune, account: Account, number: string): Promise<DemarcheState> {
    const request = await this.deps.demarches.getForResident(account, number);
    refuseIfClosed(request, 'annuler');
    return this.deps.processes.demarcheUpdate(commune.slug, request.number, cancelRequestUpdate);
  }

  /** The resident answers a request for information. */
  async answer(commune: Commune, account: Account, number: string, message: unknown): Promise<DemarcheState> {
    const request = await this.deps.demarches.getForResident(account, number);
    refuseIfClosed(request, 'repondre');
    const text = requireText('message', message, 'Votre réponse est obligatoire.');
    return this.deps.processes.demarcheUpdate(commune.slug, request.number, answerRequestUpdate, { message: text });
  }

  /**
   * A stored upload of a request of the agent's commune, to stream as an attachment. 404 for
   * another commune's request, a paper document, or another request's document id.
   */
  async documentForAgent(
    commune: Commune,
    number: string,
    documentId: number,
  ): Promise<{ fileName: string; mimeType: string; size: number; open: () => ReadStream }> {
    const request = await this.deps.demarches.getForAgent(commune.id, number);
    const row = Number.isSafeInteger(documentId)
      ? await this.deps.dataSource.getRepository(RequestDocument).findOneBy({ id: documentId, requestId: request.id })
      : null;
    if (!row || row.mode !== 'upload' || !row.storagePath) throw new NotFoundError("Cette pièce n'existe pas dans cette demande.");
    // Storage paths are written by the server; still, none may lead out of the documents folder.
    const file = storedDocumentPath(this.deps.documentsDir, row.storagePath);
    if (!file) throw new NotFoundError("Cette pièce n'existe pas dans cette demande.");
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new NotFoundError('Le fichier de cette pièce est introuvable.');
    return {
      fileName: row.fileName ?? `${row.documentKey}`,
      mimeType: row.mimeType ?? 'application/octet-stream',
      size: info.size,
      open: () => createReadStream(file),
    };
  }
}

export const QUEUE_STATUSES = DEMARCHE_STATUSES;

/**
 * A closed request's workflow has ended, so no validator answers for it: the table's own message
 * is given here. Open ones are left to the validator (the row may lag behind the workflow).
 */
function refuseIfClosed(request: DemarcheRequest, event: DemarcheEvent): void {
  if (!isDemarcheStatus(request.status) || !isFinal(request.status)) return;
  try {
    applyEvent(request.status, event, { reason: 'x', message: 'x' });
  } catch (err) {
    if (err instanceof TransitionRefused) throw new ConflictError(err.message);
    throw err;
  }
}

function requireText(field: string, value: unknown, message: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') throw new ValidationError({ [field]: message });
  return text;
}

/** The answers in the form's order, with the definition's labels; unknown keys keep their name. */
export function answerLines(definition: DemarcheDefinition | undefined, answers: DemarcheRequest['answers']): AnswerLine[] {
  const fields: FieldDefinition[] = definition?.steps.flatMap((s) => s.fields) ?? [];
  const lines: AnswerLine[] = [];
  for (const field of fields) {
    if (!(field.name in answers)) continue;
    lines.push({ name: field.name, label: field.label, text: answerText(field, answers[field.name]) });
  }
  for (const [name, value] of Object.entries(answers)) {
    if (!fields.some((f) => f.name === name)) lines.push({ name, label: name, text: answerText(undefined, value) });
  }
  return lines;
}

function answerText(field: FieldDefinition | undefined, value: DemarcheRequest['answers'][string]): string {
  const optionLabel = (v: string) => field?.options?.find((o) => o.value === v)?.label ?? v;
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non';
  if (Array.isArray(value)) return value.length ? value.map(optionLabel).join(', ') : '—';
  return optionLabel(String(value));
}
