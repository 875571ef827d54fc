// JSON API /api/v1: the same services and rules as the portal pages, with the forms' French field
// names. Thin handlers: validate the shape, call the service, shape the answer. Errors reach the
// error middleware, which renders `{ error: { code, message, fields } }` under /api.
import { Router, type Request } from 'express';
import type { Config } from '../../config';
import type { Account, Agent, HouseholdMember } from '../../db/entities';
import type { CaptchaService } from '../captcha/captcha.service';
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from '../errors';
import { destroySession, regenerateSession, renewSession, requireAgent, requireResident } from '../middleware/auth';
import { csrfToken } from '../middleware/csrf';
import { SESSION_COOKIE } from '../middleware/session';
import { MAX_MEMBERS, type AccountService, type MemberValues, type SecurityValues } from '../services/accounts.service';
import type { AgentService, PendingAccount } from '../services/agent.service';
import type { PasswordResetService } from '../services/password-reset.service';
import { loginSchema } from '../validation/account';
import { validate } from '../validation/french-joi';
import { openApiDocument } from './openapi';
import type { RequestsService } from '../services/requests.service';
import type { DemarcheService } from '../services/demarches.service';
import type { DocumentService } from '../services/documents.service';
import type { DraftService } from '../services/drafts.service';
import { addDemarcheRoutes } from './demarches';
import type { CivilStatusService } from '../services/civil-status.service';
import { addCivilStatusRoutes } from './civil-status';
import type { InvoiceImportService } from '../services/invoice-import.service';
import { addInvoiceImportRoutes } from './invoices';
import type { PaymentsService } from '../services/payments.service';
import { addPaymentRoutes } from './payments';
import { body, clientIp, currentAccount, currentAgent, isRecord, nonEmptyString, strictId } from './request';

export interface ApiV1Deps {
  config: Config;
  services: {
    accounts: AccountService;
    agents: AgentService;
    passwordReset: PasswordResetService;
    captcha: CaptchaService;
    requests: RequestsService;
    demarches: DemarcheService;
    documents: DocumentService;
    drafts: DraftService;
    civilStatus: CivilStatusService;
    invoiceImport: InvoiceImportService;
    payments: PaymentsService;
  };
}

/** Who the session belongs to, as `GET /session` and the logins describe it. */
export type SessionUser =
  | { kind: 'resident'; identifier: string; prenom: string; nom: string; statut: Account['status'] }
  | { kind: 'agent'; login: string; nom: string; role: Agent['role'] };

/** The account as its holder sees it: never a hash, never a token. */
export interface AccountView {
  identifier: string;
  civilite: string;
  prenom: string;
  nom: string;
  date_naissance: string;
  email: string;
  telephone: string | null;
  adresse: string;
  code_postal: string;
  ville: string;
  mode_communication: Account['communicationChannel'];
  statut: Account['status'];
  validationDeadline: string;
  rejectionReason: string | null;
  securityQuestion: string;
}

/** A household member, with the same field names the member forms send. */
export interface MemberView {
  id: number;
  membre_type: HouseholdMember['kind'];
  membre_civilite: string;
  membre_prenom: string;
  membre_nom: string;
  membre_date_naissance: string;
  membre_lien: string | null;
}

export interface PendingAccountView {
  id: number;
  identifier: string;
  prenom: string;
  nom: string;
  email: string;
  createdAt: string;
  validationDeadline: string;
  overdue: boolean;
}

const RESET_SENT_MESSAGE = 'Un courriel contenant un lien de réinitialisation vous a été envoyé.';
const RESET_NOT_STARTED_MESSAGE = 'Commencez par indiquer votre identifiant.';

