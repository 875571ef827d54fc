// The api's side of the Temporal workflows: starting them and sending agent decisions as
// Updates. A validator's refusal comes back as a readable 409, not a 500. Each start is counted
// (portail_workflows_started_total); the client's interceptor adds the request id to its headers.
import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure } from '@temporalio/common';
import {
  ACCOUNT_VALIDATION_KIND,
  accountValidationWorkflowId,
  rejectAccountUpdate,
  validateAccountUpdate,
  type AccountDecision,
  type AccountValidationInput,
} from '../../workflows/account-validation';
import { passwordResetWorkflowId, type PasswordResetInput } from '../../workflows/password-reset';
import { passwordChangedWorkflowId } from '../../workflows/password-changed';
import { DEMARCHE_KIND, demarcheWorkflowId, type DemarcheInput } from '../../workflows/demarche';
import { CIVIL_STATUS_KIND, civilStatusWorkflowId, type CivilStatusInput } from '../../workflows/civil-status';
import { PAYMENT_KIND, paymentWorkflowId, type PaymentInput } from '../../workflows/payment';
import { randomUUID } from 'node:crypto';
import { ConflictError, UnavailableError, UPDATE_UNCONFIRMED } from '../errors';
import { workflowsStarted } from '../../observability/metrics';

export interface ProcessesOptions {
  client: Client;
  taskQueue: string;
  accountReminderIntervalMs: number;
  /** How long an agent's or a payer's Update waits for the worker's answer (UPDATE_WAIT_MS by default). */
  updateWaitMs?: number;
}

/**
 * An Update is answered by the worker: with no worker running it would wait for ever, and the
 * agent's or payer's page with it. Past this wait the page says so instead.
 */
export const UPDATE_WAIT_MS = 20_000;

export class Processes {
  constructor(private readonly options: ProcessesOptions) {}

  async startAccountValidation(input: Omit<AccountValidationInput, 'reminderIntervalMs'>): Promise<void> {
    await this.options.client.workflow.start('accountValidation', {
      taskQueue: this.options.taskQueue,
      workflowId: accountValidationWorkflowId(input.communeSlug, input.accountId),
      args: [{ ...input, reminderIntervalMs: this.options.accountReminderIntervalMs } satisfies AccountValidationInput],
    });
    workflowsStarted.inc({ kind: ACCOUNT_VALIDATION_KIND });
  }

  async startPasswordReset(input: PasswordResetInput): Promise<void> {
    await this.options.client.workflow.start('passwordReset', {
      taskQueue: this.options.taskQueue,
      workflowId: passwordResetWorkflowId(input.requestId),
      args: [input],
    });
    workflowsStarted.inc({ kind: 'reinitialisation-mot-de-passe' });
  }

  async startDemarche(input: DemarcheInput): Promise<void> {
    await this.options.client.workflow.start('demarche', {
      taskQueue: this.options.taskQueue,
      workflowId: demarcheWorkflowId(input.communeSlug, input.number),
      args: [input],
    });
    workflowsStarted.inc({ kind: DEMARCHE_KIND });
  }

  async startCivilStatusRequest(input: Omit<CivilStatusInput, 'reminderIntervalMs'>): Promise<void> {
    await this.options.client.workflow.start('civilStatusRequest', {
      taskQueue: this.options.taskQueue,
      workflowId: civilStatusWorkflowId(input.communeSlug, input.number),
      // Agents are reminded of an overdue certificate as often as of an overdue account.
      args: [{ ...input, reminderIntervalMs: this.options.accountReminderIntervalMs } satisfies CivilStatusInput],
    });
    workflowsStarted.inc({ kind: CIVIL_STATUS_KIND });
  }

  async startPayment(input: PaymentInput): Promise<void> {
    await this.options.client.workflow.start('payment', {
      taskQueue: this.options.taskQueue,
      workflowId: paymentWorkflowId(input.communeSlug, input.reference),
      args: [input],
    });
    workflowsStarted.inc({ kind: PAYMENT_KIND });
  }

  async paymentUpdate<Ret>(communeSlug: string, reference: string, update: UpdateDefinition<Ret, []>): Promise<Ret> {
    return this.update(paymentWorkflowId(communeSlug, reference), update, []);
  }

