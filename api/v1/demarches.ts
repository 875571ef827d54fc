// JSON API of the démarches: the catalogue («Services»), a resident's requests and their actions,
// the agents' queue and actions. Routes are added straight onto the /api/v1 router (not a
// sub-router) so that tests/unit/openapi.test.ts, which reads the router's own routes, sees them.
// The draft (saveDraft, uploadDocument, submitRequest) drives the same services as the portal's
// forms (api/portal/demarches.ts): a step checked then saved, files stored by DocumentService, the
// whole draft re-checked before DemarcheService.submit, idempotent on the draft's submission key.
import type { Request, Router } from 'express';
import type { Account, Agent, DemarcheDraft, DemarcheRequest, DraftDocument } from '../../db/entities';
import { validateAnswers, validateStepAnswers, type AnswerValue, type DemarcheDefinition } from '../../domain/catalogue';
import {
  EVENT_LABELS,
  STATUS_LABELS,
  eventsAvailableTo,
  isDemarcheStatus,
  type DemarcheEvent,
} from '../../domain/demarche-status';
import type { DemarcheState } from '../../workflows/demarche';
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from '../errors';
import { requireAgent, requireResident } from '../middleware/auth';
import { queueFilters } from '../agent/demarches';
import type { AccountService } from '../services/accounts.service';
import type { DemarcheService, SubmittedDocument } from '../services/demarches.service';
import type { DocumentService } from '../services/documents.service';
import type { DraftService } from '../services/drafts.service';
import type { AgentAction, QueueEntry, RequestInFull, RequestsService } from '../services/requests.service';
import { body, currentAccount } from './request';

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

/** A draft as its resident sees it; `cle` is the submission key submitRequest takes. */
export interface DraftView {
  demarche: string;
  cle: string;
  membre: number | null;
  reponses: Record<string, AnswerValue>;
  pieces: DraftDocumentView[];
}

export interface DraftDocumentView {
  cle: string;
  libelle: string;
  mode: 'upload' | 'paper';
  nomFichier: string | null;
  tailleOctets: number | null;
}

