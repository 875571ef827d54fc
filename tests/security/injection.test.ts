// Issue 7, security suite: «an XSS payload and an SQL-like payload in every text field, checked on
// every page and mail that shows it». A script tag, a Handlebars expression, two SQL-like strings
// and Unicode go into every field a resident or an agent can type, through the portal's forms and
// the JSON API; each is either refused with a French 4xx (names) or stored exactly as typed and
// shown as text on every page, mail and SMS that quotes it — never as markup, never evaluated —
// and every table is still there at the end. Headless Chromium opens the pages once per role and
// no dialog may open.
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { Account, CivilStatusRequest, DemarcheRequest, Invoice, RequestHistory } from '../../db/entities';
import { DEMO_REGIES } from '../../db/seed';
import { civilStatusForm, type ActKind } from '../../domain/civil-status';
import { SANDBOX_TEST_CARDS } from '../../payments/sandbox';
import { EXPECTED_HEADER } from '../../domain/invoice-import';
import { SECURITY_QUESTIONS } from '../../api/validation/account';
import { cleanFileName } from '../../api/services/documents.service';
import { launchBrowser } from '../support/browser';
import { DEMO_AGENT, startHarness, WebClient, type Harness } from '../support/harness';
import { agentClient, residentClient, signUp, STRONG_PASSWORD, visibleText, waitUntil, type PageResponse } from '../support/journeys';
import {
  answersWith,
  expectMailQuotes,
  expectMailSafe,
  expectNoActiveMarkup,
  expectShownAsTyped,
  freeTextFields,
  MIXES,
  PAYLOADS,
  type MixName,
} from '../support/injection';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const CCAS_KEY = DEMO_REGIES.find((r) => r.code === 'ccas')?.apiKey as string;
const MAIL_WAIT_MS = 20_000;
/** The acts whose forms differ: the birth act's person and parents, the marriage's two spouses. */
const ACTS: ActKind[] = ['naissance', 'mariage'];

let h: Harness;
let agent: WebClient;
let tablesBefore: string[];

async function tables(): Promise<string[]> {
  const rows = (await h.dataSource.query('SHOW TABLES')) as Array<Record<string, string>>;
  return rows.map((r) => Object.values(r)[0]).sort();
}

beforeAll(async () => {
  h = await startHarness('injection', {}, { civilStatusDelayMs: 3_600_000 });
  tablesBefore = await tables();
  agent = await agentClient(h.baseUrl);
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  // Every request comes from 127.0.0.1: sign-ups and civil-status requests are throttled by address.
  await h.dataSource.query('DELETE FROM rate_limit');
});

/** The page answers 200 and shows `value` as text. */
async function expectPageShows(web: WebClient, path: string, value: string): Promise<string> {
  const page = await web.get(path);
  expect({ path, status: page.status }).toEqual({ path, status: 200 });
  expectShownAsTyped(page.text, value, path);
  return page.text;
}

/** A refusal is a 4xx with a French message next to the field, and the page echoes nothing as markup. */
function expectFrenchRefusal(r: PageResponse, where: string): void {
  expect({ where, status: r.status }).toEqual({ where, status: 422 });
  expect(r.text).toContain('class="error-summary"');
  expect(visibleText(r.text)).toMatch(/Corrigez les champs suivants : (Le|La) [^.]+ (ne peut contenir que|ne doit pas dépasser)/);
  expectNoActiveMarkup(r.text, where);
}

// ---------------------------------------------------------------------------------------------------
// Where a name is expected (letters, spaces, apostrophes, hyphens): every payload is refused.

const IDENTITY = { civilite: 'Madame', prenom: 'Zoé', nom: 'Essai', date_naissance: '1985-03-14', action: 'suivant' };
const MEMBER = { membre_type: 'enfant', membre_civilite: 'Monsieur', membre_prenom: 'Léo', membre_nom: 'Essai', membre_date_naissance: '2019-05-02', membre_lien: 'Fils', action: 'ajouter_membre' };
/** A name that would add a Bcc header if it reached a mail's subject unchanged. */
const HEADER_INJECTION = 'Ñoël\r\nBcc: intrus@example.fr';