  async paymentSignal(communeSlug: string, reference: string, signal: SignalDefinition<[]>): Promise<void> {
    await this.options.client.workflow.getHandle(paymentWorkflowId(communeSlug, reference)).signal(signal);
  }

  /** Mails the security notice of a password change (own change or reset link). */
  async startPasswordChangedNotice(input: { accountId: number; communeSlug: string; changedAt: Date }): Promise<void> {
    const changeId = randomUUID();
    await this.options.client.workflow.start('passwordChanged', {
      taskQueue: this.options.taskQueue,
      workflowId: passwordChangedWorkflowId(changeId),
      args: [{ changeId, accountId: input.accountId, communeSlug: input.communeSlug, changedAt: input.changedAt.toISOString() }],
    });
    workflowsStarted.inc({ kind: 'mot-de-passe-modifie' });
  }

  async decideAccount(
    communeSlug: string,
    accountId: number,
    decision: { status: 'validated'; agentId: number } | { status: 'rejected'; agentId: number; reason: string },
  ): Promise<AccountDecision> {
    const handle = this.options.client.workflow.getHandle(accountValidationWorkflowId(communeSlug, accountId));
    try {
      return await this.withinUpdateWait(() => decision.status === 'validated'
        ? handle.executeUpdate(validateAccountUpdate, { args: [{ agentId: decision.agentId }] })
        : handle.executeUpdate(rejectAccountUpdate, { args: [{ agentId: decision.agentId, reason: decision.reason }] }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new ConflictError(readableCause(err));
      if (err instanceof WorkflowNotFoundError) throw new ConflictError("Ce compte n'attend plus de décision.");
      throw err;
    }
  }

  /**
   * Sends an action (agent's or resident's) to a démarche's workflow. The validator's refusal
   * (TransitionRefused, in French) becomes a 409 with its message; a finished workflow, too.
   */
  async demarcheUpdate<Ret, Args extends unknown[]>(
    communeSlug: string,
    number: string,
    update: UpdateDefinition<Ret, Args>,
    ...args: Args
  ): Promise<Ret> {
    return this.update(demarcheWorkflowId(communeSlug, number), update, args);
  }

  /** An agent's decision on a civil-status request; a refusal by the validator is a 409. */
  async civilStatusUpdate<Ret, Args extends unknown[]>(
    communeSlug: string,
    number: string,
    update: UpdateDefinition<Ret, Args>,
    ...args: Args
  ): Promise<Ret> {
    return this.update(civilStatusWorkflowId(communeSlug, number), update, args);
  }

  private async update<Ret, Args extends unknown[]>(workflowId: string, update: UpdateDefinition<Ret, Args>, args: Args): Promise<Ret> {
    const handle = this.options.client.workflow.getHandle(workflowId);
    try {
      // The overloads split «no argument» from «some»: one generic call fits neither, hence the cast.
      return await this.withinUpdateWait(() => handle.executeUpdate(update as unknown as UpdateDefinition<Ret, [unknown]>, { args: args as unknown as [unknown] }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new ConflictError(readableCause(err, DEMARCHE_REFUSED));
      if (err instanceof WorkflowNotFoundError) throw new ConflictError("Cette demande est close : aucune action n'est plus possible.");
      throw err;
    }
  }

  /** The Update's calls to the Temporal server share one deadline; past it, a clear 503. */
  private async withinUpdateWait<R>(send: () => Promise<R>): Promise<R> {
    try {
      return await this.options.client.withDeadline(Date.now() + (this.options.updateWaitMs ?? UPDATE_WAIT_MS), send);
    } catch (err) {
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) throw new UnavailableError(UPDATE_UNCONFIRMED);
      throw err;
    }
  }
}

const DEMARCHE_REFUSED = 'Cette action est impossible dans l’état actuel de la demande.';

/** The innermost failure message: the validator's or the activity's French sentence. */
function readableCause(err: Error, fallback = 'Cette action est impossible dans l’état actuel du compte.'): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  if (cause instanceof ApplicationFailure || cause instanceof Error) return cause.message;
  return fallback;
}
