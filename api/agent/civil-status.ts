// The back office's «Actes d'état civil»: the commune's queue of certificate requests with its
// filters, a request in full (with the envelope-ready address), and the two decisions: issue and
// post the certificate, or refuse with a reason. Mounted by api/agent/routes.ts behind its agent
// check; every lookup goes through the host's commune (another commune's number is a 404).
import { Router, type Request, type Response } from 'express';
import type { Agent, CivilStatusRequest } from '../../db/entities';
import {
  ACT_KINDS,
  ACT_LABELS,
  COPY_LABELS,
  EVENT_DATE_LABELS,
  addressLines,
  isActKind,
  relationLabel,
  type ActKind,
  type CivilStatusDetails,
  type CopyKind,
} from '../../domain/civil-status';
import {
  CIVIL_STATUS_LABELS,
  CIVIL_STATUS_STATUSES,
  REFUSAL_REASONS,
  isCivilStatusStatus,
} from '../../domain/civil-status-status';
import { formatIsoDay, formatParisDate, formatParisDateTime } from '../../domain/dates';
import { AppError } from '../errors';
import type { PageRenderer } from '../pages';
import { onFormError } from '../portal/routes';
import type { CivilStatusInFull, CivilStatusQueueFilters, CivilStatusService } from '../services/civil-status.service';

const BASE = '/agent/actes';

/** The history's events, in the agents' words. */
export const CIVIL_STATUS_EVENT_LABELS: Record<string, string> = {
  deposer: 'Demande déposée',
  delivrer: 'Acte délivré et envoyé',
  refuser: 'Demande refusée',
  relancer_agents: 'Rappel aux agents (délai dépassé)',
};

/** The history's «Par» column: the requester (with or without an account), the workflow, an agent. */
export function civilStatusActorLabel(actor: string): string {
  if (actor === 'demandeur' || actor.startsWith('resident:')) return 'Le demandeur';
  if (actor === 'system') return 'Automatique';
  return actor.startsWith('agent:') ? `Agent n° ${actor.slice(6)}` : actor;
}

/** Queue filters from a query string; anything unknown is ignored rather than refused. */
export function civilStatusQueueFilters(query: Record<string, unknown>): CivilStatusQueueFilters {
  const one = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  // «décès» typed by hand in the address bar means the same as «deces».
  const act = one(query.acte ?? query.act).normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
  const status = one(query.statut ?? query.status);
  const overdue = one(query.retard ?? query.overdue);
  const page = Number(one(query.page));
  return {
    act: isActKind(act) ? act : undefined,
    status: isCivilStatusStatus(status) ? status : undefined,
    overdue: ['oui', 'true', '1'].includes(overdue),
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
  };
}

const badgeOf = (status: string) => (status === 'envoyee' ? 'badge--success' : status === 'refusee' ? 'badge--error' : '');
const statusLabelOf = (status: string) => (isCivilStatusStatus(status) ? CIVIL_STATUS_LABELS[status] : status);
const actLabelOf = (act: string) => (isActKind(act) ? ACT_LABELS[act] : act);
const copyLabelOf = (copy: string) => COPY_LABELS[copy as CopyKind] ?? copy;
const fullName = (firstNames: string | null, lastName: string | null) => [firstNames, lastName].filter(Boolean).join(' ');

/** «Jean Pierre Dupont», or both spouses of a marriage act. */
function concerned(d: CivilStatusDetails): string {
  const first = fullName(d.firstNames, d.lastName);
  if (d.act !== 'mariage') return first;
  return `${first} et ${fullName(d.spouseFirstNames, d.spouseLastName)}`;
}

export const REFUSAL_OPTIONS = [
  ...Object.entries(REFUSAL_REASONS).map(([value, label]) => ({ value, label })),
  { value: 'autre', label: 'Autre motif' },
];

