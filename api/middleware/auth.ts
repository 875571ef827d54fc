// Who is calling: a resident of this commune, an agent of this commune, or nobody. A session
// opened on one commune's portal is worthless on another's.
import type { NextFunction, Request, Response } from 'express';
import type { Account, Agent } from '../../db/entities';
import { UnauthenticatedError } from '../errors';
import type { AccountService } from '../services/accounts.service';
import type { AgentService } from '../services/agent.service';

declare module 'express-serve-static-core' {
  interface Request {
    account?: Account;
    agent?: Agent;
  }
}

/** Loads the logged-in resident or agent, if any, for the pages' header. */
export function loadUser(accounts: AccountService, agents: AgentService) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const s = req.session;
    if (s.communeId !== undefined && s.communeId !== req.commune.id) {
      delete s.residentId;
      delete s.agentId;
    }
    if (s.residentId) req.account = await accounts.getAccount(s.residentId).catch(() => undefined);
    if (s.agentId) req.agent = await agents.getAgent(s.agentId).catch(() => undefined);
    if (s.residentId && !req.account) delete s.residentId;
    if (s.agentId && !req.agent) delete s.agentId;
    next();
  };
}

export function requireResident(req: Request, _res: Response, next: NextFunction): void {
  if (!req.account) return next(new UnauthenticatedError());
  next();
}

export function requireAgent(req: Request, _res: Response, next: NextFunction): void {
  if (!req.agent || req.agent.communeId !== req.commune.id) {
    return next(new UnauthenticatedError('Connectez-vous à l’espace agents pour accéder à cette page.'));
  }
  next();
}

/** A new session id at every login, so a planted session cookie is useless (session fixation). */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

/**
 * A new session id after a password change or reset, keeping the CSRF token (an API client goes on
 * with it) and, after a change, the user: whoever had copied the old cookie has nothing left. The
 * services delete the account's other sessions.
 */
export async function renewSession(req: Request, keep: 'user' | 'token'): Promise<void> {
  const { communeId, residentId, agentId, csrfToken } = req.session;
  await regenerateSession(req);
  Object.assign(req.session, keep === 'user' ? { communeId, residentId, agentId, csrfToken } : { communeId, csrfToken });
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}
