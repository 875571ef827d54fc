// Civil-status certificates over HTTP, against MariaDB, the Temporal dev server and a real SMTP
// receiver: the anonymous request and its tracking link, each refusal of the form (future date,
// parents missing, requester not entitled, no captcha) leaving nothing behind, the throttles per
// address and per email, tokens that open their own request only, the agents' decisions and
// reminders past the processing delay, and the logged-in resident's prefilled form and «Demandes».
import { Account, CivilStatusHistory, CivilStatusRequest, Notification } from '../../db/entities';
import { OTHER_AGENT, OTHER_COMMUNE, startHarness, WebClient, type Harness } from '../support/harness';
import { agentClient, agentLogin, HttpWebClient, residentClient, signUp, visibleText, waitUntil, type FormClient } from '../support/journeys';

const MAIL_WAIT_MS = 20_000;
/** Processing delay of the suite's commune: agents are reminded 2 s after a submission, then every 1.8 s. */
const DELAY_MS = 2_000;
const REMINDER_HOURS = String(1.8 / 3600);

let h: Harness;
let agent: WebClient;

beforeAll(async () => {
  h = await startHarness('civil_status', { ACCOUNT_REMINDER_INTERVAL_HOURS: REMINDER_HOURS }, { civilStatusDelayMs: DELAY_MS });
  agent = await agentClient(h.baseUrl);
});
afterAll(async () => {
  await h?.close();
});
// Every test submits from 127.0.0.1: each starts with the address's counter at zero.
beforeEach(async () => {
  await h.dataSource.query('DELETE FROM rate_limit');
});

interface OpenForm {
  submissionKey: string;
  captchaId: string;
  answer: string;
  text: string;
}

/** Opens an act's form and reads its hidden fields and its captcha's answer (test mode only). */
async function openForm(web: FormClient, act: string): Promise<OpenForm> {
  const page = await web.get(`/actes/${act}`);
  expect(page.status).toBe(200);
  const submissionKey = /name="submission_key" value="([^"]+)"/.exec(page.text)?.[1] as string;
  const captchaId = /name="captcha_id" value="([^"]+)"/.exec(page.text)?.[1] as string;
  const image = await fetch(`${h.baseUrl}/captcha/${captchaId}.svg`);
  return { submissionKey, captchaId, answer: image.headers.get('x-captcha-test-answer') as string, text: page.text };
}

let emailSequence = 0;
/** A full copy of a birth act, asked by the person's mother living in Belgium. */
function birthAnswers(overrides: Record<string, string> = {}): Record<string, string> {
  emailSequence += 1;
  return {
    type_copie: 'extrait_avec_filiation',
    nombre_exemplaires: '2',
    nom: 'Martin',
    prenoms: 'Léa Jeanne',
    date_evenement: '1990-03-03',
    parent1_nom: 'Martin',
    parent1_prenoms: 'Claire',
    parent2_nom: '',
    parent2_prenoms: '',
    lien: 'ascendant',
    demandeur_nom: 'Martin',
    demandeur_prenom: 'Claire',
    email: `claire.martin.${emailSequence}@example.be`,
    telephone: '',
    adresse: '12 rue Haute',
    complement: '',
    code_postal: '1000',
    ville: 'Bruxelles',
    pays: 'Belgique',
    ...overrides,
  };
}

async function submit<C extends FormClient>(web: C, act: string, answers: Record<string, string>, form?: OpenForm) {
  const f = form ?? (await openForm(web, act));
  return web.post(`/actes/${act}`, {
    ...answers,
    submission_key: f.submissionKey,
    captcha_id: f.captchaId,
    cryptogramme: f.answer,
    action: 'envoyer',
  });
}

const countRequests = async (): Promise<number> => h.dataSource.getRepository(CivilStatusRequest).count();
const trackingPathIn = (text: string): string => /\/suivi\/[A-Za-z0-9_-]{43}/.exec(text)?.[0] as string;