export function agentCivilStatusRoutes(deps: { pages: PageRenderer; civilStatus: CivilStatusService }): Router {
  const { pages, civilStatus } = deps;
  const router = Router();

  router.get('/', async (req, res) => {
    const filters = civilStatusQueueFilters(req.query as Record<string, unknown>);
    const queue = await civilStatus.queue(req.commune, filters);
    const query = (page: number) => {
      const q = new URLSearchParams();
      if (filters.act) q.set('acte', filters.act);
      if (filters.status) q.set('statut', filters.status);
      if (filters.overdue) q.set('retard', 'oui');
      q.set('page', String(page));
      return `${BASE}?${q.toString()}`;
    };
    res.send(
      pages.render(req, 'agent/actes', {
        pageTitle: 'Actes d’état civil',
        activeTab: 'actes',
        filters: { acte: filters.act ?? '', statut: filters.status ?? '', retard: filters.overdue ? 'oui' : '' },
        actOptions: ACT_KINDS.map((a) => ({ value: a, label: ACT_LABELS[a] })),
        statusOptions: CIVIL_STATUS_STATUSES.map((s) => ({ value: s, label: CIVIL_STATUS_LABELS[s] })),
        overdueOptions: [{ value: 'oui', label: 'En retard uniquement' }],
        total: queue.total,
        page: queue.page,
        pageCount: queue.pageCount,
        previousUrl: queue.page > 1 ? query(queue.page - 1) : null,
        nextUrl: queue.page < queue.pageCount ? query(queue.page + 1) : null,
        requests: queue.requests.map((r: CivilStatusRequest) => ({
          number: r.number,
          url: `${BASE}/${encodeURIComponent(r.number)}`,
          acte: actLabelOf(r.actKind),
          copie: copyLabelOf(r.copyKind),
          copies: r.copies,
          plural: r.copies > 1,
          personne: concerned(r.details),
          demandeur: `${r.details.requester.lastName} ${r.details.requester.firstName}`,
          submittedText: formatParisDate(r.submittedAt),
          dueText: formatParisDate(r.dueAt),
          overdue: civilStatus.isOverdue(r),
          statusLabel: statusLabelOf(r.status),
          badge: badgeOf(r.status),
        })),
      }),
    );
  });

  function requestPage(full: CivilStatusInFull) {
    const { request } = full;
    const d = request.details;
    const act = (isActKind(request.actKind) ? request.actKind : d.act) as ActKind;
    const base = `${BASE}/${encodeURIComponent(request.number)}`;
    const requester = fullName(d.requester.firstName, d.requester.lastName);
    return {
      pageTitle: `Demande d’acte ${request.number}`,
      activeTab: 'actes',
      request: {
        number: request.number,
        acte: actLabelOf(request.actKind),
        copie: copyLabelOf(request.copyKind),
        copies: request.copies,
        statusLabel: statusLabelOf(request.status),
        badge: badgeOf(request.status),
        submittedText: formatParisDateTime(request.submittedAt),
        dueText: formatParisDateTime(request.dueAt),
        overdue: civilStatus.isOverdue(request),
        decided: request.status !== 'recue',
        decidedText: request.decidedAt ? formatParisDateTime(request.decidedAt) : null,
        decisionReason: request.decisionReason,
      },
      marriage: act === 'mariage',
      person: {
        nom: d.lastName,
        prenoms: d.firstNames,
        conjointNom: d.spouseLastName,
        conjointPrenoms: d.spouseFirstNames,
        dateLabel: EVENT_DATE_LABELS[act] ?? 'Date de l’événement',
        dateText: d.eventDate ? formatIsoDay(d.eventDate) : '—',
      },
      parentsTitle: act === 'mariage' ? 'Parents du premier époux' : 'Parents',
      parents: (d.parents ?? []).map((p, i) => ({
        label: i === 0 ? 'Premier parent' : 'Second parent',
        nom: fullName(p.firstNames, p.lastName),
      })),
      requester: {
        nom: requester,
        email: d.requester.email,
        telephone: d.requester.phone,
        lien: relationLabel(act, d.relation),
      },
      envelope: [requester, ...addressLines(d.address)].join('\n'),
      history: full.history.map((h) => ({
        atText: formatParisDateTime(h.at),
        label: CIVIL_STATUS_EVENT_LABELS[h.event] ?? h.event,
        toLabel: statusLabelOf(h.toStatus),
        actor: civilStatusActorLabel(h.actor),
        reason: h.reason,
      })),
      canDecide: request.status === 'recue',
      issueUrl: `${base}/delivrer`,
      refuseUrl: `${base}/refuser`,
      refusalOptions: REFUSAL_OPTIONS,
    };
  }

  const numberOf = (req: Request) => String(req.params.number);

  router.get('/:number', async (req, res) => {
    res.send(pages.render(req, 'agent/acte', requestPage(await civilStatus.getForAgent(req.commune.id, numberOf(req)))));
  });

  /** A refused decision (409) or a missing reason (422) shows the request again, with the error. */
  async function decisionFailed(req: Request, res: Response, err: unknown): Promise<void> {
    if (!(err instanceof AppError) || (err.status !== 409 && err.status !== 422)) throw err;
    onFormError(pages, req, res, 'agent/acte', requestPage(await civilStatus.getForAgent(req.commune.id, numberOf(req))))(err);
  }

  router.post('/:number/delivrer', async (req, res) => {
    try {
      const request = await civilStatus.issue(req.commune, req.agent as Agent, numberOf(req));
      req.session.flash = { kind: 'success', message: 'L’acte est délivré et envoyé ; le demandeur en est informé par courriel.' };
      res.redirect(303, `${BASE}/${encodeURIComponent(request.number)}`);
    } catch (err) {
      await decisionFailed(req, res, err);
    }
  });

  router.post('/:number/refuser', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const code = typeof body.motif_code === 'string' ? body.motif_code.trim() : '';
    const text = typeof body.motif === 'string' ? body.motif : '';
    try {
      const request = await civilStatus.refuse(req.commune, req.agent as Agent, numberOf(req), code, text);
      req.session.flash = { kind: 'success', message: 'La demande est refusée ; le demandeur en est informé avec le motif.' };
      res.redirect(303, `${BASE}/${encodeURIComponent(request.number)}`);
    } catch (err) {
      await decisionFailed(req, res, err);
    }
  });

  return router;
}
