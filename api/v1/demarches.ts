// JSON API of the démarches: the catalogue («Services»), a resident's requests and their actions,
// the agents' queue and actions. Routes are added straight onto the /api/v1 router (not a
// sub-router) so that tests/unit/openapi.test.ts, which reads the router's own routes, sees them.
// saveDraft, submitRequest and uploadDocument are the portal's (drafts and uploads), elsewhere.
import type { Request, Router } from 'express';
import type { Account, Agent } from '../../db/entities';
import type { DemarcheDefinition } from '../../domain/catalogue';
import {
  EVENT_LABELS,
  STATUS_LABELS,
  eventsAvailableTo,
  isDemarcheStatus,
  type DemarcheEvent,
} from '../../domain/demarche-status';
import type { DemarcheState } from '../../workflows/demarche';
import { UnauthenticatedError } from '../errors';
import { requireAgent, requireResident } from '../middleware/auth';
import { queueFilters } from '../agent/demarches';
import type { AgentAction, QueueEntry, RequestInFull, RequestsService } from '../services/requests.service';

/** A request in a list: the resident's «Demandes», the agents' queue. */
export interface RequestSummaryView {
  numero: string;
  demarche: string;
  titre: string;
  statut: string;
  statutLibelle: string;
  deposeeLe: string;
  echeance: string | null;
  enRetard: boolean;
  membre: { id: number; prenom: string; nom: string } | null;
}

export interface RequestView extends RequestSummaryView {
  motifDecision: string | null;
  reponses: Array<{ champ: string; libelle: string; valeur: string }>;
  pieces: Array<{
    id: number;
    cle: string;
    libelle: string;
    mode: 'upload' | 'paper';
    etat: 'expected' | 'received';
    nomFichier: string | null;
    recueLe: string | null;
  }>;
  historique: Array<{ date: string; evenement: string; libelle: string; statut: string; par: string; motif: string | null }>;
  /** The events the reader may fire now (the transition table, for their role). */
  actionsPossibles: DemarcheEvent[];
}

export interface RequestStateView {
  statut: string;
  statutLibelle: string;
  piecesRecues: string[];
}

export interface ServiceSummaryView {
  code: string;
  version: number;
  titre: string;
  categorie: string;
  description: string;
  compteRequis: boolean;
  membreConcerne: DemarcheDefinition['memberConcerned'];
  delaiTraitementJours: number;
}

export interface ServiceView extends ServiceSummaryView {
  etapes: DemarcheDefinition['steps'];
  pieces: DemarcheDefinition['documents'];
}

const statusLabel = (status: string) => (isDemarcheStatus(status) ? STATUS_LABELS[status] : status);

export function requestSummaryView(e: QueueEntry): RequestSummaryView {
  return {
    numero: e.request.number,
    demarche: e.request.demarcheCode,
    titre: e.definition?.title ?? e.request.demarcheCode,
    statut: e.request.status,
    statutLibelle: statusLabel(e.request.status),
    deposeeLe: e.request.submittedAt.toISOString(),
    echeance: e.dueAt?.toISOString() ?? null,
    enRetard: e.overdue,
    membre: e.member ? { id: e.member.id, prenom: e.member.firstName, nom: e.member.lastName } : null,
  };
}

export function requestView(full: RequestInFull, reader: 'agent' | 'resident'): RequestView {
  const status = full.request.status;
  return {
    ...requestSummaryView(full),
    motifDecision: full.request.decisionReason,
    reponses: full.answers.map((a) => ({ champ: a.name, libelle: a.label, valeur: a.text })),
    pieces: full.documents.map(({ row, label }) => ({
      id: row.id,
      cle: row.documentKey,
      libelle: label,
      mode: row.mode,
      etat: row.state,
      nomFichier: row.fileName,
      recueLe: row.receivedAt?.toISOString() ?? null,
    })),
    historique: full.history.map((h) => ({
      date: h.at.toISOString(),
      evenement: h.event,
      libelle: EVENT_LABELS[h.event as DemarcheEvent] ?? h.event,
      statut: h.toStatus,
      // Residents see who acted by role only: an agent's number is the mairie's business.
      par: h.actor.startsWith('agent:') && reader === 'resident' ? 'agent' : h.actor,
      motif: h.reason,
    })),
    actionsPossibles: isDemarcheStatus(status) ? eventsAvailableTo(reader, status) : [],
  };
}

