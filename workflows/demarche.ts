// A démarche, from submission to its decision. The status follows the one transition table of
// domain/demarche-status.ts: agents' and residents' actions are Updates whose validators apply
// it (so a refusal shows at once), automatic events (complete, reminder, closed without action)
// are the workflow's own. Each transition is written (status + history row) before the next
// action is accepted; notifications go out afterwards, from the main loop.
import { ApplicationFailure } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { DemarcheActivities } from '../activities/demarches';
import { applyEvent, isFinal, type DemarcheEvent, type DemarcheStatus } from '../domain/demarche-status';
import { notify } from './notify';
import { reportEnd } from './process-end';
import { COMMUNE, DEMARCHE_CODE, PROCESS_KIND, PROCESS_STATUS, REQUEST_NUMBER } from './search-attributes';

export const DEMARCHE_KIND = 'demarche';

export interface DemarcheInput {
  requestId: number;
  communeSlug: string;
  number: string;
  demarcheCode: string;
  /** Keys of every document the definition lists, and of those it requires. */
  documents: string[];
  requiredDocuments: string[];
  /** Awaiting documents for this long: a reminder. */
  reminderAfterMs: number;
  /** Awaiting documents for this long: closed without action. */
  closeAfterMs: number;
}

export interface DemarcheState {
  status: DemarcheStatus;
  receivedDocuments: string[];
}

type AgentAction = { agentId: number };
export const recordPaperDocumentUpdate = defineUpdate<DemarcheState, [AgentAction & { documentKey: string }]>('recevoirPiecePapier');
export const requestDocumentsUpdate = defineUpdate<DemarcheState, [AgentAction & { message: string }]>('demanderPieces');
export const markCompleteUpdate = defineUpdate<DemarcheState, [AgentAction]>('marquerComplet');
export const validateRequestUpdate = defineUpdate<DemarcheState, [AgentAction]>('valider');
export const refuseRequestUpdate = defineUpdate<DemarcheState, [AgentAction & { reason: string }]>('refuser');
export const provideDocumentsUpdate = defineUpdate<DemarcheState, [{ documentKeys: string[] }]>('fournirPieces');
export const answerRequestUpdate = defineUpdate<DemarcheState, [{ message: string }]>('repondre');
export const cancelRequestUpdate = defineUpdate<DemarcheState, []>('annuler');
export const demarcheStateQuery = defineQuery<DemarcheState>('etatDemarche');

export const demarcheWorkflowId = (communeSlug: string, number: string): string => `demarche-${communeSlug}-${number}`;

