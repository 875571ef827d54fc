// Activities of the démarche workflow: the only code that writes a request's status, history
// and documents, and that tells the resident and the agents. Status writes are conditional on
// the old status; history rows and messages are keyed, so a retry never writes or sends twice.
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { Account, Commune, DemarcheRequest, HouseholdMember, RequestDocument, RequestHistory } from '../db/entities';
import { formatParisDate, formatParisDateTime } from '../domain/dates';
import { STATUS_LABELS, type DemarcheStatus } from '../domain/demarche-status';
import type { DemarcheDefinition } from '../domain/catalogue';
import type { Outbox } from '../notify/outbox';
import { deliver, residentAddress } from './delivery';

export interface CatalogueLookup {
  find(communeSlug: string, code: string, version?: number): DemarcheDefinition | undefined;
}

export interface DemarcheActivityDeps {
  dataSource: DataSource;
  outbox: Outbox;
  publicUrl: string;
  catalogue: CatalogueLookup;
  now?: () => Date;
}

export interface TransitionInput {
  requestId: number;
  eventKey: string;
  event: string;
  from: DemarcheStatus;
  to: DemarcheStatus;
  actor: string;
  reason: string | null;
}

const DECISIONS: readonly string[] = ['valide', 'refuse', 'classe_sans_suite', 'annule'];

