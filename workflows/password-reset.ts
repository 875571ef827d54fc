// «Mot de passe oublié ?»: once the resident has answered their security question, this
// workflow mails a single-use reset link (never a password: CNIL SAN-2022-018).
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { AccountActivities } from '../activities/accounts';
import { COMMUNE, PROCESS_KIND, PROCESS_STATUS } from './search-attributes';
import { reportEnd } from './process-end';

export interface PasswordResetInput {
  requestId: string;
  accountId: number;
  communeSlug: string;
}

export const passwordResetWorkflowId = (requestId: string): string => `mot-de-passe-${requestId}`;

const acts = proxyActivities<AccountActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

export async function passwordReset(input: PasswordResetInput): Promise<void> {
  upsertSearchAttributes([
    { key: COMMUNE, value: input.communeSlug },
    { key: PROCESS_KIND, value: 'reinitialisation-mot-de-passe' },
    { key: PROCESS_STATUS, value: 'envoi-du-lien' },
  ]);
  await acts.issuePasswordResetLink({ requestId: input.requestId, accountId: input.accountId });
  upsertSearchAttributes([{ key: PROCESS_STATUS, value: 'lien-envoye' }]);
  reportEnd('reinitialisation-mot-de-passe', 'done');
}
