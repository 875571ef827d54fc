// After a password change or reset, the holder is told by mail: if it was not them, they can
// react (CNIL recommends notifying every change of an authentication secret).
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { AccountActivities } from '../activities/accounts';
import { COMMUNE, PROCESS_KIND, PROCESS_STATUS } from './search-attributes';
import { reportEnd } from './process-end';

export interface PasswordChangedInput {
  changeId: string;
  accountId: number;
  communeSlug: string;
  /** ISO instant of the change. */
  changedAt: string;
}

export const passwordChangedWorkflowId = (changeId: string): string => `mot-de-passe-modifie-${changeId}`;

const acts = proxyActivities<AccountActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

export async function passwordChanged(input: PasswordChangedInput): Promise<void> {
  upsertSearchAttributes([
    { key: COMMUNE, value: input.communeSlug },
    { key: PROCESS_KIND, value: 'mot-de-passe-modifie' },
    { key: PROCESS_STATUS, value: 'avis-a-envoyer' },
  ]);
  await acts.notifyPasswordChanged({ accountId: input.accountId, changeId: input.changeId, changedAt: input.changedAt });
  upsertSearchAttributes([{ key: PROCESS_STATUS, value: 'avis-envoye' }]);
  reportEnd('mot-de-passe-modifie', 'done');
}
