// Activities of the account processes: the only code that writes account decisions and sends
// the account mails. Every send goes through the outbox with a key, so a retried activity
// never sends twice; every status write is conditional on the old status.
import { randomBytes, createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { Account, AccountHistory, Agent, Commune, PasswordReset } from '../db/entities';
import type { Outbox } from '../notify/outbox';
import { deliver, residentAddress } from './delivery';
import { formatParisDateTime } from '../domain/dates';

export interface AccountActivityDeps {
  dataSource: DataSource;
  outbox: Outbox;
  publicUrl: string;
  now?: () => Date;
}

export interface RecordDecisionInput {
  accountId: number;
  status: 'validated' | 'rejected';
  agentId: number;
  reason: string | null;
}

export const PASSWORD_RESET_TTL_MINUTES = 30;

export function createAccountActivities(deps: AccountActivityDeps) {
  const { dataSource, outbox, publicUrl } = deps;
  const now = deps.now ?? (() => new Date());

  async function load(accountId: number): Promise<{ account: Account; commune: Commune }> {
    const account = await dataSource.getRepository(Account).findOneBy({ id: accountId });
    if (!account) throw ApplicationFailure.nonRetryable(`Compte ${accountId} introuvable`, 'AccountNotFound');
    const commune = await dataSource.getRepository(Commune).findOneByOrFail({ id: account.communeId });
    return { account, commune };
  }

  const common = (commune: Commune) => ({ communeName: commune.name, portalUrl: publicUrl });


  return {
    async accountExists(accountId: number): Promise<boolean> {
      return (await dataSource.getRepository(Account).countBy({ id: accountId })) > 0;
    },

    async sendIdentifierMail(accountId: number): Promise<void> {
      const { account, commune } = await load(accountId);
      await deliver(outbox, {
        key: `account:${accountId}:identifier`,
        communeId: commune.id,
        channel: 'email',
        to: account.email,
        template: 'account-identifier',
        data: {
          ...common(commune),
          firstName: account.firstName,
          identifier: account.identifier,
          deadlineText: formatParisDateTime(account.validationDeadline),
        },
      });
    },

    async notifyAgentsOfNewAccount(accountId: number): Promise<void> {
      const { account, commune } = await load(accountId);
      await deliver(outbox, {
        key: `account:${accountId}:new-for-agents`,
        communeId: commune.id,
        channel: 'email',
        to: commune.agentsEmail,
        template: 'account-new-for-agents',
        data: agentMailData(account, commune),
      });
    },

    async sendAccountEscalation(accountId: number, reminderNumber: number): Promise<void> {
      const { account, commune } = await load(accountId);
      if (account.status !== 'pending') return; // decided meanwhile: nothing to chase
      await deliver(outbox, {
        key: `account:${accountId}:escalation:${reminderNumber}`,
        communeId: commune.id,
        channel: 'email',
        to: commune.agentsEmail,
        template: 'account-escalation',
        data: { ...agentMailData(account, commune), reminderNumber },
      });
    },

    async recordAccountDecision(input: RecordDecisionInput): Promise<void> {
      await dataSource.transaction(async (em) => {
        const agent = await em.getRepository(Agent).findOneBy({ id: input.agentId });
        const account = await em.getRepository(Account).findOneBy({ id: input.accountId });
        if (!account) throw ApplicationFailure.nonRetryable('Compte introuvable.', 'AccountNotFound');
        if (!agent || agent.communeId !== account.communeId) {
          throw ApplicationFailure.nonRetryable("Cet agent n'appartient pas à la commune du compte.", 'Forbidden');
        }
        const decidedAt = now();
        const result = await em
          .createQueryBuilder()
          .update(Account)
          .set({
            status: input.status,
            rejectionReason: input.reason,
            decidedAt,
            decidedByAgentId: input.agentId,
            version: () => 'version + 1',
          })
          .where('id = :id AND status = :pending', { id: input.accountId, pending: 'pending' })
          .execute();
        if (result.affected === 1) {
          await em.getRepository(AccountHistory).insert({
            accountId: input.accountId,
            fromStatus: 'pending',
            toStatus: input.status,
            actor: `agent:${input.agentId}`,
            reason: input.reason,
            at: decidedAt,
          });
          return;
        }
        // A retry after a write that did commit finds the status already set: that is success.
        if (account.status === input.status && account.decidedByAgentId === input.agentId) return;
        throw ApplicationFailure.nonRetryable('Ce compte a déjà été validé ou rejeté.', 'AlreadyDecided');
      });
    },

    async notifyResidentOfAccountDecision(accountId: number): Promise<void> {
      const { account, commune } = await load(accountId);
      if (account.status === 'pending') throw new Error('Aucune décision enregistrée pour ce compte.');
      const template = account.status === 'validated' ? 'account-validated' : 'account-rejected';
      await deliver(outbox, {
        key: `account:${accountId}:decision`,
        communeId: commune.id,
        ...residentAddress(account),
        template,
        data: {
          ...common(commune),
          firstName: account.firstName,
          identifier: account.identifier,
          reason: account.rejectionReason,
          mairieAddress: commune.postalAddress,
        },
      });
    },

    /** Security notice after a password change or reset: the holder learns of it at once. */
    async notifyPasswordChanged(input: { accountId: number; changeId: string; changedAt: string }): Promise<void> {
      const { account, commune } = await load(input.accountId);
      await deliver(outbox, {
        key: `password-changed:${input.changeId}`,
        communeId: commune.id,
        channel: 'email',
        to: account.email,
        template: 'password-changed',
        data: {
          ...common(commune),
          firstName: account.firstName,
          identifier: account.identifier,
          changedAtText: formatParisDateTime(new Date(input.changedAt)),
        },
      });
    },

    /**
     * Creates the single-use reset link and mails it. The token is made here, not in the
     * workflow, so it never appears in workflow history; only its SHA-256 is stored.
     */
    async issuePasswordResetLink(input: { requestId: string; accountId: number }): Promise<void> {
      const { account, commune } = await load(input.accountId);
      const token = randomBytes(32).toString('base64url');
      const tokenHash = createHash('sha256').update(token).digest('hex');
      const key = `password-reset:${input.requestId}`;
      if (await outbox.isSent(key)) return; // a retry after the mail went out: keep the first link
      await dataSource.getRepository(PasswordReset).insert({
        accountId: account.id,
        tokenHash,
        expiresAt: new Date(now().getTime() + PASSWORD_RESET_TTL_MINUTES * 60_000),
        usedAt: null,
      });
      await deliver(outbox, {
        key,
        communeId: commune.id,
        channel: 'email',
        to: account.email,
        template: 'password-reset-link',
        data: {
          ...common(commune),
          firstName: account.firstName,
          identifier: account.identifier,
          resetUrl: `${publicUrl}/mot-de-passe-oublie/nouveau/${token}`,
          validMinutes: PASSWORD_RESET_TTL_MINUTES,
        },
        // The link is a secret: once sent, the outbox keeps no readable copy outside dev.
        secret: true,
      });
    },
  };

  function agentMailData(account: Account, commune: Commune) {
    return {
      ...common(commune),
      accountId: account.id,
      firstName: account.firstName,
      lastName: account.lastName,
      identifier: account.identifier,
      email: account.email,
      deadlineText: formatParisDateTime(account.validationDeadline),
      backOfficeUrl: `${publicUrl}/agent/comptes/${account.id}`,
    };
  }
}

export type AccountActivities = ReturnType<typeof createAccountActivities>;
