// A civil-status certificate request (acte de naissance, de mariage, de décès), from the
// anonymous submission until an agent issues and posts the certificate or refuses it with a
// reason. Past the commune's processing delay the agents are reminded, then again every interval.
// The decision is an Update whose validator applies domain/civil-status-status.ts, so the back
// office shows a refusal (already decided, no reason) at once.
import { ApplicationFailure } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { CivilStatusActivities } from '../activities/civil-status';
import { checkDecision, type CivilStatusStatus } from '../domain/civil-status-status';
import { notify } from './notify';
import { reportEnd } from './process-end';
import { COMMUNE, DEMARCHE_CODE, PROCESS_KIND, PROCESS_STATUS, REQUEST_NUMBER } from './search-attributes';

export const CIVIL_STATUS_KIND = 'acte-etat-civil';

export interface CivilStatusInput {
  requestId: number;
  communeSlug: string;
  number: string;
  /** 'acte-naissance', 'acte-mariage', 'acte-deces': the DemarcheCode search attribute. */
  actCode: string;
  /** ISO instant: the commune's processing delay after submission, in its business days. */
  deadline: string;
  /** Between two reminders to the agents once overdue. */
  reminderIntervalMs: number;
}

export interface CivilStatusState {
  status: CivilStatusStatus;
  overdue: boolean;
  remindersSent: number;
}

type Decision = { agentId: number; decision: 'delivrer' } | { agentId: number; decision: 'refuser'; reason: string };

export const issueCertificateUpdate = defineUpdate<CivilStatusState, [{ agentId: number }]>('delivrerActe');
export const refuseCivilStatusUpdate = defineUpdate<CivilStatusState, [{ agentId: number; reason: string }]>('refuserDemandeActe');
export const civilStatusStateQuery = defineQuery<CivilStatusState>('etatDemandeActe');

export const civilStatusWorkflowId = (communeSlug: string, number: string): string => `acte-${communeSlug}-${number}`;

const acts = proxyActivities<CivilStatusActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function civilStatusRequest(input: CivilStatusInput): Promise<CivilStatusStatus> {
  const { requestId } = input;
  let status: CivilStatusStatus = 'recue';
  // Set as a decision starts, so a second, concurrent Update is refused by its validator.
  let deciding = false;
  let decided: Decision | undefined;
  let overdue = false;
  let remindersSent = 0;

  upsertSearchAttributes([
    { key: COMMUNE, value: input.communeSlug },
    { key: PROCESS_KIND, value: CIVIL_STATUS_KIND },
    { key: DEMARCHE_CODE, value: input.actCode },
    { key: REQUEST_NUMBER, value: input.number },
    { key: PROCESS_STATUS, value: status },
  ]);

  const state = (): CivilStatusState => ({ status, overdue, remindersSent });
  const rule = (decision: Decision['decision'], reason?: string): void => {
    if (deciding) throw new Error('Cette demande est déjà en cours de décision.');
    checkDecision(status, decision, reason);
  };

  async function decide(wanted: Decision): Promise<CivilStatusState> {
    try {
      rule(wanted.decision, wanted.decision === 'refuser' ? wanted.reason : undefined);
    } catch (err) {
      throw ApplicationFailure.nonRetryable((err as Error).message, 'TransitionRefused');
    }
    deciding = true;
    const to: CivilStatusStatus = wanted.decision === 'delivrer' ? 'envoyee' : 'refusee';
    const reason = wanted.decision === 'refuser' ? checkDecision(status, 'refuser', wanted.reason) : null;
    try {
      await acts.recordCivilStatusTransition({
        requestId, eventKey: wanted.decision, event: wanted.decision, from: status, to, actor: `agent:${wanted.agentId}`, reason,
      });
    } catch (err) {
      deciding = false; // the write failed for good: let an agent try again
      throw err;
    }
    status = to;
    decided = wanted;
    upsertSearchAttributes([{ key: PROCESS_STATUS, value: status }]);
    return state();
  }

  setHandler(civilStatusStateQuery, state);
  setHandler(issueCertificateUpdate, ({ agentId }) => decide({ agentId, decision: 'delivrer' }), {
    validator: (_action: { agentId: number }) => rule('delivrer'),
  });
  setHandler(refuseCivilStatusUpdate, ({ agentId, reason }) => decide({ agentId, decision: 'refuser', reason }), {
    validator: ({ reason }) => rule('refuser', reason),
  });

  await notify(() => acts.sendCivilStatusReceipt(requestId));
  await notify(() => acts.notifyAgentsOfCivilStatusRequest(requestId));

  const untilDeadline = Math.max(Date.parse(input.deadline) - Date.now(), 1);
  if (!(await condition(() => decided !== undefined, untilDeadline))) {
    overdue = true;
    while (decided === undefined) {
      await notify(() => acts.remindAgentsOfCivilStatusRequest(requestId, remindersSent));
      remindersSent += 1;
      await condition(() => decided !== undefined, input.reminderIntervalMs);
    }
  }

  await notify(() => acts.notifyRequesterOfCivilStatusDecision(requestId));
  await condition(allHandlersFinished);
  reportEnd(CIVIL_STATUS_KIND, status);
  return status;
}
