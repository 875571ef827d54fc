// Account validation: from sign-up until an agent validates or rejects the household account.
// The SLA is 2 business days of the commune's calendar (computed by the caller, so tests can
// shorten it); past it the agents get an escalation mail, then a reminder every interval.
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { notify } from './notify';
import { reportEnd } from './process-end';
import { COMMUNE, PROCESS_KIND, PROCESS_STATUS } from './search-attributes';
import type { AccountActivities } from '../activities/accounts';

export const ACCOUNT_VALIDATION_KIND = 'validation-compte';

export interface AccountValidationInput {
  accountId: number;
  communeSlug: string;
  /** ISO instant: 2 business days after sign-up in the commune's calendar. */
  deadline: string;
  /** Time between two reminders once overdue. */
  reminderIntervalMs: number;
}

export type AccountDecision =
  | { status: 'validated'; agentId: number }
  | { status: 'rejected'; agentId: number; reason: string };

export type AccountValidationResult = AccountDecision | { status: 'abandoned' };

export interface AccountValidationState {
  status: 'pending' | 'validated' | 'rejected';
  overdue: boolean;
  remindersSent: number;
}

export const validateAccountUpdate = defineUpdate<AccountDecision, [{ agentId: number }]>('validerCompte');
export const rejectAccountUpdate = defineUpdate<AccountDecision, [{ agentId: number; reason: string }]>('rejeterCompte');
export const accountValidationStateQuery = defineQuery<AccountValidationState>('etatValidationCompte');

export const accountValidationWorkflowId = (communeSlug: string, accountId: number): string =>
  `compte-${communeSlug}-${accountId}`;

export const REJECTION_REASON_MAX_LENGTH = 500;

const acts = proxyActivities<AccountActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function accountValidation(input: AccountValidationInput): Promise<AccountValidationResult> {
  const { accountId } = input;
  let decision: AccountDecision | undefined;
  // Set synchronously when a decision starts, so a second, concurrent Update is refused by its validator.
  let deciding = false;
  let overdue = false;
  let remindersSent = 0;

  const showStatus = (status: string): void => upsertSearchAttributes([{ key: PROCESS_STATUS, value: status }]);
  upsertSearchAttributes([
    { key: COMMUNE, value: input.communeSlug },
    { key: PROCESS_KIND, value: ACCOUNT_VALIDATION_KIND },
    { key: PROCESS_STATUS, value: 'en-attente' },
  ]);

  const refuseIfDecided = (): void => {
    if (deciding) throw new Error('Ce compte a déjà été validé ou rejeté.');
  };
  const refuseBadAgent = (agentId: number): void => {
    if (!Number.isInteger(agentId) || agentId <= 0) throw new Error('Agent inconnu.');
  };

  async function decide(wanted: AccountDecision): Promise<AccountDecision> {
    deciding = true;
    try {
      await acts.recordAccountDecision({
        accountId,
        status: wanted.status,
        agentId: wanted.agentId,
        reason: wanted.status === 'rejected' ? wanted.reason : null,
      });
    } catch (err) {
      deciding = false; // the write failed for good: let an agent try again
      throw err;
    }
    decision = wanted;
    return wanted;
  }

  setHandler(accountValidationStateQuery, () => ({
    status: decision?.status ?? 'pending',
    overdue,
    remindersSent,
  }));
  setHandler(
    validateAccountUpdate,
    ({ agentId }) => decide({ status: 'validated', agentId }),
    { validator: ({ agentId }) => (refuseIfDecided(), refuseBadAgent(agentId)) },
  );
  setHandler(
    rejectAccountUpdate,
    ({ agentId, reason }) => decide({ status: 'rejected', agentId, reason: reason.trim() }),
    {
      validator: ({ agentId, reason }) => {
        refuseIfDecided();
        refuseBadAgent(agentId);
        if (typeof reason !== 'string' || reason.trim().length === 0) {
          throw new Error('Le motif du rejet est obligatoire.');
        }
        if (reason.trim().length > REJECTION_REASON_MAX_LENGTH) {
          throw new Error(`Le motif du rejet ne doit pas dépasser ${REJECTION_REASON_MAX_LENGTH} caractères.`);
        }
      },
    },
  );

  // The account row is written in the same transaction that starts this workflow; if that
  // transaction was rolled back after the start, there is nothing to validate.
  if (!(await acts.accountExists(accountId))) {
    showStatus('abandonne');
    reportEnd(ACCOUNT_VALIDATION_KIND, 'abandoned');
    return { status: 'abandoned' };
  }

  await notify(() => acts.sendIdentifierMail(accountId));
  await notify(() => acts.notifyAgentsOfNewAccount(accountId));

  const untilDeadline = Math.max(Date.parse(input.deadline) - Date.now(), 1);
  if (!(await condition(() => decision !== undefined, untilDeadline))) {
    overdue = true;
    showStatus('en-retard');
    await notify(() => acts.sendAccountEscalation(accountId, remindersSent));
    while (!(await condition(() => decision !== undefined, input.reminderIntervalMs))) {
      remindersSent += 1;
      await notify(() => acts.sendAccountEscalation(accountId, remindersSent));
    }
  }

  const final = decision as AccountDecision;
  showStatus(final.status === 'validated' ? 'valide' : 'rejete');
  await notify(() => acts.notifyResidentOfAccountDecision(accountId));
  await condition(allHandlersFinished);
  reportEnd(ACCOUNT_VALIDATION_KIND, final.status);
  return final;
}
