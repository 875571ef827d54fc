// A régie's payment settings in the back office: the administrator sets PayFiP (client number and
// mode) or the sandbox, and makes a new API key for the billing software (shown once; the old one
// stops at once); a plain agent and another commune's administrator can do none of it.
import { Agent, Regie } from '../../db/entities';
import { hashSecret } from '../../api/services/secrets';
import { DEMO_REGIES } from '../../db/seed';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { agentClient, agentLogin, HttpWebClient, visibleText } from '../support/journeys';

let h: Harness;
let admin: WebClient;
beforeAll(async () => {
  h = await startHarness('regie_settings');
  admin = await agentClient(h.baseUrl);
});
afterAll(async () => {
  await h?.close();
});

const regie = () => h.dataSource.getRepository(Regie).findOneByOrFail({ communeId: h.communes.beaucouze.id, code: 'ville' });

it('the administrator sets PayFiP with its client number and mode; bad values are refused in French', async () => {
  const page = await admin.get('/agent/regies/ville');
  expect(page.status).toBe(200);
  const bad = await admin.post('/agent/regies/ville', { prestataire: 'payfip', numcli: '12ab', mode: 'Q' });
  expect(bad.status).toBe(422);
  expect(visibleText(bad.text)).toContain('Le numéro client PayFiP compte 6 chiffres');
  expect(visibleText(bad.text)).toContain('Choisissez le mode PayFiP');
  expect((await regie()).provider).toBe('sandbox');

  const ok = await admin.post('/agent/regies/ville', { prestataire: 'payfip', numcli: '012345', mode: 'T' });
  expect(ok.status).toBe(303);
  expect(await regie()).toMatchObject({ provider: 'payfip', payfipNumcli: '012345', payfipMode: 'T' });
  expect((await admin.post('/agent/regies/ville', { prestataire: 'sandbox' })).status).toBe(303);
  expect(await regie()).toMatchObject({ provider: 'sandbox', payfipNumcli: null, payfipMode: null });
});

it('a new API key is shown once and replaces the old one', async () => {
  const oldKey = DEMO_REGIES[0].apiKey;
  const send = (key: string) => fetch(`${h.baseUrl}/api/v1/regies/ville/factures`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ invoices: [] }),
  });
  expect([200, 422]).toContain((await send(oldKey)).status);
  await admin.get('/agent/regies/ville');
  const res = await admin.post('/agent/regies/ville/cle', {});
  expect(res.status).toBe(200);
  const key = /<code>([^<]+)<\/code>/.exec(res.text)?.[1] as string;
  expect(key).toMatch(/^ville-[A-Za-z0-9_-]{32}$/);
  expect((await send(oldKey)).status).toBe(401);
  expect((await send(key)).status).not.toBe(401);
  // Shown once: the page reached again does not show it.
  expect((await admin.get('/agent/regies/ville')).text).not.toContain(key);
});

it('a plain agent, and another commune’s administrator, change nothing', async () => {
  await h.dataSource.getRepository(Agent).insert({
    communeId: h.communes.beaucouze.id, login: 'agent.simple', email: 'simple@beaucouze.localhost',
    displayName: 'Agent simple', passwordHash: await hashSecret('Agent-Simple-2026!x'), role: 'agent',
  });
  const plain = await agentClient(h.baseUrl, 'agent.simple', 'Agent-Simple-2026!x');
  expect((await plain.get('/agent/regies/ville')).status).toBe(403);
  expect((await plain.post('/agent/regies/ville', { prestataire: 'payfip', numcli: '999999', mode: 'W' })).status).toBe(403);
  expect((await plain.post('/agent/regies/ville/cle', {})).status).toBe(403);

  await h.dataSource.getRepository(Agent).update({ id: h.agents.saintClair.id }, { role: 'admin' });
  const other = await agentLogin(new HttpWebClient(h.baseUrl, 'demarches-saint-clair.localhost'), 'agent.saint-clair', 'Saint-Clair-Agent-2026!');
  expect((await other.get('/agent/regies/ville')).status).toBe(404);
  expect((await other.post('/agent/regies/ville', { prestataire: 'payfip', numcli: '999999', mode: 'W' })).status).toBe(404);
  expect((await regie()).payfipNumcli).not.toBe('999999');
});
