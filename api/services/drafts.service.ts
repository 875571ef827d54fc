// A démarche being filled in, saved at every step: one draft per account and démarche, so the
// resident can leave and come back («Reprendre ma demande»). Its submission key, made with the
// draft, is what makes «Envoyer» idempotent.
import type { DataSource } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import { DemarcheDraft, type DraftDocument } from '../../db/entities';
import type { AnswerValue, DemarcheDefinition } from '../../domain/catalogue';
import { DemarcheService } from './demarches.service';
import type { DocumentService } from './documents.service';

export class DraftService {
  constructor(private readonly deps: { dataSource: DataSource; documents: DocumentService }) {}

  private get repo() {
    return this.deps.dataSource.getRepository(DemarcheDraft);
  }

  async find(accountId: number, code: string): Promise<DemarcheDraft | null> {
    return this.repo.findOneBy({ accountId, demarcheCode: code });
  }

  /** The codes of the démarches this account has a draft of. */
  async codesOf(accountId: number): Promise<Set<string>> {
    const rows = await this.repo.find({ where: { accountId }, select: { demarcheCode: true } });
    return new Set(rows.map((r) => r.demarcheCode));
  }

  /** The account's draft of this démarche, created (with its submission key) when there is none. */
  async open(accountId: number, def: DemarcheDefinition): Promise<DemarcheDraft> {
    const found = await this.find(accountId, def.code);
    if (found) return found;
    try {
      await this.repo.insert({
        accountId,
        demarcheCode: def.code,
        demarcheVersion: def.version,
        memberId: null,
        answers: {},
        documents: [],
        submissionKey: DemarcheService.newSubmissionKey(),
      });
    } catch (err) {
      // Two tabs opened the same démarche at once: the other one's draft is as good.
      if (!(err instanceof QueryFailedError && err.message.includes('uq_draft_account_demarche'))) throw err;
    }
    return this.repo.findOneByOrFail({ accountId, demarcheCode: def.code });
  }

  /** Saves one step's validated answers (the step's other fields are dropped: left empty). */
  async saveStep(
    draft: DemarcheDraft,
    stepFields: string[],
    values: Record<string, AnswerValue>,
    memberId?: number | null,
  ): Promise<void> {
    const answers = { ...draft.answers };
    for (const name of stepFields) delete answers[name];
    Object.assign(answers, values);
    draft.answers = answers;
    if (memberId !== undefined) draft.memberId = memberId;
    await this.repo.update({ id: draft.id }, { answers, ...(memberId !== undefined ? { memberId } : {}) });
  }

  /** Replaces the draft's documents; the files no longer used are removed from disk. */
  async saveDocuments(draft: DemarcheDraft, documents: DraftDocument[]): Promise<void> {
    const kept = new Set(documents.flatMap((d) => (d.mode === 'upload' ? [d.storagePath] : [])));
    const dropped = draft.documents.filter((d) => d.mode === 'upload' && !kept.has(d.storagePath));
    draft.documents = documents;
    await this.repo.update({ id: draft.id }, { documents });
    await this.deps.documents.discard(dropped as Array<{ storagePath: string }>);
  }

  /** After submission: the files now belong to the request, only the row goes. */
  async forget(draft: DemarcheDraft): Promise<void> {
    await this.repo.delete({ id: draft.id });
  }

  /** «Abandonner»: the row and its files. */
  async abandon(draft: DemarcheDraft): Promise<void> {
    await this.repo.delete({ id: draft.id });
    await this.deps.documents.discard(draft.documents.flatMap((d) => (d.mode === 'upload' ? [d] : [])));
  }
}
