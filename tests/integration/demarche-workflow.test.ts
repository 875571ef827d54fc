// The démarche workflow against MariaDB, the Temporal dev server and a real SMTP receiver:
// paper document recorded → «Complet» by itself → validated; refusals by the transition table;
// reminder then «Classé sans suite» with shortened delays; the worker killed and restarted.
import { Account, DemarcheRequest, Notification, RequestHistory } from '../../db/entities';
import type { DemarcheDefinition } from '../../domain/catalogue';
import {
  demarcheStateQuery,
  demarcheWorkflowId,
  recordPaperDocumentUpdate,
  refuseRequestUpdate,
  requestDocumentsUpdate,
  validateRequestUpdate,
} from '../../workflows/demarche';
import { DemarcheService } from '../../api/services/demarches.service';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { signUp } from '../support/journeys';

let h: Harness;
let account: Account;
let school: DemarcheDefinition;
const DAY_MS = 400; // one «day» of the démarches' delays lasts 400 ms here

beforeAll(async () => {
  h = await startHarness('demarche_wf', {}, { demarcheDayMs: DAY_MS });
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Nora', nom: 'École', email: 'nora.ecole@example.fr' })).status).toBe(303);
  account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'nora.ecole@example.fr' });
  school = h.catalogue.find('beaucouze', 'inscription-scolaire') as DemarcheDefinition;
  expect(school).toBeDefined();
});
afterAll(async () => {
  await h?.close();
});

const agentId = () => h.agents.beaucouze.id;
const mailsTo = (email: string, subject: RegExp) => h.smtp.messages.filter((m) => m.to.includes(email) && subject.test(m.subject));

async function submit(documents: Array<{ key: string; mode: 'paper' }>, submissionKey = DemarcheService.newSubmissionKey()) {
  return h.portal.services.demarches.submit(h.communes.beaucouze, account, {
    definition: school,
    answers: { niveau: 'CP' },
    memberId: null,
    documents,
    submissionKey,
  });
}
const paperAll = () => school.documents.filter((d) => d.required).map((d) => ({ key: d.key, mode: 'paper' as const }));
const handleOf = (r: DemarcheRequest) => h.temporal.workflow.getHandle(demarcheWorkflowId('beaucouze', r.number));

test('numbers are BEA-<year>-<6 digits>, one per submission key', async () => {
  const key = DemarcheService.newSubmissionKey();
  const [a, b] = await Promise.all([submit(paperAll(), key), submit(paperAll(), key)]);
  expect(a.id).toBe(b.id);
  expect(a.number).toMatch(/^BEA-\d{4}-\d{6}$/);
  const other = await submit(paperAll());
  expect(Number(other.number.slice(-6))).toBe(Number(a.number.slice(-6)) + 1);
});