export function apiV1Routes(deps: ApiV1Deps): Router {
  const { accounts, agents, passwordReset, captcha } = deps.services;
  const router = Router();

  // Answers carry personal data and one-time tokens: no browser or proxy may keep them.
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  // ——— session ———

  router.get('/session', (req, res) => {
    // Writing the commune makes express-session store the session, so the cookie holding the
    // CSRF secret reaches the client before its first POST.
    req.session.communeId = req.commune.id;
    res.json({ csrfToken: csrfToken(req), user: sessionUser(req) });
  });

  router.post('/session', async (req, res) => {
    const { identifiant, mot_de_passe } = validate(loginSchema, body(req)) as { identifiant: string; mot_de_passe: string };
    const account = await accounts.authenticate(req.commune, identifiant, mot_de_passe, clientIp(req));
    await regenerateSession(req);
    req.session.residentId = account.id;
    req.session.communeId = req.commune.id;
    res.json({ user: residentUser(account), csrfToken: csrfToken(req) });
  });

  router.delete('/session', async (req, res) => {
    await destroySession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/captcha', async (_req, res) => {
    res.json(await captcha.create());
  });

  // ——— sign-up, all tabs in one request ———

  router.post('/accounts', async (req, res) => {
    const input = body(req);
    const fields: FieldErrors = {};
    const identite = collect(fields, '', () => accounts.validateIdentity(input));
    const coordonnees = collect(fields, '', () => accounts.validateContact(input));
    const foyer = signupMembers(accounts, input.membres, fields);
    let securite: SecurityValues | undefined;
    try {
      securite = await accounts.validateSecurity(input, { identite, coordonnees }, clientIp(req));
    } catch (err) {
      mergeFieldErrors(fields, '', err);
    }
    const captchaId = nonEmptyString(input.captcha_id);
    const captchaAnswer = nonEmptyString(input.cryptogramme);
    if (!captchaId) fields.captcha_id = 'L’identifiant du cryptogramme est obligatoire : demandez un cryptogramme.';
    if (!captchaAnswer) fields.cryptogramme = 'Le cryptogramme est obligatoire.';
    if (Object.keys(fields).length || !identite || !coordonnees || !foyer || !securite || !captchaId || !captchaAnswer) {
      throw new ValidationError(fields);
    }
    // createAccount checks the address is free (409) before it claims the cryptogramme.
    const account = await accounts.createAccount(
      req.commune,
      { identite, coordonnees, foyer, securite },
      { id: captchaId, answer: captchaAnswer },
    );
    // The identifier goes out by mail only (FAQ): whoever posted this form may not own the address.
    res.status(201).json({
      status: 'pending',
      email: account.email,
      validationDeadline: account.validationDeadline.toISOString(),
    });
  });

  // ——— the resident's own account ———

  router.get('/me', requireResident, (req, res) => {
    res.json(accountView(currentAccount(req)));
  });

  router.patch('/me', requireResident, async (req, res) => {
    const updated = await accounts.updateContact(currentAccount(req), req.commune, body(req));
    res.json(accountView(updated));
  });

  router.put('/me/password', requireResident, async (req, res) => {
    await accounts.changePassword(currentAccount(req), req.commune, body(req), clientIp(req));
    await renewSession(req, 'user');
    res.status(204).end();
  });

  router.put('/me/security-question', requireResident, async (req, res) => {
    await accounts.changeSecurityQuestion(currentAccount(req), body(req), clientIp(req));
    res.status(204).end();
  });

  router.get('/me/members', requireResident, async (req, res) => {
    const members = await accounts.listMembers(currentAccount(req).id);
    res.json(members.map(memberView));
  });

  router.post('/me/members', requireResident, async (req, res) => {
    const member = await accounts.addMember(currentAccount(req), body(req));
    res.status(201).json(memberView(member));
  });

  router.put('/me/members/:memberId', requireResident, async (req, res) => {
    const member = await accounts.updateMember(currentAccount(req), strictId(req.params.memberId), body(req));
    res.json(memberView(member));
  });

  router.delete('/me/members/:memberId', requireResident, async (req, res) => {
    await accounts.removeMember(currentAccount(req), strictId(req.params.memberId));
    res.status(204).end();
  });

  // ——— «Mot de passe oublié ?» ———

  router.post('/password-reset', async (req, res) => {
    const pending = await passwordReset.start(req.commune, body(req), clientIp(req));
    req.session.reset = pending;
    req.session.communeId = req.commune.id;
    res.json({ question: pending.question });
  });

  // Registered before `/password-reset/:token` so that «answer» is never taken for a token.
  router.post('/password-reset/answer', async (req, res) => {
    const pending = req.session.reset;
    if (!pending || req.session.communeId !== req.commune.id) throw new ConflictError(RESET_NOT_STARTED_MESSAGE);
    await passwordReset.answer(req.commune, pending.accountId, body(req), clientIp(req));
    delete req.session.reset;
    res.status(202).json({ message: RESET_SENT_MESSAGE });
  });

  router.post('/password-reset/:token', async (req, res) => {
    await passwordReset.resetPassword(req.commune, req.params.token, body(req), clientIp(req));
    await renewSession(req, 'token');
    res.status(204).end();
  });

  // ——— back office ———

  router.post('/agent/session', async (req, res) => {
    const { identifiant, mot_de_passe } = validate(loginSchema, body(req)) as { identifiant: string; mot_de_passe: string };
    const agent = await agents.authenticate(req.commune, identifiant, mot_de_passe, clientIp(req));
    await regenerateSession(req);
    req.session.agentId = agent.id;
    req.session.communeId = req.commune.id;
    res.json({ user: agentUser(agent), csrfToken: csrfToken(req) });
  });

  router.get('/agent/accounts', requireAgent, async (req, res) => {
    const pending = await agents.listPendingAccounts(currentAgent(req));
    res.json(pending.map(pendingAccountView));
  });

  router.post('/agent/accounts/:accountId/validate', requireAgent, async (req, res) => {
    await agents.validateAccount(currentAgent(req), req.commune, strictId(req.params.accountId));
    res.json({ status: 'validated' });
  });

  router.post('/agent/accounts/:accountId/reject', requireAgent, async (req, res) => {
    await agents.rejectAccount(currentAgent(req), req.commune, strictId(req.params.accountId), body(req));
    res.json({ status: 'rejected' });
  });

  // ——— démarches: catalogue, the resident's requests, the agents' queue (api/v1/demarches.ts) ———
  addDemarcheRoutes(router, deps.services);

  // ——— actes d'état civil: submission without an account, tracking link, agents (api/v1/civil-status.ts) ———
  addCivilStatusRoutes(router, deps.services);

  // ——— factures: the billing software's import, by the régie's API key (api/v1/invoices.ts) ———
  addInvoiceImportRoutes(router, deps.services);

  // ——— «Mes comptes»: invoices, basket, checkout and payments of the household (api/v1/payments.ts).
  // The providers' callback is another router (paymentNotificationRoutes), mounted before this one
  // by api/app.ts because it comes without session or CSRF token.
  addPaymentRoutes(router, deps.services);

  // Unknown API paths answer in JSON too, instead of falling through to the portal's pages.
  router.use((_req, _res, next) => {
    next(new NotFoundError('Cette opération n’existe pas dans l’API.'));
  });

  return router;
}

