// «Actes d'état civil»: the one démarche open without an account (FAQ: the event happened here,
// the requester may live far away and will not come back). One form per act, its steps shown as
// fieldsets of one page, checked by domain/civil-status.ts; then the captcha; then a tracking
// link by email. A logged-in resident gets the form prefilled and the request in «Demandes».
import { Router, type Request, type Response } from 'express';
import type { Account } from '../../db/entities';
import {
  ACT_KINDS,
  ACT_LABELS,
  COPY_LABELS,
  DEFAULT_COUNTRY,
  OPEN_AFTER_YEARS,
  civilStatusForm,
  isActKind,
  type ActKind,
  type CivilStatusDetails,
} from '../../domain/civil-status';
import { CIVIL_STATUS_LABELS, isCivilStatusStatus } from '../../domain/civil-status-status';
import { formatParisDate, formatParisDateTime } from '../../domain/dates';
import { trackingPath } from '../../notify/tracking-link';
import { AppError, ConflictError } from '../errors';
import type { PageRenderer } from '../pages';
import type { CivilStatusService } from '../services/civil-status.service';
import { fieldView } from './demarches';
import { onFormError } from './routes';

export const ACT_INTROS: Record<ActKind, string> = {
  naissance: 'Pour une naissance survenue dans la commune.',
  mariage: 'Pour un mariage célébré dans la commune.',
  deces: 'Pour un décès survenu dans la commune, ou dont la transcription y a été faite.',
};

export const EVENT_LABELS: Record<string, string> = {
  deposer: 'Demande déposée',
  delivrer: 'Acte délivré et envoyé par courrier',
  refuser: 'Demande refusée',
  relancer_agents: 'Demande en cours de traitement',
};

/** The requester's own details (WCAG 1.3.5): browsers can fill them in. */
export const AUTOCOMPLETE: Record<string, string> = {
  demandeur_nom: 'family-name',
  demandeur_prenom: 'given-name',
  email: 'email',
  telephone: 'tel',
  adresse: 'address-line1',
  complement: 'address-line2',
  code_postal: 'postal-code',
  ville: 'address-level2',
  pays: 'country-name',
};

/** What the form shows a logged-in resident before they type anything. */
function prefill(account: Account | undefined): Record<string, string> {
  const base: Record<string, string> = { nombre_exemplaires: '1', pays: DEFAULT_COUNTRY };
  if (!account) return base;
  return {
    ...base,
    demandeur_nom: account.lastName,
    demandeur_prenom: account.firstName,
    email: account.email,
    telephone: account.phone ?? '',
    adresse: account.addressLine,
    code_postal: account.postalCode,
    ville: account.city,
  };
}

function personOf(d: CivilStatusDetails): string {
  return d.act === 'mariage'
    ? `${d.firstNames} ${d.lastName} et ${d.spouseFirstNames ?? ''} ${d.spouseLastName ?? ''}`.trim()
    : `${d.firstNames} ${d.lastName}`;
}

/** The rows a resident's «Demandes» and «Accueil» show for their certificate requests. */
export async function residentCivilStatusRows(civilStatus: CivilStatusService, account: Account) {
  const rows = await civilStatus.listForResident(account);
  return rows.map((r) => ({
    number: r.number,
    url: trackingPath(civilStatus.tokenOf(r)),
    title: `${ACT_LABELS[r.details.act]} — ${COPY_LABELS[r.details.copy].toLowerCase()}`,
    dateText: formatParisDate(r.submittedAt),
    memberText: personOf(r.details),
    status: r.status === 'envoyee' ? 'valide' : r.status === 'refusee' ? 'refuse' : r.status,
    statusLabel: isCivilStatusStatus(r.status) ? CIVIL_STATUS_LABELS[r.status] : r.status,
    submittedAt: r.submittedAt,
  }));
}

