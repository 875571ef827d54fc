// Brute force on the residents' login: 5 failures lock an identifier, 30 lock an address, in
// MySQL (rate_limit) so that every api replica sees the same counters.
import { Account } from '../../db/entities';
import { startHarness, WebClient, type Harness } from '../support/harness';
import {
  HttpWebClient, signUp, STRONG_PASSWORD, visibleText, type HttpPageResponse,
} from '../support/journeys';

let h: Harness;
let alice: Account;
let bruno: Account;
beforeAll(async () => {
  h = await startHarness('throttle');
  for (const who of [
    { prenom: 'Alice', nom: 'Verrou', email: 'alice.verrou@example.fr' },
    { prenom: 'Bruno', nom: 'Voisin', email: 'bruno.voisin@example.fr' },
  ]) {
    expect((await signUp(new WebClient(h.baseUrl), who)).status).toBe(303);
  }
  alice = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'alice.verrou@example.fr' });
  bruno = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'bruno.voisin@example.fr' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.dataSource.query('DELETE FROM rate_limit');
});

async function login(identifiant: string, password: string): Promise<HttpPageResponse> {
  const web = new HttpWebClient(h.baseUrl);
  await web.get('/');
  return web.post('/connexion', { identifiant, mot_de_passe: password });
}

const LOCKED = /Trop de tentatives de connexion infructueuses : réessayez dans \d+ minutes?\./;

test('the identifier and the email address share one counter: 3 + 2 failures lock the account', async () => {
  for (let i = 1; i <= 3; i++) expect((await login(alice.identifier, `Faux-${i}-Mot-De-Passe!`)).status).toBe(401);
  for (let i = 1; i <= 2; i++) expect((await login(alice.email.toUpperCase(), `Faux-${i}-Courriel!`)).status).toBe(401);
  const r = await login(alice.email, STRONG_PASSWORD);
  expect(r.status).toBe(429);
  expect(visibleText(r.text)).toMatch(LOCKED);
});

test('5 wrong passwords lock the identifier: the 6th attempt gets 429, even the right one', async () => {
  for (let i = 1; i <= 5; i++) {
    const r = await login(alice.identifier, `Mauvais-Mot-De-Passe-${i}!`);
    expect(r.status).toBe(401);
    expect(visibleText(r.text)).toContain('Identifiant ou mot de passe incorrect.');
  }
  let r = await login(alice.identifier, STRONG_PASSWORD);
  expect(r.status).toBe(429);
  expect(visibleText(r.text)).toMatch(LOCKED);
  expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  // The identifier written in capitals is the same key.
  r = await login(alice.identifier.toUpperCase(), STRONG_PASSWORD);
  expect(r.status).toBe(429);

  // Another identifier from the same address still logs in.
  r = await login(bruno.identifier, STRONG_PASSWORD);
  expect(r.status).toBe(303);
  expect(r.location).toBe('/accueil');

  // Once the counters are gone (the lock expired), the right password works again.
  await h.dataSource.query('DELETE FROM rate_limit');
  r = await login(alice.identifier, STRONG_PASSWORD);
  expect(r.status).toBe(303);
});

test('30 failures from one address, over unknown identifiers, lock the address', async () => {
  for (let i = 1; i <= 30; i++) {
    const r = await login(`inconnu.${i}`, 'Pas-Le-Bon-Mot-De-Passe-1!');
    expect(r.status).toBe(401);
  }
  // A real account and its right password, from the same address: refused until the lock ends.
  const r = await login(bruno.identifier, STRONG_PASSWORD);
  expect(r.status).toBe(429);
  expect(visibleText(r.text)).toMatch(LOCKED);
  expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
});
