// What the sign-up and account forms refuse, and what they accept but must show as text: each
// refusal is a 4xx with a French message and writes nothing (rows counted before and after).
import { Account, HouseholdMember } from '../../db/entities';
import { startHarness, WebClient, type Harness } from '../support/harness';
import {
  agentClient,
  countRows,
  fillSignUpTabs,
  openCaptcha,
  residentClient,
  signUp,
  spreadAccountIds,
  STRONG_PASSWORD,
  SECURITY_QUESTION,
  visibleText,
  type NewResident,
  type PageResponse,
} from '../support/journeys';

const MAIL_WAIT_MS = 20_000;
const AGENTS_MAILBOX = 'accueil@beaucouze.localhost';

let h: Harness;
let memberOfA: HouseholdMember;
let residentB: WebClient;

/** Signs up and waits for the workflow's two mails, so that no row is written after it returns. */
async function createAccount(who: NewResident, members: Array<Record<string, string>> = []): Promise<Account> {
  const r = await signUp(new WebClient(h.baseUrl), who, members);
  expect(r.status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: who.email });
  await h.smtp.waitFor((m) => m.to.includes(who.email), MAIL_WAIT_MS);
  await h.smtp.waitFor((m) => m.to.includes(AGENTS_MAILBOX) && m.text.includes(account.identifier), MAIL_WAIT_MS);
  return account;
}

beforeAll(async () => {
  const t0 = Date.now();
  h = await startHarness('badinput');
  console.log('harness', Date.now() - t0);
  await spreadAccountIds(h.dataSource);
  await createAccount({ prenom: 'Denise', nom: 'Inscrite', email: 'denise.inscrite@example.fr' });
  const a = await createAccount({ prenom: 'Anne', nom: 'Foyer', email: 'anne.foyer@example.fr' }, [
    { membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Lou', membre_nom: 'Foyer', membre_date_naissance: '2015-06-01' },
  ]);
  memberOfA = await h.dataSource.getRepository(HouseholdMember).findOneByOrFail({ accountId: a.id });
  // B is validated: what B is refused below is refused for being A's, not for B's status.
  const b = await createAccount({ prenom: 'Bastien', nom: 'Autre', email: 'bastien.autre@example.fr' });
  const agent = await agentClient(h.baseUrl);
  expect((await agent.post(`/agent/comptes/${b.id}/valider`, {})).status).toBe(303);
  await h.smtp.waitFor((m) => m.to.includes('bastien.autre@example.fr') && /validé/.test(m.subject), MAIL_WAIT_MS);
  residentB = await residentClient(h.baseUrl, b.identifier);
  console.log('beforeAll', Date.now() - t0);
});
afterAll(async () => {
  const t0 = Date.now();
  await h?.close();
  console.log('close', Date.now() - t0);
});

/** Runs `refusals` and checks that none of them wrote a row. */
async function writesNothing(refusals: () => Promise<void>): Promise<void> {
  const before = await countRows(h.dataSource);
  await refusals();
  expect(await countRows(h.dataSource)).toEqual(before);
}

function expectRefused(r: PageResponse, status: number, message: string | RegExp): void {
  expect(r.status).toBe(status);
  const text = visibleText(r.text);
  if (typeof message === 'string') expect(text).toContain(message);
  else expect(text).toMatch(message);
}

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);
const IDENTITY = { civilite: 'Madame', prenom: 'Nina', nom: 'Saisie', date_naissance: '1985-03-14', action: 'suivant' };

