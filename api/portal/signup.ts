// «Créer un compte», tab by tab, without JavaScript: each tab posts to itself, is validated on
// the server, and its values are kept in the session draft, so nothing is lost between tabs.
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config';
import { formatIsoDay } from '../../domain/dates';
import { PASSWORD_RULES_TEXT } from '../../domain/password-policy';
import { AppError, ValidationError } from '../errors';
import { formErrors, type PageRenderer } from '../pages';
import { MAX_MEMBERS, type SignupDraft } from '../services/accounts.service';
import type { PortalServices } from './routes';
import { CIVILITES, SECURITY_QUESTIONS } from '../validation/account';

const TABS = [
  { key: 'identite', label: 'Identité' },
  { key: 'coordonnees', label: 'Coordonnées' },
  { key: 'foyer', label: 'Foyer' },
  { key: 'securite', label: 'Sécurité' },
  { key: 'validation', label: 'Validation' },
] as const;
type TabKey = (typeof TABS)[number]['key'];

const civilites = CIVILITES.map((c) => ({ value: c, label: c }));
const questions = SECURITY_QUESTIONS.map((q) => ({ value: q, label: q }));

function draftOf(req: Request): SignupDraft {
  req.session.signup ??= { foyer: [] };
  return req.session.signup;
}

function isComplete(draft: SignupDraft, key: TabKey): boolean {
  if (key === 'foyer') return Boolean(draft.identite); // optional: done once reached
  if (key === 'validation') return false;
  return Boolean(draft[key]);
}

function firstIncomplete(draft: SignupDraft): TabKey {
  return (['identite', 'coordonnees', 'securite'] as const).find((k) => !draft[k]) ?? 'validation';
}

