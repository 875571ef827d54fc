// What every /api/v1 handler reads from the request: the JSON body, the caller, a route id, the
// client's address. One copy for the résident, démarche, civil-status and payment routers.
import type { Request } from 'express';
import type { Account, Agent } from '../../db/entities';
import { UnauthenticatedError } from '../errors';

/** The JSON body as an object; anything else (no body, an array, a string) reads as an empty form. */
export function body(req: Request): Record<string, unknown> {
  const raw: unknown = req.body;
  return isRecord(raw) ? raw : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? '';
}

/**
 * Route ids are digits only: «12abc» or «1e3» is no id. Anything else becomes NaN, which the
 * services answer with their own 404, so a malformed id and a foreign one look the same.
 */
export function strictId(raw: string | string[] | undefined): number {
  return typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
}

export function currentAccount(req: Request): Account {
  if (!req.account) throw new UnauthenticatedError();
  return req.account;
}

export function currentAgent(req: Request): Agent {
  if (!req.agent) throw new UnauthenticatedError('Connectez-vous à l’espace agents pour accéder à cette page.');
  return req.agent;
}
