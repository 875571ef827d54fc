// Activities of the civil-status workflow: the only code that writes a request's status and
// history after submission, and that tells the requester and the agents. The status write is
// conditional on the old status and keyed in history; messages are keyed in the outbox, so a
// retry never writes or sends twice.
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { CivilStatusHistory, CivilStatusRequest, Commune } from '../db/entities';
import { ACT_LABELS, addressLines, describeAct, relationLabel } from '../domain/civil-status';
import { CIVIL_STATUS_LABELS, type CivilStatusStatus } from '../domain/civil-status-status';
import { formatParisDate, formatParisDateTime } from '../domain/dates';
import type { Outbox } from '../notify/outbox';
import { trackingPath, trackingToken } from '../notify/tracking-link';
import { deliver } from './delivery';

export interface CivilStatusActivityDeps {
  dataSource: DataSource;
  outbox: Outbox;
  publicUrl: string;
  /** Key of the tracking links (SESSION_SECRET). */
  linkSecret: string;
  now?: () => Date;
}

export interface CivilStatusTransitionInput {
  requestId: number;
  eventKey: string;
  event: string;
  from: CivilStatusStatus;
  to: CivilStatusStatus;
  actor: string;
  reason: string | null;
}

export function createCivilStatusActivities(deps: CivilStatusActivityDeps) {
  const { dataSource, outbox, publicUrl } = deps;
  const now = deps.now ?? (() => new Date());

  async function load(requestId: number) {
    const request = await dataSource.getRepository(CivilStatusRequest).findOneBy({ id: requestId });
    if (!request) throw ApplicationFailure.nonRetryable(`Demande d'acte ${requestId} introuvable`, 'RequestNotFound');
    const commune = await dataSource.getRepository(Commune).findOneByOrFail({ id: request.communeId });
    const d = request.details;
    const summary = {
      communeName: commune.name,
      portalUrl: publicUrl,
      number: request.number,
      requesterName: `${d.requester.firstName} ${d.requester.lastName}`,
      actLabel: ACT_LABELS[d.act],
      actDescription: describeAct(d),
    };
    const trackingUrl = `${publicUrl}${trackingPath(trackingToken(deps.linkSecret, request.trackingSalt))}`;
    const backOfficeUrl = `${publicUrl}/agent/actes/${encodeURIComponent(request.number)}`;
    return { request, commune, summary, trackingUrl, backOfficeUrl };
  }

  return {
    async recordCivilStatusTransition(input: CivilStatusTransitionInput): Promise<void> {
      await dataSource.transaction(async (em) => {
        const done = await em.getRepository(CivilStatusHistory).findOneBy({ requestId: input.requestId, eventKey: input.eventKey });
        if (done) return; // a retry after the write committed
        const at = now();
        if (input.from !== input.to) {
          const result = await em
            .createQueryBuilder()
            .update(CivilStatusRequest)
            .set({ status: input.to, version: () => 'version + 1', decidedAt: at, decisionReason: input.reason })
            .where('id = :id AND status = :from', { id: input.requestId, from: input.from })
            .execute();
          if (result.affected !== 1) {
            throw ApplicationFailure.nonRetryable(
              `La demande d'acte ${input.requestId} n'est plus « ${CIVIL_STATUS_LABELS[input.from]} »`,
              'StatusChangedMeanwhile',
            );
          }
        }
        await em.getRepository(CivilStatusHistory).insert({
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

    async sendCivilStatusReceipt(requestId: number): Promise<void> {
      const ctx = await load(requestId);
      await deliver(outbox, {
        key: `acte:${requestId}:receipt`,
        communeId: ctx.commune.id,
        channel: 'email',
        to: ctx.request.requesterEmail,
        template: 'civil-status-receipt',
        data: {
          ...ctx.summary,
          submittedText: formatParisDateTime(ctx.request.submittedAt),
          addressLines: addressLines(ctx.request.details.address),
          processingDays: ctx.commune.civilStatusProcessingDays,
          trackingUrl: ctx.trackingUrl,
        },
        // The tracking link opens the request: once sent, the outbox keeps no readable copy.
        secret: true,
      });
    },

    async notifyAgentsOfCivilStatusRequest(requestId: number): Promise<void> {
      const ctx = await load(requestId);
      await deliver(outbox, {
        key: `acte:${requestId}:new-for-agents`,
        communeId: ctx.commune.id,
        channel: 'email',
        to: ctx.commune.agentsEmail,
        template: 'civil-status-new-for-agents',
        data: {
          ...ctx.summary,
          relationLabel: relationLabel(ctx.request.details.act, ctx.request.details.relation),
          submittedText: formatParisDateTime(ctx.request.submittedAt),
          deadlineText: formatParisDateTime(ctx.request.dueAt),
          backOfficeUrl: ctx.backOfficeUrl,
        },
      });
    },

    /** The processing delay is over: a history row (seen in the back office), then the agents' mail. */
    async remindAgentsOfCivilStatusRequest(requestId: number, reminderNumber: number): Promise<void> {
      const ctx = await load(requestId);
      if (ctx.request.status !== 'recue') return;
      await dataSource.query(
        `INSERT INTO civil_status_history (request_id, event_key, event, from_status, to_status, actor, reason, at)
         VALUES (?, ?, 'relancer_agents', 'recue', 'recue', 'system', NULL, ?) ON DUPLICATE KEY UPDATE id = id`,
        [requestId, `relance:${reminderNumber}`, now()],
      );
      await deliver(outbox, {
        key: `acte:${requestId}:reminder:${reminderNumber}`,
        communeId: ctx.commune.id,
        channel: 'email',
        to: ctx.commune.agentsEmail,
        template: 'civil-status-reminder-for-agents',
        data: {
          ...ctx.summary,
          submittedText: formatParisDateTime(ctx.request.submittedAt),
          deadlineText: formatParisDateTime(ctx.request.dueAt),
          reminderNumber,
          backOfficeUrl: ctx.backOfficeUrl,
        },
      });
    },

    async notifyRequesterOfCivilStatusDecision(requestId: number): Promise<void> {
      const ctx = await load(requestId);
      const status = ctx.request.status as CivilStatusStatus;
      if (status === 'recue') return;
      await deliver(outbox, {
        key: `acte:${requestId}:decision`,
        communeId: ctx.commune.id,
        channel: 'email',
        to: ctx.request.requesterEmail,
        template: 'civil-status-decided',
        data: {
          ...ctx.summary,
          status,
          statusLabel: CIVIL_STATUS_LABELS[status],
          reason: status === 'refusee' ? ctx.request.decisionReason : null,
          addressLines: addressLines(ctx.request.details.address),
          decidedText: formatParisDate(ctx.request.decidedAt ?? now()),
          mairieAddress: ctx.commune.postalAddress,
          trackingUrl: ctx.trackingUrl,
        },
        secret: true,
      });
    },
  };
}

export type CivilStatusActivities = ReturnType<typeof createCivilStatusActivities>;