const acts = proxyActivities<DemarcheActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function demarche(input: DemarcheInput): Promise<DemarcheStatus> {
  const { requestId } = input;
  let status = 'en_cours' as DemarcheStatus;
  const received = new Set<string>();
  // Serialises actions: an Update is validated against the status once the previous write is done.
  let busy = false;
  let eventCount = 0;
  const toNotify: Array<{ eventKey: string; event: DemarcheEvent; message: string | null }> = [];
  let awaitingSince: number | null = null;

  upsertSearchAttributes([
    { key: COMMUNE, value: input.communeSlug },
    { key: PROCESS_KIND, value: DEMARCHE_KIND },
    { key: DEMARCHE_CODE, value: input.demarcheCode },
    { key: REQUEST_NUMBER, value: input.number },
    { key: PROCESS_STATUS, value: status },
  ]);

  const state = (): DemarcheState => ({ status, receivedDocuments: [...received] });
  const missing = (): string[] => input.requiredDocuments.filter((key) => !received.has(key));

  /** Writes one transition (status + history), then queues the resident's notification. */
  async function apply(event: DemarcheEvent, actor: string, text: string | null = null): Promise<void> {
    const to = applyEvent(status, event, { reason: text ?? undefined, message: text ?? undefined });
    eventCount += 1;
    const eventKey = `${eventCount}:${event}`;
    await acts.recordTransition({ requestId, eventKey, event, from: status, to, actor, reason: text });
    const changed = to !== status;
    status = to;
    if (changed) {
      upsertSearchAttributes([{ key: PROCESS_STATUS, value: status }]);
      awaitingSince = status === 'en_attente_de_pieces' ? Date.now() : null;
      toNotify.push({ eventKey, event, message: text });
    }
  }

  /** Every required document is there: the request becomes «Complet» by itself. */
  async function completeIfAllThere(): Promise<void> {
    if ((status === 'en_cours' || status === 'en_attente_de_pieces') && missing().length === 0) {
      await apply('completer', 'system');
    }
  }

  /**
   * An action's rule, checked twice: by the Update's validator (refused at once, nothing in
   * history) and again once the request's lock is held, since an earlier action may have
   * moved the status in between.
   */
  type Rule<A extends unknown[]> = (...args: A) => void;
  function handle<A extends unknown[]>(rule: NoInfer<Rule<A>>, work: (...args: A) => Promise<void>) {
    return async (...args: A): Promise<DemarcheState> => {
      await condition(() => !busy);
      busy = true;
      try {
        try {
          rule(...args);
        } catch (err) {
          throw ApplicationFailure.nonRetryable((err as Error).message, 'TransitionRefused');
        }
        await work(...args);
        return state();
      } finally {
        busy = false;
      }
    };
  }
  const may = (event: DemarcheEvent, text?: string): void => void applyEvent(status, event, { reason: text, message: text });
  const agent = (id: number) => `agent:${id}`;
  const paperRule: Rule<[{ documentKey: string }]> = ({ documentKey }) => {
    may('recevoir_piece_papier');
    if (!input.documents.includes(documentKey)) throw new Error("Cette pièce n'est pas demandée pour cette démarche.");
  };
  const requestRule: Rule<[{ message: string }]> = ({ message }) => may('demander_pieces', message);
  const refuseRule: Rule<[{ reason: string }]> = ({ reason }) => may('refuser', reason);
  const answerRule: Rule<[{ message: string }]> = ({ message }) => may('repondre', message);
  const provideRule: Rule<[{ documentKeys: string[] }]> = ({ documentKeys }) => {
    may('fournir_pieces');
    if (documentKeys.some((key) => !input.documents.includes(key))) throw new Error("Cette pièce n'est pas demandée pour cette démarche.");
  };

  setHandler(demarcheStateQuery, state);
  setHandler(
    recordPaperDocumentUpdate,
    handle(paperRule, async ({ agentId, documentKey }: AgentAction & { documentKey: string }) => {
      await acts.recordPaperDocument({ requestId, documentKey, agentId });
      received.add(documentKey);
      await apply('recevoir_piece_papier', agent(agentId), documentKey);
      await completeIfAllThere();
    }),
    { validator: paperRule },
  );
  setHandler(
    requestDocumentsUpdate,
    handle(requestRule, async ({ agentId, message }: AgentAction & { message: string }) => apply('demander_pieces', agent(agentId), message.trim())),
    { validator: requestRule },
  );
  setHandler(
    markCompleteUpdate,
    handle(() => may('marquer_complet'), async ({ agentId }: AgentAction) => apply('marquer_complet', agent(agentId))),
    { validator: (_action: AgentAction) => may('marquer_complet') },
  );
  setHandler(
    validateRequestUpdate,
    handle(() => may('valider'), async ({ agentId }: AgentAction) => apply('valider', agent(agentId))),
    { validator: (_action: AgentAction) => may('valider') },
  );
  setHandler(
    refuseRequestUpdate,
    handle(refuseRule, async ({ agentId, reason }: AgentAction & { reason: string }) => apply('refuser', agent(agentId), reason.trim())),
    { validator: refuseRule },
  );
  setHandler(
    provideDocumentsUpdate,
    handle(provideRule, async ({ documentKeys }: { documentKeys: string[] }) => {
      for (const key of documentKeys) received.add(key);
      await apply('fournir_pieces', 'resident', documentKeys.join(', '));
      await completeIfAllThere();
    }),
    { validator: provideRule },
  );
  setHandler(
    answerRequestUpdate,
    handle(answerRule, async ({ message }: { message: string }) => apply('repondre', 'resident', message.trim())),
    { validator: answerRule },
  );
  setHandler(
    cancelRequestUpdate,
    handle(() => may('annuler'), async () => apply('annuler', 'resident')),
    { validator: () => may('annuler') },
  );

  /** The workflow's own events hold the same lock as the Updates. */
  async function systemAct(work: () => Promise<void>): Promise<void> {
    await condition(() => !busy);
    busy = true;
    try {
      await work();
    } finally {
      busy = false;
    }
  }

  await systemAct(async () => {
    for (const key of await acts.receivedDocumentKeys(requestId)) received.add(key);
  });
  await notify(() => acts.sendRequestReceipt(requestId));
  await notify(() => acts.notifyAgentsOfNewRequest(requestId));
  await systemAct(completeIfAllThere);

  let reminded = false;
  while (!isFinal(status)) {
    if (status === 'en_attente_de_pieces' && awaitingSince !== null) {
      const since = awaitingSince;
      const dueAt = since + (reminded ? input.closeAfterMs : input.reminderAfterMs);
      const moved = await condition(
        () => toNotify.length > 0 || awaitingSince !== since || isFinal(status),
        Math.max(dueAt - Date.now(), 1),
      );
      if (!moved) {
        if (!reminded) {
          reminded = true;
          // The reminder is an event of its own in the history («Relance du demandeur»).
          await systemAct(async () => {
            if (status === 'en_attente_de_pieces' && awaitingSince === since) await apply('relancer', 'system');
          });
          await notify(() => acts.sendRequestReminder(requestId, since + input.closeAfterMs));
        } else {
          await systemAct(async () => {
            // An Update may have moved the request while the lock was awaited.
            if (status === 'en_attente_de_pieces' && awaitingSince === since) await apply('classer_sans_suite', 'system');
          });
        }
      }
    } else {
      reminded = false;
      await condition(() => toNotify.length > 0 || isFinal(status) || status === 'en_attente_de_pieces');
    }
    while (toNotify.length > 0) {
      const next = toNotify.shift() as (typeof toNotify)[number];
      await notify(() => acts.notifyResidentOfTransition({ requestId, eventKey: next.eventKey, message: next.message }));
    }
  }
  while (toNotify.length > 0) {
    const next = toNotify.shift() as (typeof toNotify)[number];
    await notify(() => acts.notifyResidentOfTransition({ requestId, eventKey: next.eventKey, message: next.message }));
  }
  await condition(allHandlersFinished);
  reportEnd(DEMARCHE_KIND, status);
  return status;
}