async function submitOk(web: WebClient, act: string, answers: Record<string, string>): Promise<{ request: CivilStatusRequest; tracking: string }> {
  const res = await submit(web, act, answers);
  expect(res.status).toBe(303);
  expect(res.location).toBe('/actes/demande-envoyee');
  const done = await web.get('/actes/demande-envoyee');
  const number = /<strong>([A-Z]{3}-\d{4}-\d{6})<\/strong>/.exec(done.text)?.[1] as string;
  const request = await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ number });
  return { request, tracking: trackingPathIn(done.text) };
}

describe('an anonymous request, followed by its tracking link', () => {
  it('is numbered, mailed with its tracking link, issued by an agent, and the page and the mail say it was posted', async () => {
    const web = new WebClient(h.baseUrl);
    const answers = birthAnswers();
    const { request, tracking } = await submitOk(web, 'naissance', answers);
    expect(request).toMatchObject({ status: 'recue', accountId: null, actKind: 'naissance', copyKind: 'extrait_avec_filiation', copies: 2 });
    expect(request.details.address).toMatchObject({ city: 'Bruxelles', country: 'Belgique', postalCode: '1000' });
    // Only the token's hash is stored.
    expect(JSON.stringify(request)).not.toContain(tracking.slice('/suivi/'.length));

    const receipt = await h.smtp.waitFor((m) => m.to.includes(answers.email) && m.subject.includes(request.number), MAIL_WAIT_MS);
    const link = trackingPathIn(receipt.text);
    expect(link).toBe(tracking);
    expect(receipt.html).toContain(`${h.baseUrl}${tracking}`);
    expect(visibleText(receipt.html)).toContain('BELGIQUE');
    await h.smtp.waitFor((m) => m.to.includes(h.communes.beaucouze.agentsEmail) && m.subject.includes(request.number), MAIL_WAIT_MS);

    // The receipt's body is not kept readable once sent (the link opens the request).
    const stored = await h.dataSource.getRepository(Notification).findOneByOrFail({ idempotencyKey: `acte:${request.id}:receipt` });
    expect(stored.bodyText).not.toContain(tracking);

    const before = await new WebClient(h.baseUrl).get(tracking);
    expect(before.status).toBe(200);
    expect(visibleText(before.text)).toContain('Reçue, en cours de traitement');
    expect(before.text).toContain(request.number);
    // A forwarded link shows the status, not the requester's address or email.
    expect(before.text).not.toContain(answers.email);
    expect(before.text).not.toContain('Rue Haute');
    expect(before.text).not.toContain('rue Haute');

    await agent.get(`/agent/actes/${request.number}`);
    const issued = await agent.post(`/agent/actes/${request.number}/delivrer`, {});
    expect(issued.status).toBe(303);
    const decided = await h.smtp.waitFor(
      (m) => m.to.includes(answers.email) && m.subject.includes(request.number) && m !== receipt,
      MAIL_WAIT_MS,
    );
    expect(decided.text).toMatch(/envoyé par courrier/);
    expect(trackingPathIn(decided.text)).toBe(tracking);

    const after = await new WebClient(h.baseUrl).get(tracking);
    expect(visibleText(after.text)).toContain('Acte délivré et envoyé par courrier');
    const row = await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ id: request.id });
    expect(row.status).toBe('envoyee');
    const events = (await h.dataSource.getRepository(CivilStatusHistory).findBy({ requestId: request.id })).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['deposer', 'delivrer']));
  });

  it('a replayed submission (same form) gives the same request', async () => {
    const web = new WebClient(h.baseUrl);
    const form = await openForm(web, 'deces');
    const answers = birthAnswers({ type_copie: 'copie_integrale', lien: 'autre', date_evenement: '2024-01-10' });
    expect((await submit(web, 'deces', answers, form)).status).toBe(303);
    const count = await countRequests();
    expect((await submit(web, 'deces', answers, form)).status).toBe(303);
    expect(await countRequests()).toBe(count);
  });
});