test('identité: each field missing or empty, names too long, impossible or under-age birth dates', async () => {
  const web = new WebClient(h.baseUrl);
  const now = new Date();
  const cases: Array<[Record<string, string>, string]> = [
    [{ civilite: '' }, "La civilité n'est pas une valeur proposée."],
    [{ civilite: 'Docteur' }, "La civilité n'est pas une valeur proposée."],
    [{ prenom: '' }, 'Le prénom est obligatoire.'],
    [{ nom: '' }, 'Le nom est obligatoire.'],
    [{ date_naissance: '' }, 'La date de naissance est obligatoire.'],
    [{ prenom: 'Abcdefghij'.repeat(6) + 'k' }, 'Le prénom ne doit pas dépasser 60 caractères.'],
    [{ nom: 'Abcdefghij'.repeat(6) + 'k' }, 'Le nom ne doit pas dépasser 60 caractères.'],
    [{ date_naissance: isoDay(new Date(now.getTime() + 400 * 86_400_000)) }, 'La date de naissance ne peut pas être dans le futur.'],
    [{ date_naissance: '2023-02-30' }, 'La date de naissance doit être une date valide au format JJ/MM/AAAA.'],
    [{ date_naissance: '30/02/2023' }, 'La date de naissance doit être une date valide au format JJ/MM/AAAA.'],
    [{ date_naissance: isoDay(new Date(Date.UTC(now.getUTCFullYear() - 10, 0, 15))) }, 'Le titulaire du compte doit être majeur (18 ans ou plus).'],
  ];
  await writesNothing(async () => {
    for (const field of ['civilite', 'prenom', 'nom', 'date_naissance'] as const) {
      const { [field]: _absent, ...withoutField } = IDENTITY;
      expectRefused(await web.post('/compte/creer/identite', withoutField), 422, /est obligatoire\./);
    }
    for (const [change, message] of cases) {
      expectRefused(await web.post('/compte/creer/identite', { ...IDENTITY, ...change }), 422, message);
    }
    // The draft did not move on: the last tab sends back to the first.
    expect((await web.get('/compte/creer/validation')).location).toBe('/compte/creer/identite');
  });
});