export function requestStateView(state: DemarcheState): RequestStateView {
  return { statut: state.status, statutLibelle: STATUS_LABELS[state.status], piecesRecues: state.receivedDocuments };
}

export function serviceSummaryView(d: DemarcheDefinition): ServiceSummaryView {
  return {
    code: d.code,
    version: d.version,
    titre: d.title,
    categorie: d.category,
    description: d.description,
    compteRequis: d.requiresAccount,
    membreConcerne: d.memberConcerned,
    delaiTraitementJours: d.processingDays,
  };
}

export function serviceView(d: DemarcheDefinition): ServiceView {
  return { ...serviceSummaryView(d), etapes: d.steps, pieces: d.documents };
}

/** The agents' actions: the last path segment, and how its JSON body reads. */
const AGENT_ACTIONS: Array<[string, (body: Record<string, unknown>) => AgentAction]> = [
  ['record-paper-document', (b) => ({ action: 'recevoir_piece_papier', documentKey: b.piece })],
  ['request-documents', (b) => ({ action: 'demander_pieces', message: b.message })],
  ['mark-complete', () => ({ action: 'marquer_complet' })],
  ['validate', () => ({ action: 'valider' })],
  ['refuse', (b) => ({ action: 'refuser', reason: b.motif })],
];

export function addDemarcheRoutes(router: Router, deps: { requests: RequestsService }): void {
  // Read at each call: the OpenAPI test builds the router without any service.
  const requests = () => deps.requests;

  // ——— catalogue ———

  router.get('/services', (req, res) => {
    res.json(requests().catalogueOf(req.commune).map(serviceSummaryView));
  });

  router.get('/services/:code', (req, res) => {
    res.json(serviceView(requests().demarcheOf(req.commune, String(req.params.code))));
  });

  // ——— the resident's requests ———

  router.get('/requests', requireResident, async (req, res) => {
    res.json((await requests().listForResident(req.commune, resident(req))).map(requestSummaryView));
  });

  router.get('/requests/:number', requireResident, async (req, res) => {
    res.json(requestView(await requests().forResident(req.commune, resident(req), String(req.params.number)), 'resident'));
  });

  router.post('/requests/:number/cancel', requireResident, async (req, res) => {
    res.json(requestStateView(await requests().cancel(req.commune, resident(req), String(req.params.number))));
  });

  router.post('/requests/:number/answer', requireResident, async (req, res) => {
    const state = await requests().answer(req.commune, resident(req), String(req.params.number), body(req).message);
    res.json(requestStateView(state));
  });

  // ——— back office ———

  router.get('/agent/requests', requireAgent, async (req, res) => {
    const queue = await requests().queue(req.commune, queueFilters(req.query as Record<string, unknown>));
    res.json({ total: queue.total, page: queue.page, pageCount: queue.pageCount, demandes: queue.entries.map(requestSummaryView) });
  });

  for (const [segment, read] of AGENT_ACTIONS) {
    router.post(`/agent/requests/:number/${segment}`, requireAgent, async (req, res) => {
      const state = await requests().act(req.commune, req.agent as Agent, String(req.params.number), read(body(req)));
      res.json(requestStateView(state));
    });
  }
}

function resident(req: Request): Account {
  if (!req.account) throw new UnauthenticatedError();
  return req.account;
}

function body(req: Request): Record<string, unknown> {
  const raw: unknown = req.body;
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}
