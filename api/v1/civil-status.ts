// JSON API of the civil-status certificates (actes de naissance, de mariage, de décès): the
// submission, open without an account (captcha from GET /captcha, CSRF token from GET /session),
// the requester's tracking by the secret token of their link, and the agents' queue and decisions.
// Routes are added straight onto the /api/v1 router, as in api/v1/demarches.ts, so that
// tests/unit/openapi.test.ts sees them. The rules live in CivilStatusService and
// domain/civil-status.ts; the handlers check the body's shape and shape the answers.
import type { Router } from 'express';
import type { CivilStatusHistory, CivilStatusRequest } from '../../db/entities';
import {
  ACT_LABELS,
  COPY_LABELS,
  addressLines,
  checkCivilStatusRequest,
  describeAct,
  isActKind,
  relationLabel,
  type ActKind,
  type CopyKind,
} from '../../domain/civil-status';
import { CIVIL_STATUS_LABELS, REFUSAL_MAX_LENGTH, REFUSAL_REASONS, isCivilStatusStatus } from '../../domain/civil-status-status';
import { trackingPath } from '../../notify/tracking-link';
import { civilStatusQueueFilters } from '../agent/civil-status';
import { ValidationError, type FieldErrors } from '../errors';
import { requireAgent } from '../middleware/auth';
import { SUBMISSION_KEY, refusalReason, type CivilStatusService } from '../services/civil-status.service';
import { body, clientIp, currentAgent, isRecord, nonEmptyString } from './request';

/** The longest refusal the decision rule accepts (domain/civil-status-status.ts, checkDecision). */
export const MAX_REFUSAL_LENGTH = REFUSAL_MAX_LENGTH;
/** The refusal codes an agent may send: a listed reason, or «autre» with their own words. */
export const REFUSAL_CODES = [...Object.keys(REFUSAL_REASONS), 'autre'] as const;

/** The history's events as the requester reads them; the agents' reminders are not shown. */
export const CIVIL_STATUS_EVENT_LABELS: Record<string, string> = {
  deposer: 'Demande déposée',
  delivrer: 'Acte délivré et envoyé par courrier',
  refuser: 'Demande refusée',
};
const INTERNAL_EVENTS = new Set(['relancer_agents']);

/** The answer to a submission: the tracking link is the requester's only way back. */
export interface CivilStatusSubmittedView {
  number: string;
  status: string;
  statusLabel: string;
  /** The portal's tracking page, `/suivi/<token>`; the API reads it at /actes/suivi/<token>. */
  trackingUrl: string;
}

/**
 * What the tracking link shows. It may be forwarded: no requester name, email, phone or address,
 * nor the names on the act.
 */
export interface CivilStatusTrackingView {
  number: string;
  act: string;
  actLabel: string;
  copy: string;
  copyLabel: string;
  copies: number;
  status: string;
  statusLabel: string;
  submittedAt: string;
  decidedAt: string | null;
  /** The refusal's reason, when refused; null otherwise. */
  decisionReason: string | null;
  history: Array<{ date: string; event: string; label: string; status: string; statusLabel: string }>;
}

/** A request in the agents' queue, with what it takes to find the act and post it. */
export interface CivilStatusAgentView {
  number: string;
  act: string;
  actLabel: string;
  copy: string;
  copyLabel: string;
  copies: number;
  /** «Copie intégrale — acte de naissance de Jean Dupont, date de naissance : 01/02/1990». */
  description: string;
  status: string;
  statusLabel: string;
  submittedAt: string;
  dueAt: string;
  overdue: boolean;
  decidedAt: string | null;
  decisionReason: string | null;
  /** True when a logged-in resident asked (the request shows in their «Demandes»). */
  withAccount: boolean;
  requester: { lastName: string; firstName: string; email: string; phone: string | null; relation: string; relationLabel: string };
  /** The envelope's lines, the requester's name first. */
  postalAddress: string[];
}

export interface CivilStatusQueueView {
  total: number;
  page: number;
  pageCount: number;
  requests: CivilStatusAgentView[];
}

export interface CivilStatusDecisionView {
  number: string;
  status: string;
  statusLabel: string;
  decidedAt: string | null;
  decisionReason: string | null;
}

