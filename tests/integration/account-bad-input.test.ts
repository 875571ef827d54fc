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
  STRONG_PASSWORD,
  SECURITY_QUESTION,
  visibleText,
  type NewResident,
  type PageResponse,
} from '../support/journeys';

const MAIL_WAIT_MS = 20_000;
const AGENTS_MAILBOX = 'accueil@beaucouze.localhost';
const NOT_IN_HOUSEHOLD = "Ce membre n'existe pas dans votre foyer.";
const BAD_CAPTCHA = 'Le cryptogramme saisi est incorrect ou a expiré';

let h: Harness;
let memberOfA: HouseholdMember;
let residentB: WebClient;

const agentsMailAbout = (account: Account) =>
  h.smtp.waitFor((m) => m.to.includes(AGENTS_MAILBOX) && m.text.includes(account.identifier), MAIL_WAIT_MS);

/** Signs up and waits for the workflow's two mails, so that no row is written after it returns. */
async function createAccount(who: NewResident, members: Array<Record<string, string>> = []): Promise<Account> {
  const r = await signUp(new WebClient(h.baseUrl), who, members);
  expect(r.status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: who.email });
  await h.smtp.waitFor((m) => m.to.includes(who.email), MAIL_WAIT_MS);
  await agentsMailAbout(account);
  return account;
}

const child = (prenom: string, nom: string, birth: string) => ({
  membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: prenom, membre_nom: nom,
  membre_date_naissance: birth,
});