export function civilStatusRoutes(deps: { pages: PageRenderer; civilStatus: CivilStatusService }): Router {
  const { pages, civilStatus } = deps;
  const router = Router();

  router.get('/actes', (req, res) => {
    res.send(
      pages.render(req, 'actes/choix', {
        pageTitle: 'Demander un acte d’état civil',
        activeTab: req.account ? 'services' : undefined,
        acts: ACT_KINDS.map((act) => ({ url: `/actes/${act}`, label: ACT_LABELS[act], intro: ACT_INTROS[act] })),
        openAfterYears: OPEN_AFTER_YEARS,
      }),
    );
  });

  // Before /actes/:acte, which would take «demande-envoyee» for an act.
  router.get('/actes/demande-envoyee', (req, res) => {
    const sent = req.session.civilStatusSent;
    if (!sent) return res.redirect(303, '/actes');
    res.send(pages.render(req, 'actes/envoyee', { pageTitle: 'Demande d’acte envoyée', ...sent }));
  });

  const actOf = (req: Request): ActKind => {
    const act = String(req.params.acte);
    if (!isActKind(act)) throw new AppError(404, 'not_found', "Ce type d'acte n'existe pas.");
    return act;
  };

  async function formContext(req: Request, act: ActKind, values: Record<string, unknown>, errors: Record<string, string> = {}) {
    const form = civilStatusForm(act);
    const captcha = await civilStatus.captcha();
    return {
      pageTitle: form.title,
      activeTab: req.account ? 'services' : undefined,
      act,
      actLabel: ACT_LABELS[act],
      title: form.title,
      action: `/actes/${act}`,
      steps: form.steps.map((step) => ({
        key: step.key,
        title: step.title,
        help: step.help,
        fields: step.fields.map((f) => ({ ...fieldView(f, values, errors), autocomplete: AUTOCOMPLETE[f.name] })),
      })),
      submissionKey: typeof values.submission_key === 'string' && values.submission_key ? values.submission_key : civilStatus.newSubmissionKey(),
      captcha,
      signedIn: Boolean(req.account),
    };
  }

  router.get('/actes/:acte', async (req, res) => {
    const act = actOf(req);
    res.send(pages.render(req, 'actes/formulaire', await formContext(req, act, prefill(req.account))));
  });

  router.post('/actes/:acte', async (req: Request, res: Response) => {
    const act = actOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.action === 'nouveau_cryptogramme') {
      return res.send(pages.render(req, 'actes/formulaire', await formContext(req, act, body)));
    }
    try {
      const request = await civilStatus.submit(req.commune, {
        act,
        answers: body,
        captcha: { id: String(body.captcha_id ?? ''), answer: String(body.cryptogramme ?? '') },
        submissionKey: String(body.submission_key ?? ''),
        ip: req.ip ?? '',
        account: req.account ?? null,
      });
      req.session.civilStatusSent = {
        number: request.number,
        email: request.requesterEmail,
        trackingPath: trackingPath(civilStatus.tokenOf(request)),
      };
      res.redirect(303, '/actes/demande-envoyee');
    } catch (err) {
      // The values typed stay (the page is rebuilt with a new captcha); the form keeps its key,
      // unless that key is what was refused (already used for another request).
      const values = err instanceof ConflictError ? { ...body, submission_key: undefined } : body;
      const context = await formContext(req, act, values);
      onFormError(pages, req, res, 'actes/formulaire', context)(err);
    }
  });

  router.get('/suivi/:token', async (req, res) => {
    const { request, history } = await civilStatus.track(req.commune, String(req.params.token));
    const d = request.details;
    const status = isCivilStatusStatus(request.status) ? request.status : 'recue';
    res.send(
      pages.render(req, 'actes/suivi', {
        pageTitle: `Suivi de la demande ${request.number}`,
        activeTab: req.account ? 'demandes' : undefined,
        number: request.number,
        actLabel: ACT_LABELS[d.act],
        copyLabel: COPY_LABELS[d.copy],
        copies: d.copies,
        submittedText: formatParisDateTime(request.submittedAt),
        status,
        statusLabel: CIVIL_STATUS_LABELS[status],
        decidedText: request.decidedAt ? formatParisDate(request.decidedAt) : null,
        reason: status === 'refusee' ? request.decisionReason : null,
        postalAddress: req.commune.postalAddress,
        // Reminders to the agents are internal: the requester sees the request's own events.
        history: history
          .filter((h) => h.event !== 'relancer_agents')
          .map((h) => ({ label: EVENT_LABELS[h.event] ?? h.event, atText: formatParisDateTime(h.at) })),
      }),
    );
  });

  return router;
}