const statusLabelOf = (status: string) => (isCivilStatusStatus(status) ? CIVIL_STATUS_LABELS[status] : status);
const actLabelOf = (act: string) => (isActKind(act) ? ACT_LABELS[act] : act);
const copyLabelOf = (copy: string) => (Object.prototype.hasOwnProperty.call(COPY_LABELS, copy) ? COPY_LABELS[copy as CopyKind] : copy);

export function civilStatusSubmittedView(request: CivilStatusRequest, token: string): CivilStatusSubmittedView {
  return { number: request.number, status: request.status, statusLabel: statusLabelOf(request.status), trackingUrl: trackingPath(token) };
}

export function civilStatusTrackingView(request: CivilStatusRequest, history: CivilStatusHistory[]): CivilStatusTrackingView {
  return {
    number: request.number,
    act: request.actKind,
    actLabel: actLabelOf(request.actKind),
    copy: request.copyKind,
    copyLabel: copyLabelOf(request.copyKind),
    copies: request.copies,
    status: request.status,
    statusLabel: statusLabelOf(request.status),
    submittedAt: request.submittedAt.toISOString(),
    decidedAt: request.decidedAt?.toISOString() ?? null,
    decisionReason: request.status === 'refusee' ? request.decisionReason : null,
    // Who acted stays out (an agent's number is the mairie's business), and so do reasons: the
    // refusal's is above; the reminders to the agents are internal.
    history: history
      .filter((h) => !INTERNAL_EVENTS.has(h.event))
      .map((h) => ({
        date: h.at.toISOString(),
        event: h.event,
        label: CIVIL_STATUS_EVENT_LABELS[h.event] ?? h.event,
        status: h.toStatus,
        statusLabel: statusLabelOf(h.toStatus),
      })),
  };
}

export function civilStatusAgentView(request: CivilStatusRequest, overdue: boolean): CivilStatusAgentView {
  const d = request.details;
  const act: ActKind = isActKind(request.actKind) ? request.actKind : d.act;
  const requesterName = [d.requester.firstName, d.requester.lastName].filter(Boolean).join(' ');
  return {
    number: request.number,
    act: request.actKind,
    actLabel: actLabelOf(request.actKind),
    copy: request.copyKind,
    copyLabel: copyLabelOf(request.copyKind),
    copies: request.copies,
    description: describeAct(d),
    status: request.status,
    statusLabel: statusLabelOf(request.status),
    submittedAt: request.submittedAt.toISOString(),
    dueAt: request.dueAt.toISOString(),
    overdue,
    decidedAt: request.decidedAt?.toISOString() ?? null,
    decisionReason: request.decisionReason,
    withAccount: request.accountId !== null,
    requester: {
      lastName: d.requester.lastName,
      firstName: d.requester.firstName,
      email: d.requester.email,
      phone: d.requester.phone,
      relation: d.relation,
      relationLabel: relationLabel(act, d.relation),
    },
    postalAddress: [requesterName, ...addressLines(d.address)],
  };
}

export function civilStatusDecisionView(request: CivilStatusRequest): CivilStatusDecisionView {
  return {
    number: request.number,
    status: request.status,
    statusLabel: statusLabelOf(request.status),
    decidedAt: request.decidedAt?.toISOString() ?? null,
    decisionReason: request.decisionReason,
  };
}

export interface CivilStatusRoutesServices {
  civilStatus: CivilStatusService;
}