beforeAll(async () => {
  h = await startHarness('badinput');
  const [, a, b] = await Promise.all([
    createAccount({ prenom: 'Denise', nom: 'Inscrite', email: 'denise.inscrite@example.fr' }),
    createAccount({ prenom: 'Anne', nom: 'Foyer', email: 'anne.foyer@example.fr' }, [
      child('Lou', 'Foyer', '2015-06-01'),
    ]),
    createAccount({ prenom: 'Bastien', nom: 'Autre', email: 'bastien.autre@example.fr' }),
  ]);
  memberOfA = await h.dataSource.getRepository(HouseholdMember).findOneByOrFail({ accountId: a.id });
  // B is validated: what B is refused below is refused for being A's, not for B's status.
  const agent = await agentClient(h.baseUrl);
  expect((await agent.post(`/agent/comptes/${b.id}/valider`, {})).status).toBe(303);
  await h.smtp.waitFor((m) => m.to.includes(b.email) && /validé/.test(m.subject), MAIL_WAIT_MS);
  residentB = await residentClient(h.baseUrl, b.identifier);
});
afterAll(async () => {
  await h?.close();
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

const submitCaptcha = (web: WebClient, captchaId: string, answer: string) =>
  web.post('/compte/creer/validation', { captcha_id: captchaId, cryptogramme: answer, action: 'envoyer' });

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);
const IDENTITY = {
  civilite: 'Madame', prenom: 'Nina', nom: 'Saisie', date_naissance: '1985-03-14', action: 'suivant',
};

test('identité: each field missing or empty, names too long, impossible or under-age birth dates', async () => {
  const web = new WebClient(h.baseUrl);
  const now = new Date();
  const nextYear = isoDay(new Date(now.getTime() + 400 * 86_400_000));
  const tenYearsOld = isoDay(new Date(Date.UTC(now.getUTCFullYear() - 10, 0, 15)));
  const sixtyOne = 'Abcdefghij'.repeat(6) + 'k';
  const badDate = 'La date de naissance doit être une date valide au format JJ/MM/AAAA.';
  const cases: Array<[Record<string, string>, string]> = [
    [{ civilite: '' }, "La civilité n'est pas une valeur proposée."],
    [{ civilite: 'Docteur' }, "La civilité n'est pas une valeur proposée."],
    [{ prenom: '' }, 'Le prénom est obligatoire.'],
    [{ nom: '' }, 'Le nom est obligatoire.'],
    [{ date_naissance: '' }, 'La date de naissance est obligatoire.'],
    [{ prenom: sixtyOne }, 'Le prénom ne doit pas dépasser 60 caractères.'],
    [{ nom: sixtyOne }, 'Le nom ne doit pas dépasser 60 caractères.'],
    [{ date_naissance: nextYear }, 'La date de naissance ne peut pas être dans le futur.'],
    [{ date_naissance: '2023-02-30' }, badDate],
    [{ date_naissance: '30/02/2023' }, badDate],
    [{ date_naissance: 'hier' }, badDate],
    [{ date_naissance: tenYearsOld }, 'Le titulaire du compte doit être majeur (18 ans ou plus).'],
  ];
  await writesNothing(async () => {
    for (const [field, label] of [['civilite', 'La civilité'], ['prenom', 'Le prénom'], ['nom', 'Le nom'],
      ['date_naissance', 'La date de naissance']] as const) {
      const { [field]: _absent, ...withoutField } = IDENTITY;
      expectRefused(await web.post('/compte/creer/identite', withoutField), 422, `${label} est obligatoire.`);
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
    email: 'nina.saisie@example.fr', telephone: '', adresse: '3 rue de la Mairie', code_postal: '49070',
    ville: 'Beaucouzé', mode_communication: 'email', action: 'suivant',
  };
  const postContact = (change: Record<string, string>) =>
    web.post('/compte/creer/coordonnees', { ...contact, ...change });
  await writesNothing(async () => {
    expect((await web.post('/compte/creer/identite', IDENTITY)).status).toBe(303);
    expectRefused(await postContact({ email: 'nina.saisie@' }), 422,
      "L'adresse électronique n'est pas une adresse électronique valide.");
    expectRefused(await postContact({ email: '' }), 422, "L'adresse électronique est obligatoire.");
    expectRefused(await postContact({ telephone: '12 34' }), 422,
      'Le numéro de téléphone doit être un numéro valide, par exemple 06 12 34 56 78.');
    expectRefused(await postContact({ mode_communication: 'sms' }), 422,
      'Le numéro de téléphone est obligatoire pour être informé par SMS.');
    expectRefused(await postContact({ code_postal: '4907' }), 422, 'Le code postal doit comporter 5 chiffres.');
    // Another account of the commune has this address, written in another case.
    expectRefused(await postContact({ email: 'Denise.Inscrite@Example.fr' }), 409,
      'Un compte existe déjà avec cette adresse électronique');
    expect((await web.get('/compte/creer/validation')).location).toBe('/compte/creer/coordonnees');
  });
});

test('sécurité: weak password, different confirmation, one of the most common passwords', async () => {
  const web = new WebClient(h.baseUrl);
  const postSecurity = (password: string, confirmation = password) => web.post('/compte/creer/securite', {
    mot_de_passe: password, mot_de_passe_confirmation: confirmation, question: SECURITY_QUESTION, reponse: 'Médor',
    action: 'suivant',
  });
  await writesNothing(async () => {
    expectRefused(await postSecurity('soleil2024'), 422, /Le mot de passe est trop faible/);
    expectRefused(await postSecurity('Abc-123!'), 422,
      'Le mot de passe doit contenir au moins 12 caractères, dont une majuscule, une minuscule, '
      + 'un chiffre et un caractère spécial.');
    expectRefused(await postSecurity(STRONG_PASSWORD, 'Tournesol-Bleu-43!'), 422,
      'Les deux mots de passe saisis ne sont pas identiques.');
    // 15 characters with upper case, lower case and digits: long enough, but in every attacker's list.
    expectRefused(await postSecurity('Mailcreated5240'), 422,
      'Ce mot de passe fait partie des plus courants : choisissez-en un autre.');
    const r = await postSecurity(STRONG_PASSWORD, '');
    expectRefused(r, 422, 'La confirmation du mot de passe est obligatoire.');
    expect(r.text).not.toContain(STRONG_PASSWORD); // a password is never shown back
  });
});

test('cryptogramme: a wrong answer, then the id of a successful sign-up replayed', async () => {
  const carlaWeb = new WebClient(h.baseUrl);
  const carla = { prenom: 'Carla', nom: 'Captcha', email: 'carla.captcha@example.fr' };
  const first = await fillSignUpTabs(carlaWeb, carla);
  await writesNothing(async () => {
    expectRefused(await submitCaptcha(carlaWeb, first.captchaId, '11111'), 422, BAD_CAPTCHA);
    // One answer per challenge: now even the right answer to the same image is refused.
    expectRefused(await submitCaptcha(carlaWeb, first.captchaId, first.answer), 422, BAD_CAPTCHA);
  });
  const fresh = await openCaptcha(carlaWeb);
  expect((await submitCaptcha(carlaWeb, fresh.captchaId, fresh.answer)).status).toBe(303);
  await agentsMailAbout(await h.dataSource.getRepository(Account).findOneByOrFail({ email: carla.email }));

  const other = new WebClient(h.baseUrl);
  await fillSignUpTabs(other, { prenom: 'Rémy', nom: 'Rejoue', email: 'remy.rejoue@example.fr' });
  await writesNothing(async () => {
    expectRefused(await submitCaptcha(other, fresh.captchaId, fresh.answer), 422, BAD_CAPTCHA);
  });
  expect(await h.dataSource.getRepository(Account).countBy({ email: 'remy.rejoue@example.fr' })).toBe(0);
});

test("HTML in the address is accepted as text: escaped on the pages and in the agents' mail", async () => {
  const address = '<b>3 rue</b> des Lilas';
  const escaped = '&lt;b&gt;3 rue&lt;/b&gt; des Lilas';
  const account = await createAccount({
    prenom: 'Hélène', nom: 'Balise', email: 'helene.balise@example.fr', adresse: address,
  });
  expect(account.addressLine).toBe(address);

  const page = await (await agentClient(h.baseUrl)).get(`/agent/comptes/${account.id}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain(escaped);
  expect(page.text).not.toContain('<b>3 rue');

  const resident = await residentClient(h.baseUrl, account.identifier);
  const compte = await resident.get('/compte');
  expect(compte.text).toContain(escaped);
  expect(compte.text).not.toContain('<b>3 rue');

  const mail = await agentsMailAbout(account);
  expect(mail.html).not.toContain('<b>3 rue');
  // The agents' new-account mail shows name, identifier, email and deadline, not the address: if
  // it ever does, it must be escaped.
  if (mail.text.includes('3 rue')) expect(mail.html).toContain('&lt;b&gt;3 rue&lt;/b&gt;');

  // Before validation the resident cannot change it (FAQ): 403, nothing written.
  await writesNothing(async () => {
    const r = await resident.post('/compte/modifier', {
      email: account.email, telephone: '', adresse: '5 rue des Lilas', code_postal: '49070', ville: 'Beaucouzé',
      mode_communication: 'email',
    });
    expectRefused(r, 403, 'Votre compte est en attente de validation par les services de la mairie');
  });
  expect((await h.dataSource.getRepository(Account).findOneByOrFail({ id: account.id })).addressLine).toBe(address);
});

test("another household's member: 404 on its pages and forms, the member unchanged", async () => {
  const url = `/compte/membres/${memberOfA.id}`;
  await writesNothing(async () => {
    expectRefused(await residentB.get(`${url}/modifier`), 404, NOT_IN_HOUSEHOLD);
    const changed = child('Intrus', 'Autre', '2014-01-01');
    expectRefused(await residentB.post(`${url}/modifier`, changed), 404, NOT_IN_HOUSEHOLD);
    expectRefused(await residentB.get(`${url}/retirer`), 404, NOT_IN_HOUSEHOLD);
    expectRefused(await residentB.post(`${url}/retirer`, {}), 404, NOT_IN_HOUSEHOLD);
    expectRefused(await residentB.get('/compte/membres/abc/modifier'), 404, NOT_IN_HOUSEHOLD);
  });
  expect(await h.dataSource.getRepository(HouseholdMember).findOneByOrFail({ id: memberOfA.id })).toEqual(memberOfA);
});

test('a form posted without its CSRF token is refused (403) and changes nothing', async () => {
  const member = child('Iris', 'Autre', '2018-04-04');
  const expired = 'Le formulaire a expiré ou ne provient pas de ce site';
  await writesNothing(async () => {
    expectRefused(await residentB.post('/compte/membres/ajouter', { ...member, _csrf: '' }), 403, expired);
    expectRefused(await residentB.post('/compte/membres/ajouter', { ...member, _csrf: 'x'.repeat(43) }), 403, expired);
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
