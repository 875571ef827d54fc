// The resident's démarches: «Services» (the commune's catalogue), the multi-step form with a
// draft saved at every step, the documents (uploaded or posted), the summary and «Envoyer»;
// then «Demandes» and each request's page, with the actions left to the resident.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Catalogues } from '../../catalogue';
import {
  Account,
  DemarcheRequest,
  HouseholdMember,
  RequestDocument,
  RequestHistory,
  type DemarcheDraft,
  type DraftDocument,
} from '../../db/entities';
import {
  validateAnswers,
  validateStepAnswers,
  type AnswerValue,
  type DemarcheDefinition,
  type FieldDefinition,
} from '../../domain/catalogue';
import { formatIsoDay, formatParisDate, formatParisDateTime } from '../../domain/dates';
import {
  EVENT_LABELS,
  STATUS_LABELS,
  eventsAvailableTo,
  isDemarcheStatus,
  type DemarcheStatus,
} from '../../domain/demarche-status';
import { answerRequestUpdate, cancelRequestUpdate, provideDocumentsUpdate } from '../../workflows/demarche';
import { AppError, NotFoundError } from '../errors';
import { csrfToken } from '../middleware/csrf';
import type { PageRenderer } from '../pages';
import type { DemarcheService, SubmittedDocument } from '../services/demarches.service';
import { acceptedTypesMessage, FILE_FIELD_PREFIX, type DocumentService, type StoredUpload } from '../services/documents.service';
import type { DraftService } from '../services/drafts.service';
import type { Processes } from '../services/processes';
import type { DataSource } from 'typeorm';
import type { CivilStatusService } from '../services/civil-status.service';
import { residentCivilStatusRows } from './civil-status';

export interface DemarcheRoutesDeps {
  pages: PageRenderer;
  catalogue: Catalogues;
  dataSource: DataSource;
  processes: Processes;
  services: { demarches: DemarcheService; documents: DocumentService; drafts: DraftService; civilStatus: CivilStatusService };
}

/** The multipart forms of these routes check their CSRF token themselves (first field of the form). */
export const MULTIPART_ROUTES = [/^\/services\/[a-z0-9-]+\/pieces$/, /^\/demandes\/[A-Za-z0-9-]+\/pieces$/];

const HOLDER = 'titulaire';
const DOCUMENTS_STEP = 'pieces';
const TYPE_ACCEPT: Record<string, string> = {
  'application/pdf': '.pdf,application/pdf',
  'image/jpeg': '.jpg,.jpeg,image/jpeg',
  'image/png': '.png,image/png',
};

type Values = Record<string, unknown>;

function fullName(p: { firstName: string; lastName: string }): string {
  return `${p.firstName} ${p.lastName}`;
}