export function addCivilStatusRoutes(router: Router, deps: CivilStatusRoutesServices): void {
  // Read at each call: the OpenAPI test builds the router without any service.
  const civilStatus = () => deps.civilStatus;

  // ——— the requester, with or without an account ———

  router.post('/actes', async (req, res) => {
    const input = body(req);
    const fields: FieldErrors = {};
    const act = input.act;
    const answers = input.answers;
    const captchaId = nonEmptyString(input.captchaId);
    const captchaAnswer = nonEmptyString(input.captchaAnswer);
    const submissionKey = typeof input.submissionKey === 'string' ? input.submissionKey.trim() : '';
    if (!isActKind(act)) fields.act = 'Choisissez l’acte demandé : « naissance », « mariage » ou « deces ».';
    if (!isRecord(answers)) fields.answers = 'Les réponses doivent être envoyées sous forme d’objet { champ: valeur }.';
    if (!captchaId) fields.captchaId = 'L’identifiant du cryptogramme est obligatoire : demandez un cryptogramme par GET /captcha.';
    if (!captchaAnswer) fields.captchaAnswer = 'Le cryptogramme est obligatoire.';
    if (!SUBMISSION_KEY.test(submissionKey)) {
      fields.submissionKey = 'La clé d’envoi est obligatoire : un identifiant unique par demande (un UUID), le même si vous renvoyez la demande.';
    }
    if (!isActKind(act) || !isRecord(answers) || !captchaId || !captchaAnswer || Object.keys(fields).length) {
      // Every error at once: the form's own, when it can be read, join those of the envelope.
      if (isActKind(act) && isRecord(answers)) {
        const checked = checkCivilStatusRequest(act, answers);
        if (!checked.ok) for (const [field, message] of Object.entries(checked.errors)) fields[field] ??= message;
      }
      throw new ValidationError(fields);
    }
    let request: CivilStatusRequest;
    try {
      request = await civilStatus().submit(req.commune, {
        act,
        answers,
        captcha: { id: captchaId, answer: captchaAnswer },
        submissionKey,
        ip: clientIp(req),
        account: req.account ?? null,
      });
    } catch (err) {
      throw withApiFieldNames(err);
    }
    const token = civilStatus().tokenOf(request);
    res.status(201).location(`/api/v1/actes/suivi/${token}`).json(civilStatusSubmittedView(request, token));
  });

  router.get('/actes/suivi/:token', async (req, res) => {
    const { request, history } = await civilStatus().track(req.commune, String(req.params.token));
    res.json(civilStatusTrackingView(request, history));
  });

  // ——— back office ———

  router.get('/agent/actes', requireAgent, async (req, res) => {
    const service = civilStatus();
    const queue = await service.queue(req.commune, civilStatusQueueFilters(req.query as Record<string, unknown>));
    const view: CivilStatusQueueView = {
      total: queue.total,
      page: queue.page,
      pageCount: queue.pageCount,
      requests: queue.requests.map((r) => civilStatusAgentView(r, service.isOverdue(r))),
    };
    res.json(view);
  });

  router.post('/agent/actes/:number/issue', requireAgent, async (req, res) => {
    const request = await civilStatus().issue(req.commune, currentAgent(req), String(req.params.number));
    res.json(civilStatusDecisionView(request));
  });

  router.post('/agent/actes/:number/refuse', requireAgent, async (req, res) => {
    const input = body(req);
    const code = typeof input.reasonCode === 'string' ? input.reasonCode.trim() : '';
    const text = typeof input.reason === 'string' ? input.reason : '';
    const fields: FieldErrors = {};
    if (!(REFUSAL_CODES as readonly string[]).includes(code)) {
      fields.reasonCode = `Choisissez un motif de refus : ${REFUSAL_CODES.map((c) => `« ${c} »`).join(', ')}.`;
    } else if (input.reason !== undefined && input.reason !== null && typeof input.reason !== 'string') {
      fields.reason = 'Le motif doit être un texte.';
    } else if (code === 'autre' && !text.trim()) {
      fields.reason = 'Indiquez le motif du refus : il est envoyé au demandeur.';
    } else {
      // The reason as the requester will read it (a listed one and the precision): the decision
      // rule's limit, a 422 here rather than the 409 of a refused decision.
      let full: string;
      try {
        full = refusalReason(code, text);
      } catch (err) {
        throw withApiFieldNames(err);
      }
      if (full.trim().length > MAX_REFUSAL_LENGTH) {
        fields.reason = `Le motif du refus ne doit pas dépasser ${MAX_REFUSAL_LENGTH} caractères, avec celui de la liste.`;
      }
    }
    if (Object.keys(fields).length) throw new ValidationError(fields);
    let request: CivilStatusRequest;
    try {
      request = await civilStatus().refuse(req.commune, currentAgent(req), String(req.params.number), code, text);
    } catch (err) {
      throw withApiFieldNames(err);
    }
    res.json(civilStatusDecisionView(request));
  });
}

/** The service names some fields as the portal's forms do; the API's bodies name them otherwise. */
const API_FIELD_NAMES: Record<string, string> = { cryptogramme: 'captchaAnswer', motif_code: 'reasonCode', motif: 'reason' };

/** The same error, its field errors keyed by the names the API's bodies use. */
function withApiFieldNames(err: unknown): unknown {
  if (!(err instanceof ValidationError)) return err;
  const fields: FieldErrors = {};
  for (const [field, message] of Object.entries(err.fields)) fields[API_FIELD_NAMES[field] ?? field] ??= message;
  return new ValidationError(fields, err.message);
}