// ——— views ———

export function accountView(a: Account): AccountView {
  return {
    identifier: a.identifier,
    civilite: a.civility,
    prenom: a.firstName,
    nom: a.lastName,
    date_naissance: a.birthDate,
    email: a.email,
    telephone: a.phone,
    adresse: a.addressLine,
    code_postal: a.postalCode,
    ville: a.city,
    mode_communication: a.communicationChannel,
    statut: a.status,
    validationDeadline: a.validationDeadline.toISOString(),
    rejectionReason: a.rejectionReason,
    securityQuestion: a.securityQuestion,
  };
}

export function memberView(m: HouseholdMember): MemberView {
  return {
    id: m.id,
    membre_type: m.kind,
    membre_civilite: m.civility,
    membre_prenom: m.firstName,
    membre_nom: m.lastName,
    membre_date_naissance: m.birthDate,
    membre_lien: m.relationship,
  };
}

export function pendingAccountView({ account, overdue }: PendingAccount): PendingAccountView {
  return {
    id: account.id,
    identifier: account.identifier,
    prenom: account.firstName,
    nom: account.lastName,
    email: account.email,
    createdAt: account.createdAt.toISOString(),
    validationDeadline: account.validationDeadline.toISOString(),
    overdue,
  };
}

function residentUser(a: Account): SessionUser {
  return { kind: 'resident', identifier: a.identifier, prenom: a.firstName, nom: a.lastName, statut: a.status };
}

function agentUser(a: Agent): SessionUser {
  return { kind: 'agent', login: a.login, nom: a.displayName, role: a.role };
}

function sessionUser(req: Request): SessionUser | null {
  if (req.account) return residentUser(req.account);
  if (req.agent && req.agent.communeId === req.commune.id) return agentUser(req.agent);
  return null;
}

// ——— helpers ———

/** Runs one validator; its field errors join `fields` (under `prefix`) instead of stopping the request. */
function collect<T>(fields: FieldErrors, prefix: string, run: () => T): T | undefined {
  try {
    return run();
  } catch (err) {
    mergeFieldErrors(fields, prefix, err);
    return undefined;
  }
}

function mergeFieldErrors(fields: FieldErrors, prefix: string, err: unknown): void {
  if (!(err instanceof ValidationError)) throw err;
  for (const [field, message] of Object.entries(err.fields)) {
    const key = field === '_' && prefix ? prefix.replace(/\.$/, '') : `${prefix}${field}`;
    fields[key] ??= message;
  }
}

/** The household declared at sign-up; errors are keyed `membres.<index>.<field>`. */
function signupMembers(accounts: AccountService, raw: unknown, fields: FieldErrors): MemberValues[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    fields.membres = 'Les membres du foyer doivent être envoyés sous forme de liste.';
    return undefined;
  }
  if (raw.length > MAX_MEMBERS) {
    fields.membres = `Un foyer compte au plus ${MAX_MEMBERS} membres en plus du titulaire.`;
    return undefined;
  }
  const members: MemberValues[] = [];
  raw.forEach((item: unknown, index) => {
    const member = collect(fields, `membres.${index}.`, () => accounts.validateMember(isRecord(item) ? item : {}));
    if (member) members.push(member);
  });
  return members.length === raw.length ? members : undefined;
}

// Re-exported so app.ts can also serve the description at /api/openapi.json.
export { openApiDocument };