export function signupRoutes(deps: { pages: PageRenderer; services: PortalServices; config: Config }): Router {
  const { pages, services } = deps;
  const router = Router();

  function tabValues(draft: SignupDraft, tab: TabKey): Record<string, unknown> {
    const typed = draft.typed?.[tab];
    if (typed) return typed;
    if (tab === 'identite') return { ...draft.identite };
    if (tab === 'coordonnees') return { mode_communication: 'email', ...draft.coordonnees };
    if (tab === 'securite') return draft.securite ? { question: draft.securite.question } : {};
    return {};
  }

  async function renderTab(req: Request, res: Response, tab: TabKey, status = 200, extra: Record<string, unknown> = {}) {
    const draft = draftOf(req);
    const context: Record<string, unknown> = {
      pageTitle: `Créer un compte — ${TABS.find((t) => t.key === tab)?.label}`,
      tab,
      tabs: TABS.map((t) => ({
        key: t.key,
        label: t.label,
        url: `/compte/creer/${t.key}`,
        current: t.key === tab,
        complete: isComplete(draft, t.key),
      })),
      civilites,
      questions,
      passwordRules: PASSWORD_RULES_TEXT,
      passwordAlreadySet: Boolean(draft.securite),
      values: tabValues(draft, tab),
      members: draft.foyer.map((m, index) => ({
        index,
        kindLabel: m.membre_type === 'adulte' ? 'Adulte' : 'Enfant',
        civilite: m.membre_civilite,
        prenom: m.membre_prenom,
        nom: m.membre_nom,
        dateNaissanceText: formatIsoDay(m.membre_date_naissance),
        lien: m.membre_lien,
      })),
      ...extra,
    };
    if (tab === 'validation') {
      context.summary = summaryOf(draft);
      const challenge = await services.captcha.create();
      context.captcha = challenge;
    }
    res.status(status).send(pages.render(req, 'signup/tab', context));
  }

  router.get('/compte/creer', (req, res) => res.redirect(303, '/compte/creer/identite'));

  router.get('/compte/creer/:tab', async (req, res) => {
    const tab = TABS.find((t) => t.key === req.params.tab)?.key;
    if (!tab) throw new AppError(404, 'not_found', "Cet onglet n'existe pas.");
    const draft = draftOf(req);
    if (tab === 'validation' && firstIncomplete(draft) !== 'validation') {
      return res.redirect(303, `/compte/creer/${firstIncomplete(draft)}`);
    }
    await renderTab(req, res, tab);
  });

  router.post('/compte/creer/:tab', async (req, res) => {
    const tab = TABS.find((t) => t.key === req.params.tab)?.key;
    if (!tab) throw new AppError(404, 'not_found', "Cet onglet n'existe pas.");
    const draft = draftOf(req);
    const body = req.body as Record<string, string>;
    const action = body.action ?? 'suivant';
    const index = TABS.findIndex((t) => t.key === tab);
    try {
      if (tab === 'identite') draft.identite = services.accounts.validateIdentity(body);
      if (tab === 'coordonnees') {
        const contact = services.accounts.validateContact(body);
        await services.accounts.assertEmailFree(req.commune, contact.email);
        draft.coordonnees = contact;
      }
      if (tab === 'foyer') {
        if (body.retirer !== undefined) {
          draft.foyer.splice(Number(body.retirer), 1);
          return res.redirect(303, '/compte/creer/foyer');
        }
        if (action === 'ajouter_membre') {
          if (draft.foyer.length >= MAX_MEMBERS) {
            throw new ValidationError({ membre_prenom: `Un foyer compte au plus ${MAX_MEMBERS} membres en plus de vous.` });
          }
          draft.foyer.push(services.accounts.validateMember(body));
          return res.redirect(303, '/compte/creer/foyer');
        }
      }
      if (tab === 'securite') {
        // Coming back to this tab with the fields left empty keeps the password already chosen.
        const keep = draft.securite && !body.mot_de_passe && !body.mot_de_passe_confirmation && !body.reponse;
        if (!keep) draft.securite = await services.accounts.validateSecurity(body, draft, req.ip ?? '');
      }
      if (tab === 'validation' && action === 'envoyer') {
        const missing = firstIncomplete(draft);
        if (missing !== 'validation') return res.redirect(303, `/compte/creer/${missing}`);
        const account = await services.accounts.createAccount(req.commune, draft, {
          id: String(body.captcha_id ?? ''),
          answer: String(body.cryptogramme ?? ''),
        });
        delete req.session.signup;
        return res.redirect(303, `/compte/cree?email=${encodeURIComponent(account.email)}`);
      }
      delete draft.typed?.[tab];
    } catch (err) {
      if (!(err instanceof AppError) || !(err.status === 422 || err.status === 409)) throw err;
      // Keep what was typed (never passwords or answers) so nothing is lost between tabs.
      const typed = formErrors(body, err.fields).values;
      draft.typed = { ...draft.typed, [tab]: typed };
      if (action === 'precedent' && tab !== 'validation') return res.redirect(303, `/compte/creer/${TABS[Math.max(0, index - 1)].key}`);
      return renderTab(req, res, tab, err.status, formErrors(body, err.fields));
    }
    const next = action === 'precedent' ? TABS[Math.max(0, index - 1)] : TABS[Math.min(TABS.length - 1, index + 1)];
    res.redirect(303, `/compte/creer/${next.key}`);
  });

  router.get('/compte/cree', (req, res) => {
    const email = typeof req.query.email === 'string' ? req.query.email.slice(0, 254) : '';
    res.send(pages.render(req, 'signup/done', { pageTitle: 'Compte créé', email }));
  });

  return router;
}

function summaryOf(draft: SignupDraft) {
  const i = draft.identite;
  const c = draft.coordonnees;
  return {
    identite: i
      ? [
          { label: 'Civilité', value: i.civilite },
          { label: 'Prénom', value: i.prenom },
          { label: 'Nom', value: i.nom },
          { label: 'Date de naissance', value: formatIsoDay(i.date_naissance) },
        ]
      : [],
    coordonnees: c
      ? [
          { label: 'Adresse électronique', value: c.email },
          { label: 'Téléphone', value: c.telephone ?? 'Non renseigné' },
          { label: 'Adresse', value: `${c.adresse}, ${c.code_postal} ${c.ville}` },
          { label: 'Mode de communication', value: c.mode_communication === 'sms' ? 'Par SMS' : 'Par courriel' },
        ]
      : [],
    foyer: draft.foyer.length
      ? draft.foyer.map((m) => ({
          label: m.membre_type === 'adulte' ? 'Adulte' : 'Enfant',
          value: `${m.membre_civilite} ${m.membre_prenom} ${m.membre_nom}, né(e) le ${formatIsoDay(m.membre_date_naissance)}`,
        }))
      : [{ label: 'Membres', value: 'Aucun membre déclaré (facultatif)' }],
    securite: draft.securite
      ? [
          { label: 'Mot de passe', value: 'Enregistré' },
          { label: 'Question secrète', value: draft.securite.question },
        ]
      : [],
  };
}
