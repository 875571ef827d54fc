// The back office's «Demandes»: the commune's queue with its filters, a request in full, the
// actions the transition table allows now, and the download of the uploaded documents. Mounted
// by api/agent/routes.ts behind its agent check; every lookup goes through the host's commune.
import { Router, type Request } from 'express';
import type { Agent } from '../../db/entities';
import { formatIsoDay, formatParisDate, formatParisDateTime } from '../../domain/dates';
import {
  DEMARCHE_STATUSES,
  EVENT_LABELS,
  STATUS_LABELS,
  isDemarcheStatus,
  type DemarcheStatus,
} from '../../domain/demarche-status';
import { AppError } from '../errors';
import type { PageRenderer } from '../pages';
import { onFormError } from '../portal/routes';
import type { AgentAction, QueueFilters, RequestInFull, RequestsService } from '../services/requests.service';

/** The history's «Par» column. */
export function requestActorLabel(actor: string): string {
  if (actor === 'resident') return 'Le demandeur';
  if (actor === 'system') return 'Automatique';
  return actor.startsWith('agent:') ? `Agent n° ${actor.slice(6)}` : actor;
}

/** Queue filters from a query string; anything unknown is ignored rather than refused. */
export function queueFilters(query: Record<string, unknown>): QueueFilters {
  const one = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const status = one(query.statut ?? query.status);
  const overdue = one(query.retard ?? query.overdue);
  const page = Number(one(query.page));
  return {
    demarche: one(query.demarche) || undefined,
    status: isDemarcheStatus(status) ? status : undefined,
    overdue: ['oui', 'true', '1'].includes(overdue),
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
  };
}

const badgeOf = (status: string) =>
  status === 'valide' ? 'badge--success' : status === 'refuse' || status === 'classe_sans_suite' ? 'badge--error' : '';

/** The form fields each action posts, by the URL's last segment. */
const ACTIONS: Record<string, { read: (body: Record<string, unknown>) => AgentAction; done: string }> = {
  'piece-recue': {
    read: (b) => ({ action: 'recevoir_piece_papier', documentKey: b.piece }),
    done: 'La pièce reçue par courrier est enregistrée.',
  },
  'demander-pieces': {
    read: (b) => ({ action: 'demander_pieces', message: b.message }),
    done: 'La demande de pièces ou d’informations est envoyée au demandeur.',
  },
  'marquer-complet': { read: () => ({ action: 'marquer_complet' }), done: 'La demande est marquée comme complète.' },
  valider: { read: () => ({ action: 'valider' }), done: 'La demande est validée ; le demandeur en est informé.' },
  refuser: {
    read: (b) => ({ action: 'refuser', reason: b.motif }),
    done: 'La demande est refusée ; le demandeur en est informé avec le motif.',
  },
};

