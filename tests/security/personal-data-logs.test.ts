// Issue 7, security suite: «no personal data in logs». Every line the api and the worker (the
// Temporal SDK's runtime logger: workflows and activities) write at the most talkative level is
// kept while a journey touches every kind of personal data a resident gives the portal: sign-up,
// failed logins, a lost password, a démarche with a document and free text, a civil-status
// request, a card payment in the sandbox and an invoice import. Then no line may hold any of it,
// nor a secret (password, answer, tokens, session cookie, CSRF token, API key, card number).
// tests/integration/production-processes.test.ts scans the built processes' stdout for the account
// journey's password and answer; observability.test.ts follows a request id: not repeated here.
import { Runtime } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { Account, Invoice } from '../../db/entities';
import { DEMO_REGIES } from '../../db/seed';
import { SANDBOX_TEST_CARDS } from '../../payments/sandbox';
import { toE164 } from '../../domain/phone';
import { EXPECTED_HEADER } from '../../domain/invoice-import';
import { createLogger, temporalLogger } from '../../observability/logger';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { agentClient, residentClient, SECURITY_ANSWER, signUp, STRONG_PASSWORD, waitUntil } from '../support/journeys';
import { answersWith } from '../support/injection';

// Installed before any connection, as worker/index.ts does: the worker's lines come here too.
const lines: string[] = [];
const logger = createLogger({ level: 'trace', service: 'test', destination: { write: (s: string) => void lines.push(s) } });
Runtime.install({ logger: temporalLogger(logger) });
const parsed = (): Array<Record<string, unknown>> => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

/** The resident: every value is one a log line must never show. */
const PERSON = {
  prenom: 'Gwendoline',
  nom: 'Kerbrat',
  email: 'gwendoline.kerbrat@example.fr',
  telephone: '06 41 52 63 74',
  adresse: '17 allée des Glycines',
};
const CHILD = { membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Maëlys', membre_nom: 'Kerbrat', membre_date_naissance: '2018-06-21', membre_lien: 'Fille' };
/** Two more residents: the second's row meets a duplicate e-mail, the third's sign-up a database error. */
const SECOND = { prenom: 'Gaëtan', nom: 'Quéméner', email: 'gaetan.quemener@example.fr' };
const THIRD = { prenom: 'Solenn', nom: 'Riou', email: 'solenn.riou@example.fr', telephone: '07 81 92 03 14', adresse: '4 impasse des Mésanges' };
/** A payer the billing software knows and the portal does not (a refused line of the CSV). */
const UNKNOWN_PAYER = 'brieuc.lagadec@example.fr';
const WRONG_PASSWORD = 'Hirondelle-Grise-77?';
const NEW_PASSWORD = 'Colibri-Rouge-2027?';
const FREE_TEXT = 'Allergie sévère aux arachides, stylo auto-injecteur dans le cartable';
const FILE_NAME = 'attestation-domicile-kerbrat.pdf';
/** The civil-status request: the person, a parent, the requester and their address abroad. */
const ACT = {
  nom: 'Penhoat', prenoms: 'Armelle Soizic', parent1_nom: 'Le Goff', parent1_prenoms: 'Yannick',
  demandeur_nom: 'Tanguy', demandeur_prenom: 'Rozenn', email: 'rozenn.tanguy@example.be',
  adresse: '9 chemin des Écoliers', ville: 'Namur', code_postal: '5000', pays: 'Belgique',
};
const CARD = SANDBOX_TEST_CARDS.find((c) => c.outcome === 'paid')?.number as string;
const CCAS_KEY = DEMO_REGIES.find((r) => r.code === 'ccas')?.apiKey as string;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const MAIL_WAIT_MS = 20_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness('personal_logs', {}, { logger, civilStatusDelayMs: 3_600_000 });
});
afterAll(async () => {
  await h?.close();
});

/** Secrets met during the journey (tokens, cookies), added as they appear. */
const secrets: Record<string, string> = {};

/** The parts of a URL in a mail's text. */
const linkPath = (text: string, pattern: RegExp): string => new URL((pattern.exec(text) as RegExpExecArray)[0]).pathname;