describe('refused with a French message, nothing stored', () => {
  const refused = async (act: string, answers: Record<string, string>, field: string, message: RegExp, form?: OpenForm) => {
    const web = new WebClient(h.baseUrl);
    const count = await countRequests();
    const res = await submit(web, act, answers, form ?? (await openForm(web, act)));
    expect(res.status).toBe(422);
    const text = visibleText(res.text);
    expect(text).toMatch(message);
    expect(res.text).toContain(`href="#${field}"`);
    expect(await countRequests()).toBe(count);
    // What was typed is kept (the form is shown again, with a new captcha).
    expect(res.text).toContain(`value="${answers.demandeur_nom}"`);
    return res;
  };

  it('a date of event in the future', async () => {
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await refused('naissance', birthAnswers({ date_evenement: tomorrow }), 'date_evenement', /« Date de naissance » doit être une date au plus tard le/);
  });

  it("missing parents' names where the kind requires them, but not for an extract without filiation", async () => {
    await refused('naissance', birthAnswers({ parent1_nom: '', parent1_prenoms: '' }), 'parent1_nom', /au moins un parent.*extrait avec filiation/);
    await refused('mariage', { ...birthAnswers({ type_copie: 'copie_integrale', lien: 'titulaire', parent1_nom: '', parent1_prenoms: '' }), conjoint_nom: 'Durand', conjoint_prenoms: 'Paul' }, 'parent1_nom', /au moins un parent.*copie intégrale/);
    const { request } = await submitOk(new WebClient(h.baseUrl), 'naissance', birthAnswers({ type_copie: 'extrait_sans_filiation', lien: 'autre', parent1_nom: '', parent1_prenoms: '' }));
    expect(request.details.parents).toEqual([]);
  });

  it('a requester not entitled to the kind asked (an act older than 75 years is open to anyone)', async () => {
    await refused('naissance', birthAnswers({ lien: 'autre' }), 'lien', /Vous ne pouvez pas obtenir un extrait avec filiation de cet acte/);
    await refused('naissance', birthAnswers({ lien: 'autre', type_copie: 'extrait_plurilingue' }), 'lien', /un extrait plurilingue/);
    const { request } = await submitOk(new WebClient(h.baseUrl), 'naissance', birthAnswers({ lien: 'autre', date_evenement: '1931-05-04' }));
    expect(request.details.relation).toBe('autre');
  });

  it('no captcha, or a wrong one', async () => {
    const web = new WebClient(h.baseUrl);
    const form = await openForm(web, 'naissance');
    await refused('naissance', birthAnswers(), 'cryptogramme', /Le cryptogramme saisi est incorrect ou a expiré/, { ...form, answer: '' });
    const again = await openForm(web, 'naissance');
    await refused('naissance', birthAnswers(), 'cryptogramme', /Le cryptogramme saisi est incorrect/, { ...again, answer: 'ZZZZZ' });
    await refused('naissance', birthAnswers(), 'cryptogramme', /Le cryptogramme saisi est incorrect/, { ...again, captchaId: 'pas-un-identifiant' });
  });

  it('an address in France without a 5-digit postcode', async () => {
    await refused('naissance', birthAnswers({ pays: 'France', code_postal: '' }), 'code_postal', /code postal est obligatoire pour une adresse en France/);
  });

  it('a form posted without its CSRF token is refused with 403', async () => {
    const web = new WebClient(h.baseUrl);
    const form = await openForm(web, 'naissance');
    web.csrf = 'faux';
    const res = await submit(web, 'naissance', birthAnswers(), form);
    expect(res.status).toBe(403);
  });
});

