// An agent's decision is an Update that the worker answers. With no worker running, the page and
// the API used to wait for ever; they now answer 503 with a French message once the wait runs out,
// and the decision, once a worker is back, is taken once: one state, one mail to the resident.
import { Account } from '../../db/entities';
import { UPDATE_UNCONFIRMED } from '../../api/errors';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { agentClient, signUp, sleep, visibleText } from '../support/journeys';

const MAIL_WAIT_MS = 20_000;

let h: Harness;
let agent: WebClient;
beforeAll(async () => {
  h = await startHarness('no_worker', {}, { updateWaitMs: 1_500 });
  agent = await agentClient(h.baseUrl);
});
afterAll(async () => {
  await h?.close();
});

async function pendingAccount(email: string): Promise<Account> {
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Paul', nom: 'Patient', email })).status).toBe(303);
  await h.smtp.waitFor((m) => m.to.includes(email), MAIL_WAIT_MS);
  return h.dataSource.getRepository(Account).findOneByOrFail({ email });
}

const validatedMails = (email: string) => h.smtp.messages.filter((m) => m.to.includes(email) && /a été validé/.test(m.subject));

test('with the worker stopped, «Valider» answers 503 in French (page and API); once it is back the account is validated once', async () => {
  const account = await pendingAccount('paul.patient@example.fr');
  await h.stopWorker();
  try {
    const page = await agent.post(`/agent/comptes/${account.id}/valider`, {});
    expect(page.status).toBe(503);
    expect(visibleText(page.text)).toContain('votre action n’a pas pu être confirmée');

    const api = await agent.api<{ error: { code: string; message: string } }>('POST', `/api/v1/agent/accounts/${account.id}/validate`);
    expect(api.status).toBe(503);
    expect(api.body.error).toMatchObject({ code: 'unavailable', message: UPDATE_UNCONFIRMED });
    // Nothing decided while no worker runs.
    expect((await h.dataSource.getRepository(Account).findOneByOrFail({ id: account.id })).status).toBe('pending');
  } finally {
    await h.startWorker();
  }

  // The agent, told to check, tries again: validated now, or already validated by the Update the
  // server kept for the worker's return — either way one validation and one mail.
  // A worker just started may take longer than the short wait to answer on a busy machine: the
  // agent is told so (503) and tries again.
  let again = await agent.post(`/agent/comptes/${account.id}/valider`, {});
  for (let tries = 1; again.status === 503 && tries < 20; tries++) {
    await sleep(500);
    again = await agent.post(`/agent/comptes/${account.id}/valider`, {});
  }
  expect([303, 409]).toContain(again.status);
  await h.smtp.waitFor((m) => validatedMails(account.email).includes(m), MAIL_WAIT_MS);
  expect((await h.dataSource.getRepository(Account).findOneByOrFail({ id: account.id })).status).toBe('validated');
  await sleep(1_000);
  expect(validatedMails(account.email)).toHaveLength(1);
});