export interface SubmittedRequestView {
  number: string;
  status: string;
  url: string;
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

export function draftDocumentsView(def: DemarcheDefinition, documents: DraftDocument[]): DraftDocumentView[] {
  return documents.map((d) => ({
    cle: d.key,
    libelle: def.documents.find((doc) => doc.key === d.key)?.label ?? d.key,
    mode: d.mode,
    nomFichier: d.mode === 'upload' ? d.fileName : null,
    tailleOctets: d.mode === 'upload' ? d.sizeBytes : null,
  }));
}

export function draftView(def: DemarcheDefinition, draft: DemarcheDraft): DraftView {
  return {
    demarche: def.code,
    cle: draft.submissionKey,
    membre: draft.memberId,
    reponses: draft.answers as Record<string, AnswerValue>,
    pieces: draftDocumentsView(def, draft.documents),
  };
}

/** The resident's own choice of `membre`: the account holder. */
const HOLDER = 'titulaire';
const PAPER = 'courrier';

/** The agents' actions: the last path segment, and how its JSON body reads. */
const AGENT_ACTIONS: Array<[string, (body: Record<string, unknown>) => AgentAction]> = [
  ['record-paper-document', (b) => ({ action: 'recevoir_piece_papier', documentKey: b.piece })],
  ['request-documents', (b) => ({ action: 'demander_pieces', message: b.message })],
  ['mark-complete', () => ({ action: 'marquer_complet' })],
  ['validate', () => ({ action: 'valider' })],
  ['refuse', (b) => ({ action: 'refuser', reason: b.motif })],
];

export interface DemarcheRoutesServices {
  accounts: AccountService;
  requests: RequestsService;
  demarches: DemarcheService;
  documents: DocumentService;
  drafts: DraftService;
}

export function addDemarcheRoutes(router: Router, deps: DemarcheRoutesServices): void {
  // Read at each call: the OpenAPI test builds the router without any service.
  const requests = () => deps.requests;
  const definitionOf = (req: Request) => requests().demarcheOf(req.commune, String(req.params.code));

  /**
   * Who the démarche is for, as the portal's first step asks it: the holder («titulaire») when the
   * démarche is for an adult or anyone, else a member of the household of the kind it is for.
   */
  const chosenMember = async (account: Account, def: DemarcheDefinition, raw: unknown): Promise<FieldErrors | { memberId: number | null }> => {
    const choice = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    if (choice === HOLDER && (def.memberConcerned === 'adulte' || def.memberConcerned === 'any')) return { memberId: null };
    const members = await deps.accounts.listMembers(account.id);
    const fitting = members.filter((m) => def.memberConcerned === 'any' || m.kind === def.memberConcerned);
    const member = fitting.find((m) => String(m.id) === choice);
    if (member) return { memberId: member.id };
    if (def.memberConcerned !== 'enfant') return { membre: 'Choisissez la personne concernée par la démarche.' };
    return {
      membre: fitting.length
        ? "Choisissez l'enfant concerné par la démarche."
        : "Votre foyer ne compte aucun enfant : ajoutez-le dans l'onglet Compte avant cette démarche.",
    };
  };

  // ——— the resident's draft and its submission ———

  router.put('/services/:code/draft', requireResident, async (req, res) => {
    const def = definitionOf(req);
    const a = currentAccount(req);
    const input = body(req);
    const stepKey = typeof input.etape === 'string' ? input.etape : '';
    const step = def.steps.find((s) => s.key === stepKey);
    if (!step) {
      const keys = def.steps.map((s) => `« ${s.key} »`).join(', ');
      throw new ValidationError({ etape: `L'étape doit être l'une de celles de la démarche : ${keys}.` });
    }
    const reponses = input.reponses ?? {};
    if (typeof reponses !== 'object' || reponses === null || Array.isArray(reponses)) {
      throw new ValidationError({ reponses: 'Les réponses doivent être envoyées sous forme d’objet { champ: valeur }.' });
    }
    const { values, errors } = validateStepAnswers(def, stepKey, reponses as Record<string, unknown>);
    let memberId: number | null | undefined;
    // As on the portal, the person concerned is chosen with the first step.
    if (def.steps[0].key === stepKey && def.memberConcerned !== 'none') {
      const chosen = await chosenMember(a, def, input.membre);
      if ('memberId' in chosen) memberId = chosen.memberId as number | null;
      else Object.assign(errors, chosen);
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const draft = await deps.drafts.open(a.id, def);
    await deps.drafts.saveStep(draft, step.fields.map((f) => f.name), values, memberId);
    res.json(draftView(def, draft));
  });

  router.post('/services/:code/draft/documents', requireResident, async (req, res) => {
    const def = definitionOf(req);
    const a = currentAccount(req);
    if (def.documents.length === 0) throw new ConflictError("Cette démarche ne demande aucune pièce justificative.");
    const draft = await deps.drafts.open(a.id, def);
    const next = [...draft.documents];
    const put = (doc: DraftDocument) => {
      const i = next.findIndex((d) => d.key === doc.key);
      if (i >= 0) next[i] = doc;
      else next.push(doc);
    };
    if (/^multipart\/form-data/i.test(req.get('content-type') ?? '')) {
      // The X-CSRF-Token header was checked by the app before the body was read: no token field here.
      const { files } = await deps.documents.receive(req, { communeSlug: req.commune.slug, documents: def.documents, csrfToken: null });
      if (files.length === 0) throw new ValidationError({}, 'Choisissez au moins un fichier à envoyer.');
      for (const f of files) {
        put({ key: f.key, mode: 'upload', fileName: f.fileName, mimeType: f.mimeType, sizeBytes: f.sizeBytes, sha256: f.sha256, storagePath: f.storagePath });
      }
    } else {
      const input = body(req);
      const doc = def.documents.find((d) => d.key === input.piece);
      if (!doc) throw new ValidationError({ piece: "Cette pièce n'est pas demandée pour cette démarche." });
      if (input.mode !== PAPER) {
        throw new ValidationError({ mode: 'Envoyez le fichier en multipart/form-data, ou « courrier » pour l’envoyer par la poste.' });
      }
      if (!doc.paperAllowed) {
        throw new ValidationError({ piece: "Cette pièce doit être jointe en ligne : l'envoi par courrier n'est pas possible." });
      }
      put({ key: doc.key, mode: 'paper' });
    }
    // saveDocuments removes from disk the file a new one replaces.
    await deps.drafts.saveDocuments(draft, next);
    res.json(draftDocumentsView(def, draft.documents));
  });

  router.post('/services/:code/submit', requireResident, async (req, res) => {
    const def = definitionOf(req);
    const a = currentAccount(req);
    const key = typeof body(req).cle === 'string' ? (body(req).cle as string) : '';
    if (!key) throw new ValidationError({ cle: 'La clé d’envoi du brouillon (« cle ») est obligatoire.' });
    const sent = (r: DemarcheRequest): SubmittedRequestView => ({ number: r.number, status: r.status, url: `/api/v1/requests/${r.number}` });
    // A replay (double click, resent POST): the request this key already made.
    const done = (await deps.demarches.listForResident(a)).find((r) => r.submissionKey === key && r.demarcheCode === def.code);
    if (done) return res.status(200).json(sent(done));
    const draft = await deps.drafts.find(a.id, def.code);
    if (!draft) throw new NotFoundError("Aucun brouillon de cette démarche : commencez par enregistrer ses étapes.");
    if (draft.submissionKey !== key) throw new ConflictError("Cette clé d'envoi n'est pas celle du brouillon en cours : relisez le brouillon et renvoyez-le.");
    // The draft is re-checked in full, never trusted: a definition may have changed since a step.
    const { values, errors } = validateAnswers(def, draft.answers);
    if (def.memberConcerned === 'enfant' && draft.memberId === null) errors.membre = "Choisissez l'enfant concerné par la démarche.";
    if (Object.keys(errors).length) throw new ValidationError(errors, 'Certaines réponses manquent ou sont à corriger avant l’envoi.');
    const documents: SubmittedDocument[] = draft.documents.map((d) => (d.mode === 'paper' ? { key: d.key, mode: 'paper' } : { ...d, mode: 'upload' }));
    const request = await deps.demarches.submit(req.commune, a, {
      definition: def,
      answers: values,
      memberId: draft.memberId,
      documents,
      submissionKey: draft.submissionKey,
    });
    await deps.drafts.forget(draft);
    res.status(201).location(sent(request).url).json(sent(request));
  });

  // ——— catalogue ———

  router.get('/services', (req, res) => {
    res.json(requests().catalogueOf(req.commune).map(serviceSummaryView));
  });

  router.get('/services/:code', (req, res) => {
    res.json(serviceView(requests().demarcheOf(req.commune, String(req.params.code))));
  });

  // ——— the resident's requests ———

  router.get('/requests', requireResident, async (req, res) => {
    res.json((await requests().listForResident(req.commune, currentAccount(req))).map(requestSummaryView));
  });

  router.get('/requests/:number', requireResident, async (req, res) => {
    res.json(requestView(await requests().forResident(req.commune, currentAccount(req), String(req.params.number)), 'resident'));
  });

  router.post('/requests/:number/cancel', requireResident, async (req, res) => {
    res.json(requestStateView(await requests().cancel(req.commune, currentAccount(req), String(req.params.number))));
  });

  router.post('/requests/:number/answer', requireResident, async (req, res) => {
    const state = await requests().answer(req.commune, currentAccount(req), String(req.params.number), body(req).message);
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