const NAME_FIELDS: Array<{ field: string; tab: string; valid: Record<string, string> }> = [
  { field: 'prenom', tab: 'identite', valid: IDENTITY },
  { field: 'nom', tab: 'identite', valid: IDENTITY },
  { field: 'membre_prenom', tab: 'foyer', valid: MEMBER },
  { field: 'membre_nom', tab: 'foyer', valid: MEMBER },
  { field: 'membre_lien', tab: 'foyer', valid: MEMBER },
];
const NAME_CASES = NAME_FIELDS.flatMap((f) =>
  [...Object.entries(PAYLOADS), ['CR/LF + Bcc', HEADER_INJECTION]].map(([kind, value]) => ({ ...f, kind, value })),
);

describe('sign-up names (the subject of the agents’ mail): every payload refused in French', () => {
  let web: WebClient;
  beforeAll(async () => {
    web = new WebClient(h.baseUrl);
    expect((await web.post('/compte/creer/identite', IDENTITY)).status).toBe(303);
    const contact = { email: 'essai.noms@example.fr', telephone: '', adresse: '1 rue Haute', code_postal: '49070', ville: 'Beaucouzé', mode_communication: 'email', action: 'suivant' };
    expect((await web.post('/compte/creer/coordonnees', contact)).status).toBe(303);
  });

  test.each(NAME_CASES)('$field ($tab) with $kind: 422', async ({ field, tab, valid, value }) => {
    const before = await h.dataSource.getRepository(Account).count();
    expectFrenchRefusal(await web.post(`/compte/creer/${tab}`, { ...valid, [field]: value }), `${tab}.${field}`);
    expect(await h.dataSource.getRepository(Account).count()).toBe(before);
  });
});

test('a civil-status requester’s name with a line break and a Bcc header: 422 in French, nothing stored', async () => {
  const visitor = new WebClient(h.baseUrl);
  visitor.csrf = (await visitor.api<{ csrfToken: string }>('GET', '/api/v1/session')).body.csrfToken;
  const captcha = await visitor.api<{ id: string; testAnswer: string }>('GET', '/api/v1/captcha');
  const answers = Object.assign({}, ...Object.values(answersWith(civilStatusForm('naissance'), 'Martin'))) as Record<string, unknown>;
  Object.assign(answers, { date_evenement: '1990-03-03', email: 'entete.bcc@example.fr', telephone: '', code_postal: '49070', pays: 'France', demandeur_nom: HEADER_INJECTION });
  const before = await h.dataSource.getRepository(CivilStatusRequest).count();
  const r = await visitor.api<{ error: { fields: Record<string, string> } }>('POST', '/api/v1/actes', {
    act: 'naissance', answers, captchaId: captcha.body.id, captchaAnswer: captcha.body.testAnswer, submissionKey: randomUUID(),
  });
  expect(r.status).toBe(422);
  expect(r.body.error.fields.demandeur_nom).toBe('Le champ « Votre nom » contient des caractères non autorisés.');
  expect(await h.dataSource.getRepository(CivilStatusRequest).count()).toBe(before);
});

// ---------------------------------------------------------------------------------------------------
// What a page sends back of a refused form or of its address: never markup, never a 500.

/** Forms that re-display what was typed when they refuse it, and addresses that carry a value. */
const REFLECTED: Array<{ where: string; as: 'visitor' | 'agent'; send(web: WebClient, payload: string): Promise<PageResponse> }> = [
  { where: 'Se connecter (identifiant)', as: 'visitor', send: (web, p) => web.post('/connexion', { identifiant: p, mot_de_passe: 'x' }) },
  { where: 'Connexion des agents (identifiant)', as: 'visitor', send: (web, p) => web.post('/agent/connexion', { identifiant: p, mot_de_passe: 'x' }) },
  { where: 'Mot de passe oublié (identifiant)', as: 'visitor', send: (web, p) => web.post('/mot-de-passe-oublie', { identifiant: p }) },
  { where: 'Demande d’acte (formulaire)', as: 'visitor', send: (web, p) => web.post('/actes/naissance', { nom: p, prenoms: p, demandeur_nom: p, ville: p }) },
  { where: 'Suivi d’un acte (jeton)', as: 'visitor', send: (web, p) => web.get(`/suivi/${encodeURIComponent(p)}`) },
  { where: 'Une démarche (code)', as: 'visitor', send: (web, p) => web.get(`/services/${encodeURIComponent(p)}`) },
  { where: 'Réglages d’une régie (numéro client)', as: 'agent', send: (web, p) => web.post('/agent/regies/ville', { prestataire: 'payfip', numcli: p, mode: 'T' }) },
  { where: 'Demandes (filtres)', as: 'agent', send: (web, p) => web.get(`/agent/demandes?demarche=${encodeURIComponent(p)}&statut=${encodeURIComponent(p)}`) },
  { where: 'Demandes d’actes (filtres)', as: 'agent', send: (web, p) => web.get(`/agent/actes?statut=${encodeURIComponent(p)}&acte=${encodeURIComponent(p)}`) },
  { where: 'Une demande (numéro)', as: 'agent', send: (web, p) => web.get(`/agent/demandes/${encodeURIComponent(p)}`) },
];