export function agentDemarcheRoutes(deps: { pages: PageRenderer; requests: RequestsService }): Router {
  const { pages, requests } = deps;
  const router = Router();

  router.get('/', async (req, res) => {
    const filters = queueFilters(req.query as Record<string, unknown>);
    const queue = await requests.queue(req.commune, filters);
    const query = (page: number) => {
      const q = new URLSearchParams();
      if (filters.demarche) q.set('demarche', filters.demarche);
      if (filters.status) q.set('statut', filters.status);
      if (filters.overdue) q.set('retard', 'oui');
      q.set('page', String(page));
      return `/agent/demandes?${q.toString()}`;
    };
    res.send(
      pages.render(req, 'agent/demandes', {
        pageTitle: 'Demandes',
        activeTab: 'demandes',
        filters: { demarche: filters.demarche ?? '', statut: filters.status ?? '', retard: filters.overdue ? 'oui' : '' },
        demarcheOptions: requests.catalogueOf(req.commune).map((d) => ({ value: d.code, label: d.title })),
        statusOptions: DEMARCHE_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
        overdueOptions: [{ value: 'oui', label: 'En retard uniquement' }],
        total: queue.total,
        page: queue.page,
        pageCount: queue.pageCount,
        previousUrl: queue.page > 1 ? query(queue.page - 1) : null,
        nextUrl: queue.page < queue.pageCount ? query(queue.page + 1) : null,
        requests: queue.entries.map((e) => ({
          number: e.request.number,
          url: `/agent/demandes/${e.request.number}`,
          demarche: e.definition?.title ?? e.request.demarcheCode,
          demandeur: e.account ? `${e.account.lastName} ${e.account.firstName}` : '—',
          membre: e.member ? `${e.member.firstName} ${e.member.lastName}` : null,
          submittedText: formatParisDate(e.request.submittedAt),
          dueText: e.dueAt ? formatParisDate(e.dueAt) : '—',
          overdue: e.overdue,
          statusLabel: isDemarcheStatus(e.request.status) ? STATUS_LABELS[e.request.status] : e.request.status,
          badge: badgeOf(e.request.status),
        })),
      }),
    );
  });

  function requestPage(full: RequestInFull) {
    const { request } = full;
    const base = `/agent/demandes/${request.number}`;
    const events = requests.agentEvents(request);
    const status = request.status as DemarcheStatus;
    const canRecordPaper = events.includes('recevoir_piece_papier');
    // Document events keep the documents' keys as their reason: shown with their labels.
    const docLabel = (key: string) => full.definition?.documents.find((d) => d.key === key.trim())?.label ?? key;
    const reasonOf = (event: string, reason: string | null) =>
      reason && (event === 'recevoir_piece_papier' || event === 'fournir_pieces') ? reason.split(',').map(docLabel).join(', ') : reason;
    return {
      pageTitle: `Demande ${request.number}`,
      activeTab: 'demandes',
      request: {
        number: request.number,
        demarche: full.definition?.title ?? request.demarcheCode,
        statusLabel: isDemarcheStatus(status) ? STATUS_LABELS[status] : request.status,
        badge: badgeOf(request.status),
        submittedText: formatParisDateTime(request.submittedAt),
        dueText: full.dueAt ? formatParisDate(full.dueAt) : null,
        overdue: full.overdue,
        decisionReason: request.decisionReason,
      },
      resident: full.account
        ? {
            nom: `${full.account.civility} ${full.account.firstName} ${full.account.lastName}`,
            identifier: full.account.identifier,
            email: full.account.email,
            telephone: full.account.phone,
            adresse: `${full.account.addressLine}, ${full.account.postalCode} ${full.account.city}`,
            canal: full.account.communicationChannel === 'sms' ? 'Par SMS' : 'Par courriel',
          }
        : null,
      member: full.member
        ? {
            nom: `${full.member.firstName} ${full.member.lastName}`,
            naissance: formatIsoDay(full.member.birthDate),
            lien: full.member.relationship,
          }
        : null,
      answers: full.answers,
      documents: full.documents.map(({ row, label }) => ({
        label,
        upload: row.mode === 'upload',
        fileName: row.fileName,
        sizeText: row.sizeBytes !== null ? `${Math.max(1, Math.round(row.sizeBytes / 1024))} Ko` : '',
        downloadUrl: `${base}/documents/${row.id}`,
        received: row.state === 'received',
        receivedText: row.receivedAt ? formatParisDateTime(row.receivedAt) : null,
        recordable: canRecordPaper && row.mode === 'paper' && row.state === 'expected',
        key: row.documentKey,
      })),
      history: full.history.map((h) => ({
        atText: formatParisDateTime(h.at),
        label: EVENT_LABELS[h.event as keyof typeof EVENT_LABELS] ?? h.event,
        toLabel: isDemarcheStatus(h.toStatus) ? STATUS_LABELS[h.toStatus] : h.toStatus,
        actor: requestActorLabel(h.actor),
        reason: reasonOf(h.event, h.reason),
      })),
      paperUrl: `${base}/piece-recue`,
      canAskDocuments: events.includes('demander_pieces'),
      askUrl: `${base}/demander-pieces`,
      canMarkComplete: events.includes('marquer_complet'),
      completeUrl: `${base}/marquer-complet`,
      canValidate: events.includes('valider'),
      validateUrl: `${base}/valider`,
      canRefuse: events.includes('refuser'),
      refuseUrl: `${base}/refuser`,
      hasActions: events.some((e) => e !== 'recevoir_piece_papier') || canRecordPaper,
    };
  }

  const numberOf = (req: Request) => String(req.params.number);

  router.get('/:number', async (req, res) => {
    res.send(pages.render(req, 'agent/demande', requestPage(await requests.forAgent(req.commune, numberOf(req)))));
  });

  router.get('/:number/documents/:documentId', async (req, res) => {
    const raw = String(req.params.documentId);
    const id = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
    const file = await requests.documentForAgent(req.commune, numberOf(req), id);
    res.set({
      'Content-Type': file.mimeType,
      'Content-Length': String(file.size),
      'Content-Disposition': contentDisposition(file.fileName),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    await new Promise<void>((resolve, reject) => {
      const stream = file.open();
      stream.on('error', reject);
      res.on('finish', resolve);
      res.on('close', resolve);
      stream.pipe(res);
    });
  });

  router.post('/:number/:action', async (req, res) => {
    const spec = Object.prototype.hasOwnProperty.call(ACTIONS, req.params.action) ? ACTIONS[req.params.action] : undefined;
    if (!spec) {
      // Still a 404 for another commune's number, before saying the action is unknown.
      await requests.forAgent(req.commune, numberOf(req));
      throw new AppError(404, 'not_found', "Cette action n'existe pas.");
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await requests.act(req.commune, req.agent as Agent, numberOf(req), spec.read(body));
      req.session.flash = { kind: 'success', message: spec.done };
      res.redirect(303, `/agent/demandes/${encodeURIComponent(numberOf(req).toUpperCase())}`);
    } catch (err) {
      if (!(err instanceof AppError) || (err.status !== 409 && err.status !== 422)) throw err;
      onFormError(pages, req, res, 'agent/demande', requestPage(await requests.forAgent(req.commune, numberOf(req))))(err);
    }
  });

  return router;
}

/** RFC 6266: an ASCII fallback and the UTF-8 name, so «Justificatif – été.pdf» survives. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.normalize('NFD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_') || 'piece';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