const formatSize = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} Ko` : `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} Mo`;

/** The household members a démarche may be for, as the first step's list offers them. */
function memberChoices(def: DemarcheDefinition, account: Account, members: HouseholdMember[]) {
  const choices: Array<{ value: string; label: string }> = [];
  if (def.memberConcerned === 'adulte' || def.memberConcerned === 'any') {
    choices.push({ value: HOLDER, label: `${fullName(account)} (vous-même)` });
  }
  for (const m of members) {
    if (def.memberConcerned === 'any' || m.kind === def.memberConcerned) {
      choices.push({ value: String(m.id), label: `${fullName(m)}${m.kind === 'enfant' ? ' (enfant)' : ''}` });
    }
  }
  return choices;
}

/** How a stored answer reads in the summary. */
function answerText(field: FieldDefinition, value: AnswerValue | undefined): string {
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return 'Non renseigné';
  const label = (v: string) => field.options?.find((o) => o.value === v)?.label ?? v;
  if (Array.isArray(value)) return value.map(label).join(', ');
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non';
  if (field.type === 'date' && typeof value === 'string') return formatIsoDay(value);
  if (field.type === 'select' || field.type === 'radio') return label(String(value));
  if (typeof value === 'number') return String(value).replace('.', ',');
  return value;
}

function answersSummary(def: DemarcheDefinition, answers: Record<string, unknown>) {
  return def.steps.map((step) => ({
    title: step.title,
    key: step.key,
    rows: step.fields.map((f) => ({ label: f.label, text: answerText(f, answers[f.name] as AnswerValue | undefined) })),
  }));
}

/** The view of one field, for templates/pages/partials/demarche-field.hbs. */
export function fieldView(field: FieldDefinition, values: Values, errors: Record<string, string>) {
  const raw = values[field.name];
  const list = Array.isArray(raw) ? raw.map(String) : raw === undefined || raw === null ? [] : [String(raw)];
  const kind =
    field.type === 'textarea' ? 'textarea'
      : field.type === 'select' ? 'select'
        : field.type === 'radio' ? 'radios'
          : field.type === 'checkbox' ? (field.options ? 'checkboxes' : 'checkbox')
            : 'input';
  const inputType = field.type === 'number' ? 'text' : field.type;
  return {
    kind,
    name: field.name,
    label: field.label,
    type: inputType,
    inputmode: field.type === 'number' ? 'decimal' : field.type === 'tel' ? 'tel' : undefined,
    required: field.required,
    optional: !field.required && !field.requiredWhen,
    hint: field.help,
    value: list[0] ?? '',
    ticked: field.options ? undefined : list[0] === 'true' || list[0] === 'on',
    options: field.options?.map((o) => ({ ...o, ticked: list.includes(o.value) })),
    maxlength: field.maxLength,
    error: errors[field.name],
  };
}

function stepKeys(def: DemarcheDefinition): string[] {
  return [...def.steps.map((s) => s.key), ...(def.documents.length ? [DOCUMENTS_STEP] : [])];
}

/** The page after `key`: the next step, the documents, then the summary. */
function nextUrl(def: DemarcheDefinition, key: string): string {
  const keys = stepKeys(def);
  const next = keys[keys.indexOf(key) + 1];
  if (!next) return `/services/${def.code}/recapitulatif`;
  return next === DOCUMENTS_STEP ? `/services/${def.code}/pieces` : `/services/${def.code}/etape/${next}`;
}

function previousUrl(def: DemarcheDefinition, key: string): string | undefined {
  const keys = stepKeys(def);
  const i = key === 'recapitulatif' ? keys.length : keys.indexOf(key);
  const prev = keys[i - 1];
  if (!prev) return undefined;
  return prev === DOCUMENTS_STEP ? `/services/${def.code}/pieces` : `/services/${def.code}/etape/${prev}`;
}

function progress(def: DemarcheDefinition, key: string) {
  const keys = [...stepKeys(def), 'recapitulatif'];
  return { current: keys.indexOf(key) + 1, total: keys.length };
}

function documentsView(def: DemarcheDefinition, given: DraftDocument[], maxMbOf: (d: DemarcheDefinition['documents'][number]) => number) {
  return def.documents.map((doc) => {
    const current = given.find((g) => g.key === doc.key);
    return {
      key: doc.key,
      label: doc.label,
      help: doc.help,
      required: doc.required,
      paperAllowed: doc.paperAllowed,
      accept: doc.acceptedTypes.map((t) => TYPE_ACCEPT[t]).join(','),
      rules: `${acceptedTypesMessage(doc.acceptedTypes)} ${String(maxMbOf(doc)).replace('.', ',')} Mo au plus.`,
      mode: current?.mode ?? (doc.paperAllowed || !doc.required ? '' : 'upload'),
      modeName: `mode_${doc.key}`,
      modeOptions: [
        { value: 'upload', label: 'Je joins le fichier' },
        ...(doc.paperAllowed ? [{ value: 'paper', label: "Je l'enverrai par courrier" }] : []),
        ...(doc.required ? [] : [{ value: 'none', label: 'Je ne la fournis pas' }]),
      ],
      fileText: current?.mode === 'upload' ? `${current.fileName} (${formatSize(current.sizeBytes)})` : undefined,
    };
  });
}

function documentsSummary(def: DemarcheDefinition, given: DraftDocument[]) {
  return def.documents.map((doc) => {
    const g = given.find((d) => d.key === doc.key);
    const text = !g
      ? 'Non fournie'
      : g.mode === 'paper'
        ? 'Envoyée par courrier à la mairie'
        : `Fichier joint : ${g.fileName} (${formatSize(g.sizeBytes)})`;
    return { label: doc.label, text };
  });
}

export function demarcheRoutes(deps: DemarcheRoutesDeps): Router {
  const { pages, catalogue, dataSource, processes } = deps;
  const { demarches, documents, drafts, civilStatus } = deps.services;
  const router = Router();

  // Every page here is the resident's own: without a session, the login page.
  const resident = (req: Request, res: Response, next: NextFunction) => {
    if (!req.account) return res.redirect(303, '/connexion');
    next();
  };
  router.use(['/services', '/demandes'], resident);

  const definitionOf = (req: Request): DemarcheDefinition => {
    const def = catalogue.find(req.commune.slug, String(req.params.code));
    if (!def) throw new NotFoundError("Cette démarche n'existe pas dans votre commune.");
    return def;
  };
  const account = (req: Request) => req.account as Account;
  const householdOf = (a: Account) => dataSource.getRepository(HouseholdMember).find({ where: { accountId: a.id }, order: { id: 'ASC' } });
  const csrfFor = (req: Request) => (req.get('x-csrf-token') ? null : csrfToken(req));

  // ---- «Services» --------------------------------------------------------------------------------
  router.get('/services', async (req, res) => {
    const withDraft = await drafts.codesOf(account(req).id);
    const categories = new Map<string, unknown[]>();
    for (const def of catalogue.list(req.commune.slug)) {
      const list = categories.get(def.category) ?? [];
      list.push({
        code: def.code,
        title: def.title,
        description: def.description,
        processingDays: def.processingDays,
        documents: def.documents.map((d) => ({ label: d.label, required: d.required, paperAllowed: d.paperAllowed })),
        hasDraft: withDraft.has(def.code),
      });
      categories.set(def.category, list);
    }
    res.send(
      pages.render(req, 'resident/services', {
        pageTitle: 'Services',
        activeTab: 'services',
        categories: [...categories].map(([name, services]) => ({ name, services })),
      }),
    );
  });

  router.get('/services/:code', async (req, res) => {
    const def = definitionOf(req);
    await drafts.open(account(req).id, def);
    res.redirect(303, `/services/${def.code}/etape/${def.steps[0].key}`);
  });

  router.post('/services/:code/abandonner', async (req, res) => {
    const def = definitionOf(req);
    const draft = await drafts.find(account(req).id, def.code);
    if (draft) await drafts.abandon(draft);
    req.session.flash = { kind: 'info', message: `Votre brouillon « ${def.title} » a été supprimé.` };
    res.redirect(303, '/services');
  });

  // ---- The steps ---------------------------------------------------------------------------------
  const renderStep = async (
    req: Request,
    res: Response,
    def: DemarcheDefinition,
    draft: DemarcheDraft,
    stepKey: string,
    form: { values: Values; errors: Record<string, string>; status: number },
  ) => {
    const step = def.steps.find((s) => s.key === stepKey) as DemarcheDefinition['steps'][number];
    const first = def.steps[0].key === step.key;
    const a = account(req);
    const askMember = first && def.memberConcerned !== 'none';
    const choices = askMember ? memberChoices(def, a, await householdOf(a)) : [];
    const errorList = [
      ...(form.errors.membre ? [{ field: 'membre', message: form.errors.membre }] : []),
      ...step.fields.filter((f) => form.errors[f.name]).map((f) => ({ field: f.name, message: form.errors[f.name] })),
    ];
    res.status(form.status).send(
      pages.render(req, 'resident/demarche-etape', {
        pageTitle: `${step.title} — ${def.title}`,
        activeTab: 'services',
        demarche: { code: def.code, title: def.title },
        step: { key: step.key, title: step.title, help: step.help },
        progress: progress(def, step.key),
        previousUrl: previousUrl(def, step.key),
        member: askMember
          ? {
              label: def.memberConcerned === 'enfant' ? 'Enfant concerné' : 'Personne concernée',
              options: choices,
              value: form.values.membre,
              error: form.errors.membre,
              none: choices.length === 0,
            }
          : undefined,
        fields: step.fields.map((f) => fieldView(f, form.values, form.errors)),
        errors: form.errors,
        errorList,
      }),
    );
  };

  const draftValues = (def: DemarcheDefinition, draft: DemarcheDraft, first: boolean): Values => {
    const values: Values = { ...draft.answers };
    for (const [k, v] of Object.entries(values)) if (typeof v === 'boolean' || typeof v === 'number') values[k] = String(v);
    // A first step already answered with nobody chosen was answered for the account holder.
    const stepOneDone = def.steps[0].fields.some((f) => draft.answers[f.name] !== undefined);
    if (first) values.membre = draft.memberId !== null ? String(draft.memberId) : stepOneDone ? HOLDER : '';
    return values;
  };

  router.get('/services/:code/etape/:step', async (req, res) => {
    const def = definitionOf(req);
    if (!def.steps.some((s) => s.key === req.params.step)) throw new NotFoundError("Cette étape n'existe pas.");
    const draft = await drafts.open(account(req).id, def);
    const first = def.steps[0].key === req.params.step;
    await renderStep(req, res, def, draft, String(req.params.step), { values: draftValues(def, draft, first), errors: {}, status: 200 });
  });

  router.post('/services/:code/etape/:step', async (req, res) => {
    const def = definitionOf(req);
    const stepKey = String(req.params.step);
    const step = def.steps.find((s) => s.key === stepKey);
    if (!step) throw new NotFoundError("Cette étape n'existe pas.");
    const draft = await drafts.open(account(req).id, def);
    const body = (req.body ?? {}) as Values;
    const { values, errors } = validateStepAnswers(def, stepKey, body);
    let memberId: number | null | undefined;
    if (def.steps[0].key === stepKey && def.memberConcerned !== 'none') {
      const a = account(req);
      const choices = memberChoices(def, a, await householdOf(a));
      const chosen = typeof body.membre === 'string' ? body.membre : '';
      if (!choices.some((c) => c.value === chosen)) {
        errors.membre =
          def.memberConcerned === 'enfant'
            ? choices.length
              ? "Choisissez l'enfant concerné par la démarche."
              : "Votre foyer ne compte aucun enfant : ajoutez-le dans l'onglet Compte avant cette démarche."
            : 'Choisissez la personne concernée par la démarche.';
      } else memberId = chosen === HOLDER ? null : Number(chosen);
    }
    if (Object.keys(errors).length) {
      return renderStep(req, res, def, draft, stepKey, { values: body, errors, status: 422 });
    }
    await drafts.saveStep(draft, step.fields.map((f) => f.name), values, memberId);
    res.redirect(303, nextUrl(def, stepKey));
  });

  // ---- Documents ---------------------------------------------------------------------------------
  const renderDocuments = (
    req: Request,
    res: Response,
    def: DemarcheDefinition,
    draft: DemarcheDraft,
    form: { errors: Record<string, string>; status: number; modes?: Record<string, string>; message?: string },
  ) => {
    const docs = documentsView(def, draft.documents, (d) => documents.maxMbOf(d)).map((d) => ({
      ...d,
      mode: form.modes?.[d.key] ?? d.mode,
      error: form.errors[`${FILE_FIELD_PREFIX}${d.key}`] ?? form.errors[`mode_${d.key}`],
    }));
    const errorList = docs.filter((d) => d.error).map((d) => ({ field: `mode_${d.key}`, message: `${d.label} : ${d.error}` }));
    if (form.message && errorList.length === 0) errorList.push({ field: 'pieces', message: form.message });
    res.status(form.status).send(
      pages.render(req, 'resident/demarche-pieces', {
        pageTitle: `Pièces justificatives — ${def.title}`,
        activeTab: 'services',
        demarche: { code: def.code, title: def.title },
        progress: progress(def, DOCUMENTS_STEP),
        previousUrl: previousUrl(def, DOCUMENTS_STEP),
        documents: docs,
        errorList,
      }),
    );
  };

  router.get('/services/:code/pieces', async (req, res) => {
    const def = definitionOf(req);
    if (!def.documents.length) return res.redirect(303, `/services/${def.code}/recapitulatif`);
    const draft = await drafts.open(account(req).id, def);
    renderDocuments(req, res, def, draft, { errors: {}, status: 200 });
  });

  router.post('/services/:code/pieces', async (req, res) => {
    const def = definitionOf(req);
    // The form is read (its CSRF token first) before the draft is opened: a forged form writes nothing.
    let received: { fields: Record<string, string>; files: StoredUpload[] };
    try {
      received = await documents.receive(req, { communeSlug: req.commune.slug, documents: def.documents, csrfToken: csrfFor(req) });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.code === 'csrf') throw err;
      return renderDocuments(req, res, def, await drafts.open(account(req).id, def), { errors: err.fields, status: err.status, message: err.message });
    }
    const draft = await drafts.open(account(req).id, def).catch(async (err: unknown) => {
      await documents.discard(received.files);
      throw err;
    });
    const next: DraftDocument[] = [];
    const unused: StoredUpload[] = [];
    const errors: Record<string, string> = {};
    const modes: Record<string, string> = {};
    for (const doc of def.documents) {
      const mode = received.fields[`mode_${doc.key}`] ?? '';
      modes[doc.key] = mode;
      const file = received.files.find((f) => f.key === doc.key);
      const current = draft.documents.find((d) => d.key === doc.key);
      if (mode === 'paper') {
        if (file) unused.push(file);
        if (doc.paperAllowed) next.push({ key: doc.key, mode: 'paper' });
        else errors[`mode_${doc.key}`] = "Cette pièce doit être jointe en ligne : l'envoi par courrier n'est pas possible.";
      } else if (mode === 'none' && !file) {
        if (doc.required) errors[`mode_${doc.key}`] = 'Cette pièce est obligatoire.';
      } else if (file) {
        next.push({ key: doc.key, mode: 'upload', fileName: file.fileName, mimeType: file.mimeType, sizeBytes: file.sizeBytes, sha256: file.sha256, storagePath: file.storagePath });
      } else if (current?.mode === 'upload') {
        next.push(current);
      } else if (doc.required) {
        errors[`mode_${doc.key}`] = doc.paperAllowed
          ? "Joignez le fichier ou choisissez de l'envoyer par courrier."
          : 'Joignez le fichier.';
      } else if (mode === 'upload') {
        errors[`mode_${doc.key}`] = 'Choisissez le fichier à joindre.';
      }
    }
    await documents.discard(unused);
    // The files received are kept even when another document is missing: nothing to send again.
    await drafts.saveDocuments(draft, next);
    if (Object.keys(errors).length) return renderDocuments(req, res, def, draft, { errors, status: 422, modes });
    res.redirect(303, `/services/${def.code}/recapitulatif`);
  });

  // ---- Summary and «Envoyer» ---------------------------------------------------------------------
  router.get('/services/:code/recapitulatif', async (req, res) => {
    const def = definitionOf(req);
    const a = account(req);
    const draft = await drafts.open(a.id, def);
    const member = draft.memberId !== null ? await dataSource.getRepository(HouseholdMember).findOneBy({ id: draft.memberId, accountId: a.id }) : null;
    res.send(
      pages.render(req, 'resident/demarche-recapitulatif', {
        pageTitle: `Récapitulatif — ${def.title}`,
        activeTab: 'services',
        demarche: { code: def.code, title: def.title },
        progress: progress(def, 'recapitulatif'),
        previousUrl: previousUrl(def, 'recapitulatif'),
        memberText: def.memberConcerned === 'none' ? undefined : member ? fullName(member) : fullName(a),
        steps: answersSummary(def, draft.answers).map((s) => ({ ...s, url: `/services/${def.code}/etape/${s.key}` })),
        documents: def.documents.length ? documentsSummary(def, draft.documents) : undefined,
        documentsUrl: `/services/${def.code}/pieces`,
        submissionKey: draft.submissionKey,
      }),
    );
  });

  router.post('/services/:code/envoyer', async (req, res) => {
    const def = definitionOf(req);
    const a = account(req);
    const key = typeof req.body?.cle === 'string' ? req.body.cle : '';
    // A replayed «Envoyer» (double click, back button, resent POST): the request it made.
    const done = key ? await dataSource.getRepository(DemarcheRequest).findOneBy({ accountId: a.id, submissionKey: key }) : null;
    if (done) return res.redirect(303, `/demandes/${done.number}/confirmation`);
    const draft = await drafts.find(a.id, def.code);
    if (!draft) return res.redirect(303, '/services');
    if (draft.submissionKey !== key) return res.redirect(303, `/services/${def.code}/recapitulatif`);

    const { values, errors } = validateAnswers(def, draft.answers);
    const wrongStep = def.steps.find((s) => s.fields.some((f) => errors[f.name]));
    const missingChild = def.memberConcerned === 'enfant' && draft.memberId === null;
    if (wrongStep || missingChild) {
      req.session.flash = { kind: 'error', message: 'Certaines réponses manquent ou sont à corriger avant l’envoi.' };
      return res.redirect(303, `/services/${def.code}/etape/${(wrongStep ?? def.steps[0]).key}`);
    }
    const submitted: SubmittedDocument[] = draft.documents.map((d) =>
      d.mode === 'paper' ? { key: d.key, mode: 'paper' } : { ...d, mode: 'upload' },
    );
    let request: DemarcheRequest;
    try {
      request = await demarches.submit(req.commune, a, {
        definition: def,
        answers: values,
        memberId: draft.memberId,
        documents: submitted,
        submissionKey: draft.submissionKey,
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 422) throw err;
      req.session.flash = { kind: 'error', message: Object.values(err.fields)[0] ?? err.message };
      return res.redirect(303, def.documents.length ? `/services/${def.code}/pieces` : `/services/${def.code}/etape/${def.steps[0].key}`);
    }
    await drafts.forget(draft);
    res.redirect(303, `/demandes/${request.number}/confirmation`);
  });

  // ---- «Demandes» and a request's page -----------------------------------------------------------
  const memberLabel = (r: DemarcheRequest, def: DemarcheDefinition | undefined, a: Account, members: HouseholdMember[]) => {
    if (r.memberId !== null) {
      const m = members.find((x) => x.id === r.memberId);
      return m ? fullName(m) : 'Membre retiré du foyer';
    }
    return def?.memberConcerned === 'none' ? '—' : fullName(a);
  };
  const statusLabel = (s: string) => (isDemarcheStatus(s) ? STATUS_LABELS[s] : s);

  router.get('/demandes', async (req, res) => {
    const a = account(req);
    const [requests, members, certificates] = await Promise.all([
      demarches.listForResident(a),
      householdOf(a),
      residentCivilStatusRows(civilStatus, a),
    ]);
    const rows = requests.map((r) => {
      const def = catalogue.find(req.commune.slug, r.demarcheCode, r.demarcheVersion);
      return {
        number: r.number,
        url: `/demandes/${r.number}`,
        title: def?.title ?? r.demarcheCode,
        dateText: formatParisDate(r.submittedAt),
        memberText: memberLabel(r, def, a, members),
        status: r.status,
        statusLabel: statusLabel(r.status),
        submittedAt: r.submittedAt,
      };
    });
    res.send(
      pages.render(req, 'resident/demandes', {
        pageTitle: 'Demandes',
        activeTab: 'demandes',
        // Démarches and certificate requests together, the most recent first.
        requests: [...rows, ...certificates].sort((x, y) => y.submittedAt.getTime() - x.submittedAt.getTime()),
      }),
    );
  });

  router.get('/demandes/:number/confirmation', async (req, res) => {
    const a = account(req);
    const request = await demarches.getForResident(a, String(req.params.number));
    const def = catalogue.find(req.commune.slug, request.demarcheCode, request.demarcheVersion);
    const paper = await dataSource.getRepository(RequestDocument).findBy({ requestId: request.id, mode: 'paper' });
    res.send(
      pages.render(req, 'resident/demarche-confirmation', {
        pageTitle: 'Demande envoyée',
        activeTab: 'demandes',
        number: request.number,
        title: def?.title ?? request.demarcheCode,
        email: a.communicationChannel === 'sms' ? undefined : a.email,
        processingDays: def?.processingDays,
        paperDocuments: paper.map((p) => ({ label: def?.documents.find((d) => d.key === p.documentKey)?.label ?? p.documentKey })),
        postalAddress: req.commune.postalAddress,
        residentName: `${a.lastName} ${a.firstName}`,
      }),
    );
  });

  const renderRequest = async (
    req: Request,
    res: Response,
    number: string,
    form: { status: number; errors?: Record<string, string>; values?: Values; message?: string } = { status: 200 },
  ) => {
    const a = account(req);
    const request = await demarches.getForResident(a, number);
    const def = catalogue.find(req.commune.slug, request.demarcheCode, request.demarcheVersion);
    const [docs, history, members] = await Promise.all([
      dataSource.getRepository(RequestDocument).find({ where: { requestId: request.id }, order: { id: 'ASC' } }),
      dataSource.getRepository(RequestHistory).find({ where: { requestId: request.id }, order: { at: 'ASC', id: 'ASC' } }),
      householdOf(a),
    ]);
    const status = request.status as DemarcheStatus;
    const events = isDemarcheStatus(status) ? eventsAvailableTo('resident', status) : [];
    // The latest row of each document says where it stands.
    const latest = new Map(docs.map((d) => [d.documentKey, d]));
    const documentRows = (def?.documents ?? []).map((doc) => {
      const d = latest.get(doc.key);
      const text = !d
        ? 'Non fournie'
        : d.state === 'received'
          ? d.mode === 'paper'
            ? `Reçue par courrier le ${formatParisDate(d.receivedAt as Date)}`
            : `Reçue en ligne : ${d.fileName ?? ''}${d.sizeBytes ? ` (${formatSize(d.sizeBytes)})` : ''}`
          : 'Attendue par courrier';
      return { key: doc.key, label: doc.label, text, received: d?.state === 'received', required: doc.required };
    });
    const awaiting = status === 'en_attente_de_pieces';
    const uploadable = (def?.documents ?? []).filter((doc) => latest.get(doc.key)?.state !== 'received');
    const errors = form.errors ?? {};
    const errorList = Object.entries(errors).map(([field, message]) => ({ field, message }));
    if (form.message && errorList.length === 0 && form.status >= 400) errorList.push({ field: 'actions', message: form.message });
    res.status(form.status).send(
      pages.render(req, 'resident/demande', {
        pageTitle: `Demande ${request.number}`,
        activeTab: 'demandes',
        request: {
          number: request.number,
          title: def?.title ?? request.demarcheCode,
          status,
          statusLabel: statusLabel(status),
          dateText: formatParisDateTime(request.submittedAt),
          memberText: memberLabel(request, def, a, members),
          decisionReason: request.decisionReason,
        },
        steps: def ? answersSummary(def, request.answers) : [],
        documents: documentRows,
        history: history.map((h) => ({
          dateText: formatParisDateTime(h.at),
          label: Object.prototype.hasOwnProperty.call(EVENT_LABELS, h.event) ? EVENT_LABELS[h.event as keyof typeof EVENT_LABELS] : h.event,
          statusLabel: statusLabel(h.toStatus),
          reason: h.event === 'fournir_pieces' || h.event === 'recevoir_piece_papier'
            ? h.reason?.split(', ').map((k) => def?.documents.find((d) => d.key === k)?.label ?? k).join(', ')
            : h.reason,
        })),
        actions: {
          cancel: events.includes('annuler'),
          answer: awaiting && events.includes('repondre'),
          upload: awaiting && events.includes('fournir_pieces') && uploadable.length > 0,
        },
        uploadable: uploadable.map((doc) => ({
          key: doc.key,
          field: `${FILE_FIELD_PREFIX}${doc.key}`,
          label: doc.label,
          accept: doc.acceptedTypes.map((t) => TYPE_ACCEPT[t]).join(','),
          rules: `${acceptedTypesMessage(doc.acceptedTypes)} ${String(documents.maxMbOf(doc)).replace('.', ',')} Mo au plus.`,
          error: errors[`${FILE_FIELD_PREFIX}${doc.key}`],
        })),
        values: form.values ?? {},
        errors,
        errorList,
      }),
    );
  };

  router.get('/demandes/:number', async (req, res) => {
    await renderRequest(req, res, String(req.params.number));
  });

  /** An action refused by the workflow's validator (409) is shown on the request's page. */
  const refusedOn = (req: Request, res: Response, number: string, values: Values = {}) => async (err: unknown) => {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    await renderRequest(req, res, number, { status: err.status, message: err.message, errors: err.fields, values });
  };

  router.post('/demandes/:number/annuler', async (req, res) => {
    const request = await demarches.getForResident(account(req), String(req.params.number));
    try {
      await processes.demarcheUpdate(req.commune.slug, request.number, cancelRequestUpdate);
    } catch (err) {
      return refusedOn(req, res, request.number)(err);
    }
    req.session.flash = { kind: 'success', message: 'Votre demande a été annulée.' };
    res.redirect(303, `/demandes/${request.number}`);
  });

  router.post('/demandes/:number/repondre', async (req, res) => {
    const request = await demarches.getForResident(account(req), String(req.params.number));
    const message = typeof req.body?.message === 'string' ? req.body.message : '';
    if (message.trim() === '') {
      return renderRequest(req, res, request.number, { status: 422, errors: { message: 'Votre réponse est obligatoire.' } });
    }
    try {
      await processes.demarcheUpdate(req.commune.slug, request.number, answerRequestUpdate, { message });
    } catch (err) {
      return refusedOn(req, res, request.number, { message })(err);
    }
    req.session.flash = { kind: 'success', message: 'Votre réponse a été transmise à la mairie.' };
    res.redirect(303, `/demandes/${request.number}`);
  });

  router.post('/demandes/:number/pieces', async (req, res) => {
    const request = await demarches.getForResident(account(req), String(req.params.number));
    const def = catalogue.find(req.commune.slug, request.demarcheCode, request.demarcheVersion);
    if (!def) throw new NotFoundError("Cette démarche n'existe plus dans votre commune.");
    let files: StoredUpload[];
    try {
      ({ files } = await documents.receive(req, { communeSlug: req.commune.slug, documents: def.documents, csrfToken: csrfFor(req) }));
    } catch (err) {
      return refusedOn(req, res, request.number)(err);
    }
    if (files.length === 0) {
      return renderRequest(req, res, request.number, { status: 422, message: 'Choisissez au moins un fichier à envoyer.' });
    }
    // The rows are written before the workflow hears of them: once it says «Complet», the
    // documents it counted are already on record. A refused action takes them back.
    const receivedAt = new Date();
    const rows = await dataSource.transaction(async (em) => {
      const ids: number[] = [];
      for (const f of files) {
        const { identifiers } = await em.getRepository(RequestDocument).insert({
          requestId: request.id,
          documentKey: f.key,
          mode: 'upload',
          state: 'received',
          fileName: f.fileName,
          mimeType: f.mimeType,
          sizeBytes: f.sizeBytes,
          sha256: f.sha256,
          storagePath: f.storagePath,
          receivedAt,
          receivedBy: 'resident',
        });
        ids.push(identifiers[0].id as number);
      }
      return ids;
    });
    try {
      await processes.demarcheUpdate(req.commune.slug, request.number, provideDocumentsUpdate, { documentKeys: files.map((f) => f.key) });
    } catch (err) {
      await dataSource.getRepository(RequestDocument).delete(rows);
      await documents.discard(files);
      return refusedOn(req, res, request.number)(err);
    }
    req.session.flash = { kind: 'success', message: files.length > 1 ? 'Vos pièces ont été transmises.' : 'Votre pièce a été transmise.' };
    res.redirect(303, `/demandes/${request.number}`);
  });

  return router;
}