test.each(REFLECTED)('$where ($as): every payload answered below 500, shown as text if at all', async ({ where, as, send }) => {
  await h.dataSource.query('DELETE FROM rate_limit');
  for (const [kind, payload] of Object.entries(PAYLOADS)) {
    const web = as === 'agent' ? agent : new WebClient(h.baseUrl);
    if (as === 'visitor') await web.get('/');
    const r = await send(web, payload);
    expect({ where, kind, status: r.status < 500 }).toEqual({ where, kind, status: true });
    expectNoActiveMarkup(r.text, `${where} (${kind})`);
  }
});

// ---------------------------------------------------------------------------------------------------
// Free text: accepted, stored as typed, shown as text. One journey per mix of payloads.

interface Journey {
  mix: string;
  resident: WebClient;
  account: Account;
  rejected: Account;
  /** Démarche code → its request number, and the summary page seen before «Envoyer». */
  requests: Record<string, { number: string; summary: string }>;
  /** The request the agent and the resident exchanged messages on, then refused. */
  discussed: string;
  acts: Record<string, { number: string; trackingUrl: string; email: string }>;
  csvInvoice: string;
  apiInvoice: string;
}

/** The file's name carries the mix too (without «/»: the portal refuses a name that is a path). */
const uploadName = (mix: string): string => `${mix.replace(/\//g, '')}.pdf`;