test('a script as prénom is refused, and the form shows it back as text', async () => {
  const web = new WebClient(h.baseUrl);
  await writesNothing(async () => {
    const r = await web.post('/compte/creer/identite', { ...IDENTITY, prenom: '<script>alert(1)</script>' });
    expectRefused(r, 422, 'Le prénom ne peut contenir que des lettres, des espaces, des apostrophes et des tirets.');
    expect(r.text).not.toContain('<script>alert');
    expect(r.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Kept in the draft as typed, shown escaped when coming back to the tab.
    const back = await web.get('/compte/creer/identite');
    expect(back.text).not.toContain('<script>alert');
    expect(back.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

test('coordonnées: invalid email or phone, SMS without phone, an email already used (409)', async () => {
  const web = new WebClient(h.baseUrl);
  const contact = {
    email: 'nina.saisie@example.fr', telephone: '', adresse: '3 rue de la Mairie', code_postal: '49070', ville: 'Beaucouzé',
    mode_communication: 'email', action: 'suivant',
  };
  await writesNothing(async () => {
    expect((await web.post('/compte/creer/identite', IDENTITY)).status).toBe(303);
    expectRefused(await web.post('/compte/creer/coordonnees', { ...contact, email: 'nina.saisie@' }), 422,
      "L'adresse électronique n'est pas une adresse électronique valide.");
    expectRefused(await web.post('/compte/creer/coordonnees', { ...contact, email: '' }), 422, "L'adresse électronique est obligatoire.");
    expectRefused(await web.post('/compte/creer/coordonnees', { ...contact, telephone: '12 34' }), 422,
      'Le numéro de téléphone doit être un numéro valide, par exemple 06 12 34 56 78.');
    expectRefused(await web.post('/compte/creer/coordonnees', { ...contact, mode_communication: 'sms' }), 422,
      'Le numéro de téléphone est obligatoire pour être informé par SMS.');
    expectRefused(await web.post('/compte/creer/coordonnees', { ...contact, code_postal: '4907' }), 422,
      'Le code postal doit comporter 5 chiffres.');
    // Another account of the commune has this address, in another case.
    expectRefused(await web.post('/compte/creer/coordonnees', { ...contact, email: 'Denise.Inscrite@Example.fr' }), 409,
      'Un compte existe déjà avec cette adresse électronique');
    expect((await web.get('/compte/creer/validation')).location).toBe('/compte/creer/coordonnees');
  });
});

test('sécurité: weak password, different confirmation, one of the most common passwords', async () => {
  const web = new WebClient(h.baseUrl);
  const security = (password: string, confirmation = password) => ({
    mot_de_passe: password, mot_de_passe_confirmation: confirmation, question: SECURITY_QUESTION, reponse: 'Médor', action: 'suivant',
  });
  await writesNothing(async () => {
    expectRefused(await web.post('/compte/creer/securite', security('soleil2024')), 422, /Le mot de passe est trop faible/);
    expectRefused(await web.post('/compte/creer/securite', security('Abc-123!')), 422,
      'Le mot de passe doit contenir au moins 12 caractères, dont une majuscule, une minuscule, un chiffre et un caractère spécial.');
    expectRefused(await web.post('/compte/creer/securite', security(STRONG_PASSWORD, 'Tournesol-Bleu-43!')), 422,
      'Les deux mots de passe saisis ne sont pas identiques.');
    // 15 characters with upper case, lower case and digits: strong enough by length, but in every list.
    expectRefused(await web.post('/compte/creer/securite', security('Mailcreated5240')), 422,
      'Ce mot de passe fait partie des plus courants : choisissez-en un autre.');
    const r = await web.post('/compte/creer/securite', security(STRONG_PASSWORD, ''));
    expectRefused(r, 422, 'La confirmation du mot de passe est obligatoire.');
    expect(r.text).not.toContain(STRONG_PASSWORD); // a password is never shown back
  });
});

test('cryptogramme: a wrong answer, then the id of a successful sign-up replayed', async () => {
  const carlaWeb = new WebClient(h.baseUrl);
  const first = await fillSignUpTabs(carlaWeb, { prenom: 'Carla', nom: 'Captcha', email: 'carla.captcha@example.fr' });
  await writesNothing(async () => {
    const r = await carlaWeb.post('/compte/creer/validation', { captcha_id: first.captchaId, cryptogramme: '11111', action: 'envoyer' });
    expectRefused(r, 422, 'Le cryptogramme saisi est incorrect ou a expiré');
    // One answer per challenge: the right answer to the same image is refused now.
    const again = await carlaWeb.post('/compte/creer/validation', { captcha_id: first.captchaId, cryptogramme: first.answer, action: 'envoyer' });
    expectRefused(again, 422, 'Le cryptogramme saisi est incorrect ou a expiré');
  });
  const fresh = await openCaptcha(carlaWeb);
  const created = await carlaWeb.post('/compte/creer/validation', { captcha_id: fresh.captchaId, cryptogramme: fresh.answer, action: 'envoyer' });
  expect(created.status).toBe(303);
  const carla = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'carla.captcha@example.fr' });
  await h.smtp.waitFor((m) => m.to.includes(AGENTS_MAILBOX) && m.text.includes(carla.identifier), MAIL_WAIT_MS);

  const other = new WebClient(h.baseUrl);
  await fillSignUpTabs(other, { prenom: 'Rémy', nom: 'Rejoue', email: 'remy.rejoue@example.fr' });
  await writesNothing(async () => {
    const replay = await other.post('/compte/creer/validation', { captcha_id: fresh.captchaId, cryptogramme: fresh.answer, action: 'envoyer' });
    expectRefused(replay, 422, 'Le cryptogramme saisi est incorrect ou a expiré');
  });
  expect(await h.dataSource.getRepository(Account).countBy({ email: 'remy.rejoue@example.fr' })).toBe(0);
});

test('HTML in the address is accepted as text and escaped on the pages and in the agents\' mail', async () => {
  const account = await createAccount({
    prenom: 'Hélène', nom: 'Balise', email: 'helene.balise@example.fr', adresse: '<b>3 rue</b> des Lilas',
  });
  expect(account.addressLine).toBe('<b>3 rue</b> des Lilas');

  const agent = await agentClient(h.baseUrl);
  const page = await agent.get(`/agent/comptes/${account.id}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('&lt;b&gt;3 rue&lt;/b&gt; des Lilas');
  expect(page.text).not.toContain('<b>3 rue');

  const resident = await residentClient(h.baseUrl, account.identifier);
  const compte = await resident.get('/compte');
  expect(compte.text).toContain('&lt;b&gt;3 rue&lt;/b&gt; des Lilas');
  expect(compte.text).not.toContain('<b>3 rue');

  const mail = await h.smtp.waitFor((m) => m.to.includes(AGENTS_MAILBOX) && m.text.includes(account.identifier), MAIL_WAIT_MS);
  expect(mail.html).not.toContain('<b>3 rue');
  // The agents' new-account mail does not show the address at all (name, identifier, email,
  // deadline): if it ever does, it must be escaped.
  if (mail.text.includes('3 rue')) expect(mail.html).toContain('&lt;b&gt;3 rue&lt;/b&gt;');

  // Before validation the resident cannot change it (FAQ): 403, nothing written.
  await writesNothing(async () => {
    const r = await resident.post('/compte/modifier', {
      email: 'helene.balise@example.fr', telephone: '', adresse: '5 rue des Lilas', code_postal: '49070', ville: 'Beaucouzé',
      mode_communication: 'email',
    });
    expectRefused(r, 403, 'Votre compte est en attente de validation par les services de la mairie');
  });
  expect((await h.dataSource.getRepository(Account).findOneByOrFail({ id: account.id })).addressLine).toBe('<b>3 rue</b> des Lilas');
});

test("another household's member: 404 on its pages and forms, the member unchanged", async () => {
  const url = `/compte/membres/${memberOfA.id}`;
  const changed = {
    membre_type: 'enfant', membre_civilite: 'Monsieur', membre_prenom: 'Intrus', membre_nom: 'Autre', membre_date_naissance: '2014-01-01',
  };
  await writesNothing(async () => {
    expectRefused(await residentB.get(`${url}/modifier`), 404, "Ce membre n'existe pas dans votre foyer.");
    expectRefused(await residentB.post(`${url}/modifier`, changed), 404, "Ce membre n'existe pas dans votre foyer.");
    expectRefused(await residentB.get(`${url}/retirer`), 404, "Ce membre n'existe pas dans votre foyer.");
    expectRefused(await residentB.post(`${url}/retirer`, {}), 404, "Ce membre n'existe pas dans votre foyer.");
    expectRefused(await residentB.get('/compte/membres/abc/modifier'), 404, "Ce membre n'existe pas dans votre foyer.");
  });
  const after = await h.dataSource.getRepository(HouseholdMember).findOneByOrFail({ id: memberOfA.id });
  expect(after).toEqual(memberOfA);
});

test('a form posted without its CSRF token is refused (403) and changes nothing', async () => {
  const member = {
    membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Iris', membre_nom: 'Autre', membre_date_naissance: '2018-04-04',
  };
  await writesNothing(async () => {
    expectRefused(await residentB.post('/compte/membres/ajouter', { ...member, _csrf: '' }), 403,
      'Le formulaire a expiré ou ne provient pas de ce site');
    expectRefused(await residentB.post('/compte/membres/ajouter', { ...member, _csrf: 'x'.repeat(43) }), 403,
      'Le formulaire a expiré ou ne provient pas de ce site');
    // A cross-site form: no token, no session.
    const res = await fetch(`${h.baseUrl}/compte/creer/identite`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(IDENTITY),
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
  });
  // The same form with its token goes through: the refusal was the token's.
  expect((await residentB.post('/compte/membres/ajouter', member)).status).toBe(303);
});