test('paper documents recorded one by one: «Complet» by itself, then validated; mails for each step', async () => {
  const request = await submit(paperAll());
  const handle = handleOf(request);
  const receipt = await h.smtp.waitFor((m) => m.to.includes(account.email) && m.subject.includes(request.number), 20_000);
  expect(receipt.text).toContain(request.number);
  expect(receipt.text).toMatch(/Place Jacques Prévert/);

  // Validation before «Complet» is refused by the Update's validator; nothing written.
  await expect(handle.executeUpdate(validateRequestUpdate, { args: [{ agentId: agentId() }] })).rejects.toMatchObject({
    cause: { message: expect.stringMatching(/ne peut pas être validée tant qu'elle n'est pas complète/) },
  });
  await expect(handle.executeUpdate(refuseRequestUpdate, { args: [{ agentId: agentId(), reason: '  ' }] })).rejects.toMatchObject({
    cause: { message: expect.stringMatching(/motif du refus est obligatoire/) },
  });
  expect(await h.dataSource.getRepository(RequestHistory).countBy({ requestId: request.id })).toBe(0);
  const required = school.documents.filter((d) => d.required);
  for (const doc of required) {
    await handle.executeUpdate(recordPaperDocumentUpdate, { args: [{ agentId: agentId(), documentKey: doc.key }] });
  }
  expect((await handle.query(demarcheStateQuery)).status).toBe('complet');
  await h.smtp.waitFor((m) => m.to.includes(account.email) && /Complet/.test(m.subject) && m.subject.includes(request.number), 20_000);

  await handle.executeUpdate(validateRequestUpdate, { args: [{ agentId: agentId() }] });
  expect(await handle.result()).toBe('valide');
  await h.smtp.waitFor((m) => m.to.includes(account.email) && /Validé/.test(m.subject) && m.subject.includes(request.number), 20_000);
  const row = await h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ id: request.id });
  expect(row.status).toBe('valide');
  const history = await h.dataSource.getRepository(RequestHistory).find({ where: { requestId: request.id }, order: { id: 'ASC' } });
  expect(history.map((x) => x.event)).toEqual([...required.map(() => 'recevoir_piece_papier'), 'completer', 'valider']);
  expect(history.find((x) => x.event === 'completer')?.actor).toBe('system');
});

test('awaiting documents: a reminder, then «Classé sans suite», with shortened delays', async () => {
  const request = await submit(paperAll());
  const handle = handleOf(request);
  await handle.executeUpdate(requestDocumentsUpdate, { args: [{ agentId: agentId(), message: 'Merci de joindre le carnet de vaccination.' }] });
  const asked = await h.smtp.waitFor((m) => m.to.includes(account.email) && /attente de pièces/i.test(m.subject) && m.subject.includes(request.number), 20_000);
  expect(asked.text).toContain('Merci de joindre le carnet de vaccination.');
  await h.smtp.waitFor((m) => m.to.includes(account.email) && m.subject.includes(request.number) && /relance|rappel|attend/i.test(m.subject), 20_000);
  expect(await handle.result()).toBe('classe_sans_suite');
  await h.smtp.waitFor((m) => m.to.includes(account.email) && /sans suite/i.test(m.subject) && m.subject.includes(request.number), 20_000);
  const history = await h.dataSource.getRepository(RequestHistory).find({ where: { requestId: request.id }, order: { id: 'ASC' } });
  expect(history.map((x) => [x.event, x.actor])).toEqual([
    ['demander_pieces', `agent:${agentId()}`],
    ['relancer', 'system'],
    ['classer_sans_suite', 'system'],
  ]);
});

test('worker stopped in the middle: the request goes on, no mail lost or sent twice', async () => {
  const request = await submit(paperAll());
  const handle = handleOf(request);
  await h.smtp.waitFor((m) => m.to.includes(account.email) && m.subject.includes(request.number), 20_000);
  await h.stopWorker();
  const required = school.documents.filter((d) => d.required);
  // Updates wait for a worker: send them while it is down, then bring it back.
  const pending = (async () => {
    for (const doc of required) {
      await handle.executeUpdate(recordPaperDocumentUpdate, { args: [{ agentId: agentId(), documentKey: doc.key }] });
    }
  })();
  await new Promise((r) => setTimeout(r, 1500));
  await h.startWorker();
  await pending;
  await handle.executeUpdate(validateRequestUpdate, { args: [{ agentId: agentId() }] });
  expect(await handle.result()).toBe('valide');
  await h.smtp.waitFor((m) => m.to.includes(account.email) && /Validé/.test(m.subject) && m.subject.includes(request.number), 20_000);
  const rows = await h.dataSource.getRepository(Notification).find({ where: { recipient: account.email } });
  const forRequest = rows.filter((n) => (n.subject ?? '').includes(request.number));
  expect(new Set(forRequest.map((n) => n.idempotencyKey)).size).toBe(forRequest.length);
  expect(mailsTo(account.email, new RegExp(request.number)).length).toBe(forRequest.length);
});