async function journey(name: MixName, index: number): Promise<Journey> {
  const mix = MIXES[name];
  const email = `injection.${index}@example.fr`;
  // The account holder: the address as typed at sign-up, a child for the school démarches.
  const child = { ...MEMBER, membre_prenom: 'Léo', membre_nom: `Essai${'x'.repeat(index)}` };
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Ñoël', nom: `Injection${'x'.repeat(index)}`, email, adresse: mix }, [child])).status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email });
  // A second account, informed by SMS, that the agent rejects in their own words.
  const smsEmail = `rejet.${index}@example.fr`;
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Rémi', nom: `Rejet${'x'.repeat(index)}`, email: smsEmail, telephone: `06 12 34 56 7${index}`, mode: 'sms' })).status).toBe(303);
  const rejected = await h.dataSource.getRepository(Account).findOneByOrFail({ email: smsEmail });
  expect((await agent.post(`/agent/comptes/${account.id}/valider`, {})).status).toBe(303);
  expect((await agent.post(`/agent/comptes/${rejected.id}/rejeter`, { motif: mix })).status).toBe(303);
  await waitUntil('the validation', async () => (await h.dataSource.getRepository(Account).findOneByOrFail({ id: account.id })).status === 'validated');

  const resident = await residentClient(h.baseUrl, account.identifier);
  const edit = await resident.post('/compte/modifier', {
    email, telephone: '', adresse: mix, code_postal: '49070', ville: mix, mode_communication: 'email',
  });
  expect(edit.status).toBe(303);

  // Every démarche of the catalogue, its free-text fields filled with the mix, through the API.
  const session = await resident.api<{ csrfToken: string }>('GET', '/api/v1/session');
  resident.csrf = session.body.csrfToken;
  const members = await resident.api<Array<{ id: number }>>('GET', '/api/v1/me/members');
  const requests: Journey['requests'] = {};
  for (const def of h.catalogue.list(h.communes.beaucouze.slug)) {
    const base = `/api/v1/services/${def.code}`;
    const answers = answersWith(def, mix);
    let key = '';
    for (const [i, step] of def.steps.entries()) {
      const body = { etape: step.key, reponses: answers[step.key], ...(i === 0 && def.memberConcerned !== 'none' ? { membre: members.body[0].id } : {}) };
      const saved = await resident.api<{ cle: string }>('PUT', `${base}/draft`, body);
      expect({ code: def.code, step: step.key, status: saved.status, body: saved.body }).toMatchObject({ status: 200 });
      key = saved.body.cle;
    }
    if (def.documents.length) {
      // The portal's form: a PDF for what must be sent online, the post for the rest, nothing optional.
      await resident.get(`/services/${def.code}/pieces`);
      const online = def.documents.filter((d) => !d.paperAllowed && d.required);
      const modes = Object.fromEntries(def.documents.map((d) => [`mode_${d.key}`, d.paperAllowed ? 'paper' : d.required ? 'upload' : 'none']));
      const files = online.map((d) => ({ field: `fichier_${d.key}`, name: uploadName(mix), content: PDF, type: 'application/pdf' }));
      const sent = await resident.postMultipart(`/services/${def.code}/pieces`, modes, files);
      const refusal = sent.status === 303 ? '' : visibleText(/<div class="error-summary"[\s\S]*?<\/div>/.exec(sent.text)?.[0] ?? '');
      expect({ code: def.code, status: sent.status, refusal }).toEqual({ code: def.code, status: 303, refusal: '' });
    }
    const summary = (await resident.get(`/services/${def.code}/recapitulatif`)).text;
    resident.csrf = session.body.csrfToken;
    const submitted = await resident.api<{ number: string }>('POST', `${base}/submit`, { cle: key });
    expect({ code: def.code, status: submitted.status }).toEqual({ code: def.code, status: 201 });
    requests[def.code] = { number: submitted.body.number, summary };
  }

  // The agent asks for information, the resident answers, the agent refuses: three free texts.
  const discussed = requests[h.catalogue.list(h.communes.beaucouze.slug)[0].code].number;
  await waitUntil('the request in its workflow', async () => (await h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ number: discussed })).status === 'en_cours');
  await agent.get(`/agent/demandes/${discussed}`);
  expect((await agent.post(`/agent/demandes/${discussed}/demander-pieces`, { message: mix })).status).toBe(303);
  await resident.get(`/demandes/${discussed}`);
  expect((await resident.post(`/demandes/${discussed}/repondre`, { message: mix })).status).toBe(303);
  expect((await agent.post(`/agent/demandes/${discussed}/refuser`, { motif: mix })).status).toBe(303);

  // Civil-status requests by an anonymous visitor living abroad, through the API.
  const acts: Journey['acts'] = {};
  for (const act of ACTS) {
    const visitor = new WebClient(h.baseUrl);
    visitor.csrf = (await visitor.api<{ csrfToken: string }>('GET', '/api/v1/session')).body.csrfToken;
    const captcha = await visitor.api<{ id: string; testAnswer: string }>('GET', '/api/v1/captcha');
    const answers = Object.assign({}, ...Object.values(answersWith(civilStatusForm(act), mix))) as Record<string, unknown>;
    const actEmail = `${act}.${index}@example.be`;
    Object.assign(answers, { date_evenement: '1990-03-03', email: actEmail, telephone: '', code_postal: '1000' });
    const r = await visitor.api<{ number: string; trackingUrl: string }>('POST', '/api/v1/actes', {
      act, answers, captchaId: captcha.body.id, captchaAnswer: captcha.body.testAnswer, submissionKey: randomUUID(),
    });
    expect({ act, status: r.status, body: r.body }).toMatchObject({ status: 201 });
    acts[act] = { ...r.body, email: actEmail };
  }
  await agent.get(`/agent/actes/${acts.naissance.number}`);
  expect((await agent.post(`/agent/actes/${acts.naissance.number}/refuser`, { motif_code: 'autre', motif: mix })).status).toBe(303);

  // Invoices: the billing software's CSV through the back office, and JSON through the API.
  const quoted = `"${mix.replace(/"/g, '""')}"`;
  const csvInvoice = `F-INJ-${index}`;
  const csv = `${EXPECTED_HEADER}\r\n${csvInvoice};ville;${account.identifier};${quoted};${quoted};05/11/2026;30/12/2026;12,50\r\n`;
  await agent.get('/agent/factures');
  const imported = await agent.postMultipart('/agent/factures/import', {}, [{ field: 'fichier', name: `${mix}.csv`, content: csv, type: 'text/csv' }]);
  expect(imported.status).toBe(200);
  expectNoActiveMarkup(imported.text, 'rapport d’import');
  expect(imported.text).toContain('1 facture importée');
  const apiInvoice = `CCAS-INJ-${index}`;
  const viaApi = await fetch(`${h.baseUrl}/api/v1/regies/ccas/factures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': CCAS_KEY },
    body: JSON.stringify({ invoices: [{ number: apiInvoice, account: account.email, service: mix, periodLabel: mix, issuedOn: '2026-11-05', dueOn: null, amountCents: 900 }] }),
  });
  expect(await viaApi.json()).toMatchObject({ imported: 1, rejected: [] });

  // The CSV's invoice paid with the sandbox's test card: the receipt quotes its service.
  const invoice = await h.dataSource.getRepository(Invoice).findOneByOrFail({ number: csvInvoice });
  await resident.get('/comptes');
  expect((await resident.post('/panier/ajouter', { facture: String(invoice.id) })).status).toBe(303);
  await resident.get('/panier');
  const pay = await resident.post('/panier/payer', {});
  expect(pay.status).toBe(303);
  const cardPage = new URL(pay.location as string).pathname;
  await resident.get(cardPage);
  const card = SANDBOX_TEST_CARDS.find((c) => c.outcome === 'paid')?.number as string;
  expect((await resident.post(cardPage, { numero_carte: card, action: 'payer' })).status).toBe(303);

  return { mix, resident, account, rejected, requests, discussed, acts, csvInvoice, apiInvoice };
}

/** The texts written in a démarche's history by one side (`agent…` or `resident`). */
async function reasonsOf(number: string, actor: string): Promise<Array<string | null>> {
  const request = await h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ number });
  const rows = await h.dataSource.getRepository(RequestHistory).findBy({ requestId: request.id });
  return rows.filter((r) => r.actor.startsWith(actor)).map((r) => r.reason);
}

const mailTo = (to: string, subject: RegExp) => h.smtp.waitFor((m) => m.to.includes(to) && subject.test(m.subject), MAIL_WAIT_MS);

/**
 * Each free text: where it is typed, and where it is shown. A row's check reads the stored row (the
 * SQL-like text must come back unchanged) and every page and message that shows the text.
 */
interface Row {
  field: string;
  enteredAt: string;
  shownOn: string;
  check(j: Journey): Promise<void>;
}

const ROWS: Row[] = [
  {
    field: 'adresse (inscription)',
    enteredAt: 'Créer un compte, onglet Coordonnées',
    shownOn: 'Mon compte, Modifier mon compte, fiche du compte (agents)',
    async check(j) {
      expect((await h.dataSource.getRepository(Account).findOneByOrFail({ id: j.account.id })).addressLine).toBe(j.mix);
      await expectPageShows(j.resident, '/compte', j.mix);
      const form = await j.resident.get('/compte/modifier');
      expect(form.text).toContain('name="adresse"');
      expectShownAsTyped(form.text.replace(/<input[^>]*name="adresse"[^>]*value="([^"]*)"[^>]*>/, ' $1 '), j.mix, 'Modifier mon compte');
      await expectPageShows(agent, `/agent/comptes/${j.account.id}`, j.mix);
    },
  },
  {
    field: 'ville (modification du compte)',
    enteredAt: 'Modifier mon compte',
    shownOn: 'Mon compte, fiche du compte (agents)',
    async check(j) {
      expect((await h.dataSource.getRepository(Account).findOneByOrFail({ id: j.account.id })).city).toBe(j.mix);
      await expectPageShows(j.resident, '/compte', j.mix);
      // The same edit through the JSON API gives it back unchanged.
      const contact = { email: j.account.email, telephone: '', adresse: j.mix, code_postal: '49070', ville: j.mix, mode_communication: 'email' };
      const patched = await j.resident.api<{ ville: string; adresse: string }>('PATCH', '/api/v1/me', contact);
      expect({ status: patched.status, ville: patched.body.ville, adresse: patched.body.adresse }).toEqual({ status: 200, ville: j.mix, adresse: j.mix });
      await expectPageShows(agent, `/agent/comptes/${j.account.id}`, j.mix);
    },
  },
  {
    field: 'réponse secrète (modification), puis membre du foyer ajouté depuis Mon compte',
    enteredAt: 'Modifier ma question/réponse ; Ajouter un membre',
    shownOn: 'nulle part (la réponse est hachée ; elle ouvre « Mot de passe oublié ») ; le nom du membre est refusé',
    async check(j) {
      await j.resident.get('/compte/question-secrete');
      const changed = await j.resident.post('/compte/question-secrete', { mot_de_passe_actuel: STRONG_PASSWORD, question: SECURITY_QUESTIONS[1], reponse: j.mix });
      expect(changed.status).toBe(303);
      expect((await h.dataSource.getRepository(Account).findOneByOrFail({ id: j.account.id })).securityAnswerHash).not.toContain(j.mix);
      // The answer as typed opens the lost-password link; a wrong one does not.
      for (const [reponse, sent] of [['Autre chose', false], [j.mix, true]] as const) {
        const lost = new WebClient(h.baseUrl);
        await lost.get('/mot-de-passe-oublie');
        expect((await lost.post('/mot-de-passe-oublie', { identifiant: j.account.identifier })).status).toBe(303);
        const answered = await lost.post('/mot-de-passe-oublie/question', { reponse });
        expect({ reponse, sent: answered.location === '/mot-de-passe-oublie/envoye' }).toEqual({ reponse, sent });
        expectNoActiveMarkup(answered.text, 'question secrète');
      }
      await j.resident.get('/compte/membres/ajouter');
      expectFrenchRefusal(await j.resident.post('/compte/membres/ajouter', { ...MEMBER, membre_prenom: j.mix }), 'Ajouter un membre');
    },
  },
  {
    field: 'motif du rejet d’un compte',
    enteredAt: 'fiche du compte (agents), «Rejeter»',
    shownOn: 'Accueil du résident rejeté, son SMS, la fiche du compte (agents)',
    async check(j) {
      const row = await h.dataSource.getRepository(Account).findOneByOrFail({ id: j.rejected.id });
      expect(row).toMatchObject({ status: 'rejected', rejectionReason: j.mix });
      const rejected = await residentClient(h.baseUrl, row.identifier);
      await expectPageShows(rejected, '/accueil', j.mix);
      await expectPageShows(agent, `/agent/comptes/${j.rejected.id}`, j.mix);
      const sms = await waitUntil('the rejection SMS', () => h.sms.received.find((s) => s.content.includes('pas été validé') && s.recipient.endsWith(String(row.phone).slice(-8))));
      // Plain text, truncated: the beginning of the motif, literally.
      expect(sms.content).toContain(j.mix.slice(0, 40));
      expect(sms.content).not.toMatch(/&lt;|&quot;|&#x/);
    },
  },
  {
    field: 'champs libres des démarches (chaque champ texte de beaucouze.json)',
    enteredAt: 'API PUT /api/v1/services/{code}/draft',
    // The resident's request page lists its documents and history, not the answers: escaped all the same.
    shownOn: 'Récapitulatif, Demande (agents), liste des demandes (agents)',
    async check(j) {
      for (const def of h.catalogue.list(h.communes.beaucouze.slug)) {
        const { number, summary } = j.requests[def.code];
        const stored = await h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ number });
        for (const { field } of freeTextFields(def)) expect({ code: def.code, field: field.name, value: stored.answers[field.name] }).toEqual({ code: def.code, field: field.name, value: j.mix });
        expectShownAsTyped(summary, j.mix, `récapitulatif ${def.code}`);
        const viaApi = await j.resident.api<{ reponses: Array<{ champ: string; valeur: string }> }>('GET', `/api/v1/requests/${number}`);
        const texts = new Set(freeTextFields(def).map(({ field }) => field.name));
        expect(viaApi.body.reponses.filter((a) => texts.has(a.champ)).map((a) => a.valeur)).toEqual([...texts].map(() => j.mix));
        expectNoActiveMarkup((await j.resident.get(`/demandes/${number}`)).text, `/demandes/${number}`);
        const page = await expectPageShows(agent, `/agent/demandes/${number}`, j.mix);
        // The name of a document joined online is shown to the agent as the portal cleaned it, as text
        // (the multipart header carries «"» as %22, as browsers send it).
        const sentName = uploadName(j.mix).replace(/"/g, '%22');
        if (def.documents.some((d) => !d.paperAllowed && d.required)) expectShownAsTyped(page, cleanFileName(sentName) as string, `pièce ${def.code}`);
      }
      expectNoActiveMarkup((await agent.get('/agent/demandes')).text, 'liste des demandes');
    },
  },
  {
    field: 'demande de pièces ou d’informations (agent)',
    enteredAt: 'Demande (agents), «Demander des pièces»',
    shownOn: 'Ma demande (résident), Demande (agents), courriel au résident',
    async check(j) {
      expect(await reasonsOf(j.discussed, 'agent')).toContain(j.mix);
      await expectPageShows(j.resident, `/demandes/${j.discussed}`, j.mix);
      await expectPageShows(agent, `/agent/demandes/${j.discussed}`, j.mix);
      expectMailQuotes(await mailTo(j.account.email, new RegExp(`${j.discussed}.*(pièces|attente)`, 'i')), j.mix, 'courriel de demande de pièces');
    },
  },
  {
    field: 'réponse du résident',
    enteredAt: 'Ma demande, «Répondre»',
    shownOn: 'Demande (agents), Ma demande (résident)',
    async check(j) {
      expect(await reasonsOf(j.discussed, 'resident')).toContain(j.mix);
      await expectPageShows(agent, `/agent/demandes/${j.discussed}`, j.mix);
    },
  },
  {
    field: 'motif du refus d’une démarche (agent)',
    enteredAt: 'Demande (agents), «Refuser»',
    shownOn: 'Ma demande (résident), courriel au résident',
    async check(j) {
      const stored = await waitUntil('the refusal', async () => {
        const r = await h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ number: j.discussed });
        return r.status === 'refuse' ? r : undefined;
      });
      expect(stored.decisionReason).toBe(j.mix);
      await expectPageShows(j.resident, `/demandes/${j.discussed}`, j.mix);
      expectMailQuotes(await mailTo(j.account.email, new RegExp(`${j.discussed}.*refus`, 'i')), j.mix, 'courriel de refus');
    },
  },
  {
    field: 'demande d’acte : noms, prénoms, parents, époux, demandeur, adresse à l’étranger',
    enteredAt: 'API POST /api/v1/actes',
    shownOn: 'page de suivi, Demande d’acte (agents), accusé de réception, courriel aux agents',
    async check(j) {
      for (const act of ACTS) {
        const { number, trackingUrl, email } = j.acts[act];
        const stored = await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ number });
        const details = JSON.stringify(stored.details);
        // The JSON column holds each free text as typed (JSON-escaped quotes only).
        expect(details).toContain(JSON.stringify(j.mix).slice(1, -1));
        await expectPageShows(new WebClient(h.baseUrl), trackingUrl, 'Demande');
        await expectPageShows(agent, `/agent/actes/${number}`, j.mix);
        expectMailQuotes(await mailTo(email, new RegExp(number)), j.mix, `accusé de réception ${act}`);
        expectMailSafe(await h.smtp.waitFor((m) => m.subject.includes(number) && !m.to.includes(email), MAIL_WAIT_MS), `courriel aux agents ${act}`);
      }
    },
  },
  {
    field: 'motif de refus d’un acte, dans les mots de l’agent',
    enteredAt: 'Demande d’acte (agents), «Refuser», motif «Autre»',
    shownOn: 'page de suivi, Demande d’acte (agents), courriel au demandeur',
    async check(j) {
      const { number, trackingUrl, email } = j.acts.naissance;
      expect(await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ number })).toMatchObject({ status: 'refusee', decisionReason: j.mix });
      await expectPageShows(new WebClient(h.baseUrl), trackingUrl, j.mix);
      await expectPageShows(agent, `/agent/actes/${number}`, j.mix);
      expectMailQuotes(await mailTo(email, new RegExp(`${number}.*refus`, 'i')), j.mix, 'courriel de refus d’acte');
    },
  },
  {
    field: 'service et période d’une facture (CSV et API)',
    enteredAt: 'Factures (agents), import CSV ; API POST /api/v1/regies/{code}/factures',
    shownOn: 'Mes comptes, courriel du reçu de paiement',
    async check(j) {
      for (const number of [j.csvInvoice, j.apiInvoice]) {
        expect(await h.dataSource.getRepository(Invoice).findOneByOrFail({ number })).toMatchObject({ service: j.mix, periodLabel: j.mix });
      }
      await expectPageShows(j.resident, '/comptes', j.mix);
      expectMailSafe(await mailTo(j.account.email, /Paiement accepté/), 'reçu de paiement');
    },
  },
];

const JOURNEYS: Partial<Record<MixName, Journey>> = {};

describe.each(Object.keys(MIXES) as MixName[])('free text with %s', (name) => {
  beforeAll(async () => {
    await h.dataSource.query('DELETE FROM rate_limit');
    JOURNEYS[name] = await journey(name, Object.keys(MIXES).indexOf(name) + 1);
  });

  test.each(ROWS)('$field — typed in $enteredAt — shown as text on $shownOn', async (row) => {
    await row.check(JOURNEYS[name] as Journey);
  });
});

describe('after every journey', () => {
  test('every table is still there, and every mail and SMS sent is safe', async () => {
    expect(await tables()).toEqual(tablesBefore);
    expect(await h.dataSource.getRepository(Account).count()).toBeGreaterThan(0);
    expect(h.smtp.messages.length).toBeGreaterThan(10);
    for (const mail of h.smtp.messages) expectMailSafe(mail, `courriel « ${mail.subject} »`);
    for (const sms of h.sms.received) expect(sms.content).not.toMatch(/&lt;|&gt;|&quot;|&#x/);
  });

  test('headless Chromium opens the pages with the payloads: no dialog opens', async () => {
    const j = JOURNEYS['script + Unicode'] as Journey;
    let browser: Browser | undefined;
    const dialogs: string[] = [];
    try {
      browser = await launchBrowser();
      const check = async (login: { path: string; identifiant: string; password: string }, paths: string[]) => {
        const page = await (browser as Browser).newPage();
        page.on('dialog', (d) => {
          dialogs.push(`${page.url()} : ${d.message()}`);
          void d.dismiss();
        });
        await page.goto(h.baseUrl + login.path);
        await page.fill('input[name="identifiant"]', login.identifiant);
        await page.fill('input[name="mot_de_passe"]', login.password);
        await Promise.all([page.waitForNavigation(), page.press('input[name="mot_de_passe"]', 'Enter')]);
        for (const path of paths) {
          await page.goto(h.baseUrl + path);
          expect(await page.textContent('body')).toContain(PAYLOADS.xss);
        }
        await page.close();
      };
      await check({ path: '/', identifiant: j.account.identifier, password: STRONG_PASSWORD }, ['/compte', `/demandes/${j.discussed}`]);
      await check({ path: '/agent/connexion', identifiant: DEMO_AGENT.login, password: DEMO_AGENT.password }, [`/agent/demandes/${j.discussed}`, `/agent/actes/${j.acts.naissance.number}`]);
      // The mails' HTML, opened as a webmail would (without the portal's CSP): still no script runs.
      const page = await browser.newPage();
      page.on('dialog', (d) => {
        dialogs.push(`courriel : ${d.message()}`);
        void d.dismiss();
      });
      for (const mail of h.smtp.messages.filter((m) => m.text.includes(PAYLOADS.xss))) await page.setContent(mail.html);
      await page.close();
    } finally {
      await browser?.close();
    }
    expect(dialogs).toEqual([]);
  });
});