export function createDemarcheActivities(deps: DemarcheActivityDeps) {
  const { dataSource, outbox, publicUrl } = deps;
  const now = deps.now ?? (() => new Date());

  async function load(requestId: number) {
    const request = await dataSource.getRepository(DemarcheRequest).findOneBy({ id: requestId });
    if (!request) throw ApplicationFailure.nonRetryable(`Demande ${requestId} introuvable`, 'RequestNotFound');
    const [account, commune, member] = await Promise.all([
      dataSource.getRepository(Account).findOneByOrFail({ id: request.accountId }),
      dataSource.getRepository(Commune).findOneByOrFail({ id: request.communeId }),
      request.memberId ? dataSource.getRepository(HouseholdMember).findOneBy({ id: request.memberId }) : null,
    ]);
    const definition = deps.catalogue.find(commune.slug, request.demarcheCode, request.demarcheVersion);
    if (!definition) {
      throw ApplicationFailure.nonRetryable(`Démarche ${request.demarcheCode} absente du catalogue`, 'UnknownDemarche');
    }
    return { request, account, commune, member, definition };
  }


  const requestUrl = (r: DemarcheRequest) => `${publicUrl}/demandes/${encodeURIComponent(r.number)}`;

  return {
    async receivedDocumentKeys(requestId: number): Promise<string[]> {
      const rows = await dataSource.getRepository(RequestDocument).findBy({ requestId, state: 'received' });
      return [...new Set(rows.map((r) => r.documentKey))];
    },

    async recordTransition(input: TransitionInput): Promise<void> {
      await dataSource.transaction(async (em) => {
        const done = await em.getRepository(RequestHistory).findOneBy({ requestId: input.requestId, eventKey: input.eventKey });
        if (done) return; // a retry after the write committed
        const at = now();
        if (input.from !== input.to) {
          const result = await em
            .createQueryBuilder()
            .update(DemarcheRequest)
            .set({
              status: input.to,
              version: () => 'version + 1',
              ...(DECISIONS.includes(input.to) ? { decidedAt: at, decisionReason: input.reason } : {}),
            })
            .where('id = :id AND status = :from', { id: input.requestId, from: input.from })
            .execute();
          if (result.affected !== 1) {
            throw ApplicationFailure.nonRetryable(
              `La demande ${input.requestId} n'est plus « ${STATUS_LABELS[input.from]} »`,
              'StatusChangedMeanwhile',
            );
          }
        }
        await em.getRepository(RequestHistory).insert({
          requestId: input.requestId,
          eventKey: input.eventKey,
          event: input.event,
          fromStatus: input.from,
          toStatus: input.to,
          actor: input.actor,
          reason: input.reason,
          at,
        });
      });
    },

    /** A paper document arrived at the mairie: the expected row becomes received (or one is added). */
    async recordPaperDocument(input: { requestId: number; documentKey: string; agentId: number }): Promise<void> {
      const repo = dataSource.getRepository(RequestDocument);
      const expected = await repo.findOneBy({ requestId: input.requestId, documentKey: input.documentKey, mode: 'paper' });
      const receipt = { state: 'received' as const, receivedAt: now(), receivedBy: `agent:${input.agentId}` };
      if (expected) {
        if (expected.state !== 'received') await repo.update({ id: expected.id }, receipt);
        return;
      }
      await repo.insert({ requestId: input.requestId, documentKey: input.documentKey, mode: 'paper', ...receipt });
    },

    async sendRequestReceipt(requestId: number): Promise<void> {
      const ctx = await load(requestId);
      const paper = await dataSource.getRepository(RequestDocument).findBy({ requestId, mode: 'paper', state: 'expected' });
      const labels = new Map(ctx.definition.documents.map((d) => [d.key, d.label]));
      const { channel, to } = residentAddress(ctx.account);
      await deliver(outbox, {
        key: `demarche:${requestId}:receipt`,
        communeId: ctx.commune.id,
        channel,
        to,
        template: 'demarche-receipt',
        data: {
          communeName: ctx.commune.name,
          portalUrl: publicUrl,
          firstName: ctx.account.firstName,
          lastName: ctx.account.lastName,
          demarcheTitle: ctx.definition.title,
          number: ctx.request.number,
          submittedText: formatParisDateTime(ctx.request.submittedAt),
          memberName: ctx.member ? `${ctx.member.firstName} ${ctx.member.lastName}` : null,
          paperDocuments: paper.map((d) => ({ label: labels.get(d.documentKey) ?? d.documentKey })),
          mairieAddress: ctx.commune.postalAddress,
          requestUrl: requestUrl(ctx.request),
        },
      });
    },

    async notifyAgentsOfNewRequest(requestId: number): Promise<void> {
      const ctx = await load(requestId);
      await deliver(outbox, {
        key: `demarche:${requestId}:new-for-agents`,
        communeId: ctx.commune.id,
        channel: 'email',
        to: ctx.commune.agentsEmail,
        template: 'demarche-new-for-agents',
        data: {
          communeName: ctx.commune.name,
          portalUrl: publicUrl,
          number: ctx.request.number,
          demarcheTitle: ctx.definition.title,
          residentName: `${ctx.account.firstName} ${ctx.account.lastName}`,
          memberName: ctx.member ? `${ctx.member.firstName} ${ctx.member.lastName}` : null,
          submittedText: formatParisDateTime(ctx.request.submittedAt),
          backOfficeUrl: `${publicUrl}/agent/demandes/${encodeURIComponent(ctx.request.number)}`,
        },
      });
    },

    /** Tells the resident of the status the request has now (read from the database). */
    async notifyResidentOfTransition(input: { requestId: number; eventKey: string; message: string | null }): Promise<void> {
      const ctx = await load(input.requestId);
      const history = await dataSource
        .getRepository(RequestHistory)
        .findOneByOrFail({ requestId: input.requestId, eventKey: input.eventKey });
      const status = history.toStatus as DemarcheStatus;
      const { channel, to } = residentAddress(ctx.account);
      await deliver(outbox, {
        key: `demarche:${input.requestId}:event:${input.eventKey}`,
        communeId: ctx.commune.id,
        channel,
        to,
        template: 'demarche-status-changed',
        data: {
          communeName: ctx.commune.name,
          portalUrl: publicUrl,
          firstName: ctx.account.firstName,
          number: ctx.request.number,
          demarcheTitle: ctx.definition.title,
          status,
          statusLabel: STATUS_LABELS[status],
          message: input.message,
          requestUrl: requestUrl(ctx.request),
        },
      });
    },

    async sendRequestReminder(requestId: number, closeAtMs: number): Promise<void> {
      const ctx = await load(requestId);
      if (ctx.request.status !== 'en_attente_de_pieces') return;
      const received = new Set(
        (await dataSource.getRepository(RequestDocument).findBy({ requestId, state: 'received' })).map((d) => d.documentKey),
      );
      const { channel, to } = residentAddress(ctx.account);
      await deliver(outbox, {
        key: `demarche:${requestId}:reminder:${closeAtMs}`,
        communeId: ctx.commune.id,
        channel,
        to,
        template: 'demarche-reminder',
        data: {
          communeName: ctx.commune.name,
          portalUrl: publicUrl,
          firstName: ctx.account.firstName,
          number: ctx.request.number,
          demarcheTitle: ctx.definition.title,
          missingDocuments: ctx.definition.documents
            .filter((d) => d.required && !received.has(d.key))
            .map((d) => ({ label: d.label })),
          closeDateText: formatParisDate(new Date(closeAtMs)),
          requestUrl: requestUrl(ctx.request),
        },
      });
    },
  };
}

export type DemarcheActivities = ReturnType<typeof createDemarcheActivities>;