test('a journey through every kind of personal data', async () => {
  // Sign-up, with a child; a session cookie and a CSRF token read as a JSON client does.
  const visitor = await fetch(`${h.baseUrl}/api/v1/session`);
  secrets['cookie de session'] = (visitor.headers.getSetCookie()[0] ?? '').split(';')[0].split('=')[1];
  secrets['jeton CSRF'] = ((await visitor.json()) as { csrfToken: string }).csrfToken;
  expect(secrets['cookie de session']).toMatch(/.{20,}/);
  expect((await signUp(new WebClient(h.baseUrl), { ...PERSON, mode: 'sms' }, [CHILD])).status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: PERSON.email });
  secrets.identifiant = account.identifier;
  const agent = await agentClient(h.baseUrl);
  expect((await agent.post(`/agent/comptes/${account.id}/valider`, {})).status).toBe(303);
  await waitUntil('the validation', async () => (await h.dataSource.getRepository(Account).findOneByOrFail({ id: account.id })).status === 'validated');

  // Failed logins, by form and by the API, with the identifier and with the e-mail.
  for (const identifiant of [account.identifier, PERSON.email]) {
    const web = new WebClient(h.baseUrl);
    await web.get('/');
    expect((await web.post('/connexion', { identifiant, mot_de_passe: WRONG_PASSWORD })).status).toBe(401);
  }
  const api = new WebClient(h.baseUrl);
  api.csrf = (await api.api<{ csrfToken: string }>('GET', '/api/v1/session')).body.csrfToken;
  expect((await api.api('POST', '/api/v1/session', { identifiant: PERSON.email, mot_de_passe: WRONG_PASSWORD })).status).toBe(401);
  // A body the JSON parser cannot read, holding the e-mail: refused, and its text not logged.
  const broken = await fetch(`${h.baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': api.csrf },
    body: `{"identifiant": "${PERSON.email}", "mot_de_passe": "${WRONG_PASSWORD}"`,
  });
  expect(broken.status).toBeGreaterThanOrEqual(400);
  expect(broken.status).toBeLessThan(500);

  // Lost password: identifier, answer, the mailed link (its token), a new password.
  await h.dataSource.query('DELETE FROM rate_limit');
  const lost = new WebClient(h.baseUrl);
  await lost.get('/mot-de-passe-oublie');
  expect((await lost.post('/mot-de-passe-oublie', { identifiant: PERSON.email })).status).toBe(303);
  expect((await lost.post('/mot-de-passe-oublie/question', { reponse: SECURITY_ANSWER })).status).toBe(303);
  const resetMail = await h.smtp.waitFor((m) => m.to.includes(PERSON.email) && /^Réinitialisation/.test(m.subject), MAIL_WAIT_MS);
  const resetPath = linkPath(resetMail.text, /https?:\/\/\S+\/mot-de-passe-oublie\/nouveau\/[A-Za-z0-9_-]+/);
  secrets['jeton de réinitialisation'] = resetPath.split('/').pop() as string;
  await lost.get(resetPath);
  // The same token in a query string, as a careless link would carry it.
  await lost.get(`/mot-de-passe-oublie?jeton=${secrets['jeton de réinitialisation']}&email=${encodeURIComponent(PERSON.email)}`);
  const reset = await lost.post(resetPath, { nouveau_mot_de_passe: NEW_PASSWORD, nouveau_mot_de_passe_confirmation: NEW_PASSWORD });
  expect(reset.status).toBe(303);

  // A démarche for the child: free text in every text field, a document online, through the API.
  const resident = await residentClient(h.baseUrl, account.identifier, NEW_PASSWORD);
  resident.csrf = (await resident.api<{ csrfToken: string }>('GET', '/api/v1/session')).body.csrfToken;
  const def = h.catalogue.find(h.communes.beaucouze.slug, 'inscription-scolaire');
  if (!def) throw new Error('inscription-scolaire absente du catalogue');
  const members = await resident.api<Array<{ id: number }>>('GET', '/api/v1/me/members');
  const answers = answersWith(def, FREE_TEXT);
  let key = '';
  for (const [i, step] of def.steps.entries()) {
    const saved = await resident.api<{ cle: string }>('PUT', `/api/v1/services/${def.code}/draft`, {
      etape: step.key, reponses: answers[step.key], ...(i === 0 ? { membre: members.body[0].id } : {}),
    });
    expect(saved.status).toBe(200);
    key = saved.body.cle;
  }
  const csrf = resident.csrf;
  await resident.get(`/services/${def.code}/pieces`);
  const modes = Object.fromEntries(def.documents.map((d) => [`mode_${d.key}`, d.required ? 'paper' : 'none']));
  const first = def.documents[0];
  const uploaded = await resident.postMultipart(`/services/${def.code}/pieces`, { ...modes, [`mode_${first.key}`]: 'upload' }, [
    { field: `fichier_${first.key}`, name: FILE_NAME, content: PDF, type: 'application/pdf' },
  ]);
  expect(uploaded.status).toBe(303);
  resident.csrf = csrf;
  const submitted = await resident.api<{ number: string }>('POST', `/api/v1/services/${def.code}/submit`, { cle: key });
  expect(submitted.status).toBe(201);
  await h.smtp.waitFor((m) => m.subject.includes(submitted.body.number) && /Nouvelle demande/.test(m.subject), MAIL_WAIT_MS);

  // A civil-status request, anonymous, with its tracking link.
  await h.dataSource.query('DELETE FROM rate_limit');
  const anonymous = new WebClient(h.baseUrl);
  anonymous.csrf = (await anonymous.api<{ csrfToken: string }>('GET', '/api/v1/session')).body.csrfToken;
  const captcha = await anonymous.api<{ id: string; testAnswer: string }>('GET', '/api/v1/captcha');
  const act = await anonymous.api<{ number: string; trackingUrl: string }>('POST', '/api/v1/actes', {
    act: 'naissance',
    answers: { type_copie: 'extrait_avec_filiation', nombre_exemplaires: 1, date_evenement: '1990-03-03', lien: 'ascendant', telephone: '', complement: '', ...ACT },
    captchaId: captcha.body.id, captchaAnswer: captcha.body.testAnswer, submissionKey: randomUUID(),
  });
  expect(act.status).toBe(201);
  secrets['jeton de suivi'] = act.body.trackingUrl.split('/').pop() as string;
  expect((await anonymous.get(act.body.trackingUrl)).status).toBe(200);
  await h.smtp.waitFor((m) => m.to.includes(ACT.email), MAIL_WAIT_MS);

  // Invoices through the API with the régie's key, then paid with the sandbox's test card.
  const imported = await fetch(`${h.baseUrl}/api/v1/regies/ccas/factures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CCAS_KEY}` },
    body: JSON.stringify({ invoices: [{ number: 'CCAS-LOGS-1', account: PERSON.email, service: 'Portage de repas', periodLabel: 'Octobre 2026', issuedOn: '2026-11-05', dueOn: null, amountCents: 4210 }] }),
  });
  expect(await imported.json()).toMatchObject({ imported: 1 });
  // …and the billing software's CSV through the back office, one line naming an unknown resident.
  await agent.get('/agent/factures');
  const csv = `${EXPECTED_HEADER}\r\nF-LOGS-1;ville;${account.identifier};Cantine;Octobre 2026;05/11/2026;;12,50\r\nF-LOGS-2;ville;${UNKNOWN_PAYER};Cantine;Octobre 2026;05/11/2026;;9,00\r\n`;
  const report = await agent.postMultipart('/agent/factures/import', {}, [{ field: 'fichier', name: 'factures-octobre.csv', content: csv, type: 'text/csv' }]);
  expect(report.status).toBe(200);
  expect(report.text).toContain('1 facture importée');
  const invoice = await h.dataSource.getRepository(Invoice).findOneByOrFail({ number: 'CCAS-LOGS-1' });
  await resident.get('/comptes');
  expect((await resident.post('/panier/ajouter', { facture: String(invoice.id) })).status).toBe(303);
  await resident.get('/panier');
  const pay = await resident.post('/panier/payer', {});
  const cardPage = new URL(pay.location as string).pathname;
  await resident.get(cardPage);
  expect((await resident.post(cardPage, { numero_carte: CARD, action: 'payer' })).status).toBe(303);
  await h.smtp.waitFor((m) => m.to.includes(PERSON.email) && /Paiement accepté/.test(m.subject), MAIL_WAIT_MS);
  expect(h.sms.received.length).toBeGreaterThan(0);
});

test('a database error during a sign-up is logged without the values MariaDB quotes in it', async () => {
  // A genuine MariaDB error that quotes a resident's e-mail: another account given the same one.
  await h.dataSource.query('DELETE FROM rate_limit');
  expect((await signUp(new WebClient(h.baseUrl), SECOND)).status).toBe(303);
  const second = await h.dataSource.getRepository(Account).findOneByOrFail({ email: SECOND.email });
  const duplicate = (await h.dataSource.getRepository(Account).update({ id: second.id }, { email: PERSON.email }).catch((err: unknown) => err)) as Error;
  expect(duplicate.message).toContain(PERSON.email);
  // The next sign-up meets it where the account row is written: an unexpected error, a 500. The
  // worker shares the pool: stopped meanwhile, so that the api's transaction is the one that fails.
  await h.stopWorker();
  const transaction = jest.spyOn(h.dataSource, 'transaction').mockRejectedValueOnce(duplicate);
  try {
    const r = await signUp(new WebClient(h.baseUrl), THIRD);
    expect(r.status).toBe(500);
    expect(r.text).toContain('Une erreur');
    expect(r.text).not.toContain(PERSON.email);
  } finally {
    transaction.mockRestore();
    await h.startWorker();
  }
  // Logged with what helps ops (the key), not the value MariaDB quoted (checked with the rest below).
  const logged = parsed().find((l) => l.level === 'error' && JSON.stringify(l.err ?? '').includes('Duplicate entry'));
  expect(JSON.stringify(logged)).toContain('uq_account_email');
});

describe('what was logged', () => {
  /** Every personal value and secret of the journey, by name, in the forms a log could hold it. */
  function forbidden(): Array<[string, string]> {
    const values: Record<string, string> = {
      prénom: PERSON.prenom,
      nom: PERSON.nom,
      courriel: PERSON.email,
      téléphone: PERSON.telephone,
      'téléphone E.164': toE164(PERSON.telephone) as string,
      adresse: PERSON.adresse,
      'date de naissance': '1985-03-14',
      'prénom de l’enfant': CHILD.membre_prenom,
      'mot de passe': STRONG_PASSWORD,
      'mot de passe essayé': WRONG_PASSWORD,
      'nouveau mot de passe': NEW_PASSWORD,
      'réponse secrète': SECURITY_ANSWER,
      'texte libre': FREE_TEXT,
      'nom du fichier': FILE_NAME,
      'acte : nom': ACT.nom,
      'acte : prénoms': ACT.prenoms,
      'acte : parent': ACT.parent1_nom,
      'acte : prénom du parent': ACT.parent1_prenoms,
      'acte : demandeur': ACT.demandeur_nom,
      'acte : courriel': ACT.email,
      'acte : adresse': ACT.adresse,
      'deuxième résident': SECOND.nom,
      'courriel du deuxième résident': SECOND.email,
      'troisième résident': THIRD.nom,
      'courriel du troisième résident': THIRD.email,
      'téléphone du troisième résident': THIRD.telephone,
      'adresse du troisième résident': THIRD.adresse,
      'payeur inconnu': UNKNOWN_PAYER,
      'numéro de carte': CARD,
      'numéro de carte sans espaces': CARD.replace(/\s/g, ''),
      'clé d’API': CCAS_KEY,
      ...secrets,
    };
    return Object.entries(values).flatMap(([name, v]): Array<[string, string]> => {
      const forms = new Set([v, v.toLowerCase(), encodeURIComponent(v), JSON.stringify(v).slice(1, -1)]);
      return [...forms].map((form) => [name, form]);
    });
  }

  test('the api and the worker both logged the journey (the lines scanned below are theirs)', () => {
    const all = parsed();
    expect(all.some((l) => l.service === 'test' && typeof l.req === 'object')).toBe(true);
    expect(all.some((l) => l.sdkComponent === 'worker' || l.activityType !== undefined)).toBe(true);
    expect(Object.keys(secrets).sort()).toEqual(['cookie de session', 'identifiant', 'jeton CSRF', 'jeton de réinitialisation', 'jeton de suivi']);
  });

  test('no line holds a personal value or a secret', () => {
    const found = forbidden().flatMap(([name, value]) => lines.filter((l) => l.includes(value)).map((l) => `${name} : ${l.slice(0, 400)}`));
    expect(found).toEqual([]);
  });

  test('request lines carry a path without its query string, and tokens in paths are replaced', () => {
    const urls = parsed().flatMap((l) => {
      const req = l.req as { url?: string } | undefined;
      return req?.url ? [req.url] : [];
    });
    expect(urls.length).toBeGreaterThan(30);
    expect(urls.filter((u) => u.includes('?'))).toEqual([]);
    expect(urls).toContain('/mot-de-passe-oublie/nouveau/:token');
    expect(urls.some((u) => /\/suivi\/:token$/.test(u))).toBe(true);
  });

  test('no logged error carries a request body, a form or a query', () => {
    const leaks: string[] = [];
    const visit = (value: unknown, path: string): void => {
      if (value === null || typeof value !== 'object') return;
      for (const [k, v] of Object.entries(value)) {
        if (/^(body|rawbody|form|fields|query|parameters|sql)$/i.test(k) && v !== '[Redacted]') leaks.push(`${path}.${k}`);
        visit(v, `${path}.${k}`);
      }
    };
    parsed().forEach((l, i) => visit(l, `ligne ${i}`));
    expect(leaks).toEqual([]);
  });
});