describe('throttling', () => {
  it('20 requests from one address within a minute: the first 10 are taken, then 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    const count = await countRequests();
    for (let i = 0; i < 20; i++) {
      const web = new HttpWebClient(h.baseUrl);
      const form = await openForm(web, 'deces');
      const res = await web.post('/actes/deces', {
        ...birthAnswers({ type_copie: 'copie_integrale', lien: 'autre', date_evenement: '2025-06-01' }),
        submission_key: form.submissionKey, captcha_id: form.captchaId, cryptogramme: form.answer, action: 'envoyer',
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'] as string;
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(303));
    expect(statuses.slice(10)).toEqual(Array(10).fill(429));
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(await countRequests()).toBe(count + 10);
  });

  it('one email: 5 requests an hour, from any address', async () => {
    const service = h.portal.services.civilStatus;
    const answers = birthAnswers({ type_copie: 'extrait_sans_filiation', lien: 'autre' });
    const attempt = async (i: number) => {
      const captcha = await service.captcha();
      return service.submit(h.communes.beaucouze, {
        act: 'naissance', answers, captcha: { id: captcha.id, answer: captcha.testAnswer as string },
        submissionKey: service.newSubmissionKey(), ip: `198.51.100.${i}`, account: null,
      });
    };
    for (let i = 1; i <= 5; i++) await attempt(i);
    await expect(attempt(6)).rejects.toMatchObject({ status: 429 });
  });
});

describe('tracking tokens', () => {
  it('one token never opens another request; a changed or foreign token is a 404', async () => {
    const a = await submitOk(new WebClient(h.baseUrl), 'naissance', birthAnswers());
    const b = await submitOk(new WebClient(h.baseUrl), 'naissance', birthAnswers({ nom: 'Bernard', demandeur_nom: 'Bernard' }));
    expect(a.tracking).not.toBe(b.tracking);
    const web = new WebClient(h.baseUrl);
    const pageA = await web.get(a.tracking);
    expect(pageA.text).toContain(a.request.number);
    expect(pageA.text).not.toContain(b.request.number);
    const pageB = await web.get(b.tracking);
    expect(pageB.text).toContain(b.request.number);
    expect(pageB.text).not.toContain(a.request.number);

    const token = a.tracking.slice('/suivi/'.length);
    const changed = `/suivi/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const path of [changed, `/suivi/${token.slice(0, 20)}`, '/suivi/' + 'A'.repeat(43), `/suivi/${a.request.number}`]) {
      const res = await web.get(path);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain(a.request.number);
    }
    // The same token on another commune's portal opens nothing.
    const elsewhere = new HttpWebClient(h.baseUrl, `demarches-${OTHER_COMMUNE.slug}.localhost`);
    expect((await elsewhere.get(a.tracking)).status).toBe(404);
  });
});

describe('the agents', () => {
  it('refuse with a reason (mailed), never without; a decided request takes no other decision', async () => {
    const answers = birthAnswers();
    const { request, tracking } = await submitOk(new WebClient(h.baseUrl), 'naissance', answers);
    await agent.get(`/agent/actes/${request.number}`);
    const noReason = await agent.post(`/agent/actes/${request.number}/refuser`, { motif_code: 'autre', motif: '  ' });
    expect([409, 422]).toContain(noReason.status);
    expect(visibleText(noReason.text)).toMatch(/Indiquez le motif du refus/);
    expect((await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ id: request.id })).status).toBe('recue');

    const res = await agent.post(`/agent/actes/${request.number}/refuser`, { motif_code: 'non_enregistre', motif: '' });
    expect(res.status).toBe(303);
    const mail = await h.smtp.waitFor(
      (m) => m.to.includes(answers.email) && m.subject.includes(request.number) && /Refusée/.test(m.subject),
      MAIL_WAIT_MS,
    );
    expect(mail.text).toContain('L’événement n’est pas enregistré dans les registres de cette commune.');
    const page = await new WebClient(h.baseUrl).get(tracking);
    expect(visibleText(page.text)).toContain('Refusée');
    expect(visibleText(page.text)).toContain('L’événement n’est pas enregistré');

    await agent.get(`/agent/actes/${request.number}`);
    const late = await agent.post(`/agent/actes/${request.number}/delivrer`, {});
    expect(late.status).toBe(409);
    expect(visibleText(late.text)).toMatch(/déjà traitée/);
    expect((await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ id: request.id })).status).toBe('refusee');
  });

  it("another commune's agent sees and decides nothing of Beaucouzé's requests", async () => {
    const { request } = await submitOk(new WebClient(h.baseUrl), 'naissance', birthAnswers());
    const sc = await agentLogin(new HttpWebClient(h.baseUrl, `demarches-${OTHER_COMMUNE.slug}.localhost`), OTHER_AGENT.login, OTHER_AGENT.password);
    expect((await sc.get(`/agent/actes/${request.number}`)).status).toBe(404);
    expect((await sc.post(`/agent/actes/${request.number}/delivrer`, {})).status).toBe(404);
    const queue = await sc.get('/agent/actes');
    expect(queue.status).toBe(200);
    expect(queue.text).not.toContain(request.number);
    expect((await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ id: request.id })).status).toBe('recue');
  });

  it('are reminded past the processing delay, then every interval, until a decision', async () => {
    const { request } = await submitOk(new WebClient(h.baseUrl), 'naissance', birthAnswers());
    const reminders = () =>
      h.smtp.messages.filter((m) => m.to.includes(h.communes.beaucouze.agentsEmail) && m.subject.includes(request.number) && /Délai dépassé/.test(m.subject));
    await waitUntil('two reminders to the agents', () => reminders().length >= 2, 30_000);
    expect(reminders()[1].subject).toMatch(/Nouveau rappel n° 1/);
    const queue = await agent.get('/agent/actes?retard=oui');
    expect(queue.text).toContain(request.number);

    await agent.get(`/agent/actes/${request.number}`);
    expect((await agent.post(`/agent/actes/${request.number}/delivrer`, {})).status).toBe(303);
    await waitUntil('the certificate issued', async () => (await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ id: request.id })).status === 'envoyee', 10_000);
    const afterDecision = reminders().length;
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(reminders().length).toBeLessThanOrEqual(afterDecision + 1);
    const history = await h.dataSource.getRepository(CivilStatusHistory).findBy({ requestId: request.id, event: 'relancer_agents' });
    expect(history.length).toBeGreaterThanOrEqual(2);
  });
});

describe('a logged-in resident', () => {
  it('gets the form prefilled and sees the request in «Demandes» (and another household does not)', async () => {
    const who = { prenom: 'Inès', nom: 'Archive', email: 'ines.archive@example.fr' };
    expect((await signUp(new WebClient(h.baseUrl), who)).status).toBe(303);
    const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: who.email });
    const ines = await residentClient(h.baseUrl, account.identifier);
    const form = await openForm(ines, 'naissance');
    expect(form.text).toContain(`value="${who.email}"`);
    expect(form.text).toContain('value="Archive"');
    expect(form.text).toContain(`value="${account.postalCode}"`);

    const res = await submit(ines, 'naissance', birthAnswers({
      lien: 'titulaire', nom: 'Archive', prenoms: 'Inès', demandeur_nom: 'Archive', demandeur_prenom: 'Inès', email: who.email,
      pays: 'France', code_postal: account.postalCode, ville: account.city, adresse: account.addressLine,
    }), form);
    expect(res.status).toBe(303);
    const request = await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ accountId: account.id });
    const list = await ines.get('/demandes');
    expect(list.text).toContain(request.number);
    expect(visibleText(list.text)).toContain('Acte de naissance');
    const home = await ines.get('/accueil');
    expect(home.text).toContain(request.number);
    // The row links to the tracking page, which opens.
    const link = trackingPathIn(list.text);
    expect((await ines.get(link)).status).toBe(200);

    const other = { prenom: 'Hugo', nom: 'Voisin', email: 'hugo.voisin.actes@example.fr' };
    expect((await signUp(new WebClient(h.baseUrl), other)).status).toBe(303);
    const hugoAccount = await h.dataSource.getRepository(Account).findOneByOrFail({ email: other.email });
    const hugo = await residentClient(h.baseUrl, hugoAccount.identifier);
    expect((await hugo.get('/demandes')).text).not.toContain(request.number);
  });
});
