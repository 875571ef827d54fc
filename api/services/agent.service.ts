// The back office for account validation. An agent sees and acts only on their own commune.
import type { DataSource } from 'typeorm';
import { Account, AccountHistory, Agent, Commune } from '../../db/entities';
import { NotFoundError, UnauthenticatedError } from '../errors';
import { rejectionSchema } from '../validation/account';
import { validate } from '../validation/french-joi';
import type { Processes } from './processes';
import { verifyAgainstDecoy, verifySecret } from './secrets';
import { LOGIN_LOCK_MESSAGE, type Throttle } from './throttle';


export interface PendingAccount {
  account: Account;
  overdue: boolean;
}

export class AgentService {
  constructor(
    private readonly deps: { dataSource: DataSource; processes: Processes; loginThrottle: Throttle; now?: () => Date },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Agents log in on their own commune's portal only. */
  async authenticate(commune: Commune, login: string, password: string, ip: string): Promise<Agent> {
    const keys = [`agent:${login.trim().toLowerCase()}`, `ip:${ip}`];
    await this.deps.loginThrottle.assertAllowed(keys, LOGIN_LOCK_MESSAGE);
    const agent = await this.deps.dataSource.getRepository(Agent).findOneBy({ login: login.trim().toLowerCase(), communeId: commune.id });
    const ok = agent ? await verifySecret(agent.passwordHash, password) : await verifyAgainstDecoy(password);
    if (!agent || !ok) {
      await this.deps.loginThrottle.recordFailure(keys, LOGIN_LOCK_MESSAGE);
      throw new UnauthenticatedError('Identifiant ou mot de passe incorrect.');
    }
    await this.deps.loginThrottle.reset(keys[0]);
    return agent;
  }

  async getAgent(agentId: number): Promise<Agent> {
    const agent = await this.deps.dataSource.getRepository(Agent).findOneBy({ id: agentId });
    if (!agent) throw new UnauthenticatedError('Votre session a expiré : reconnectez-vous.');
    return agent;
  }

  /** Pending accounts of the agent's commune, the most urgent first. */
  async listPendingAccounts(agent: Agent): Promise<PendingAccount[]> {
    const accounts = await this.deps.dataSource.getRepository(Account).find({
      where: { communeId: agent.communeId, status: 'pending' },
      order: { validationDeadline: 'ASC', id: 'ASC' },
      take: 500,
    });
    const now = this.now().getTime();
    return accounts.map((account) => ({ account, overdue: account.validationDeadline.getTime() < now }));
  }

  /** An account of the agent's commune, or 404: another commune's accounts do not exist here. */
  async getAccount(agent: Agent, accountId: number): Promise<{ account: Account; history: AccountHistory[]; overdue: boolean }> {
    const account = Number.isSafeInteger(accountId)
      ? await this.deps.dataSource.getRepository(Account).findOneBy({ id: accountId, communeId: agent.communeId })
      : null;
    if (!account) throw new NotFoundError("Ce compte n'existe pas dans votre commune.");
    const history = await this.deps.dataSource
      .getRepository(AccountHistory)
      .find({ where: { accountId: account.id }, order: { at: 'ASC', id: 'ASC' } });
    const overdue = account.status === 'pending' && account.validationDeadline.getTime() < this.now().getTime();
    return { account, history, overdue };
  }

  async validateAccount(agent: Agent, commune: Commune, accountId: number): Promise<void> {
    const { account } = await this.getAccount(agent, accountId);
    await this.deps.processes.decideAccount(commune.slug, account.id, { status: 'validated', agentId: agent.id });
  }

  async rejectAccount(agent: Agent, commune: Commune, accountId: number, input: unknown): Promise<void> {
    const { account } = await this.getAccount(agent, accountId);
    const { motif } = validate(rejectionSchema, input) as { motif: string };
    await this.deps.processes.decideAccount(commune.slug, account.id, { status: 'rejected', agentId: agent.id, reason: motif });
  }
}
