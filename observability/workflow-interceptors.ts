// Workflow interceptors (the worker's `interceptors.workflowModules`, and `workflowInterceptorModules`
// of a bundle built ahead of time). They run inside the workflow sandbox: no Node module here.
// The request id that started the workflow, or that sent the Update or Signal being handled, goes
// into the headers of the activities it schedules and into the workflow's log lines.
import {
  AsyncLocalStorage,
  type ActivityInput,
  type ContinueAsNewInput,
  type DisposeInput,
  type GetLogAttributesInput,
  type LocalActivityInput,
  type Next,
  type SignalInput,
  type StartChildWorkflowExecutionInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowInternalsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { requestIdFromHeaders, withRequestIdHeader } from './request-id-header';

class RequestIdWorkflowInterceptor
implements WorkflowInboundCallsInterceptor, WorkflowOutboundCallsInterceptor, WorkflowInternalsInterceptor {
  /** The id of the request that started the workflow: the default for all it does. */
  private startRequestId: string | undefined;
  /** One per workflow (this object is too), so disposing of it cannot touch another workflow's. */
  private readonly handlerRequestId = new AsyncLocalStorage<string>();

  private current(): string | undefined {
    return this.handlerRequestId.getStore() ?? this.startRequestId;
  }

  private within<T>(headers: UpdateInput['headers'], fn: () => T): T {
    const requestId = requestIdFromHeaders(headers);
    return requestId ? this.handlerRequestId.run(requestId, fn) : fn();
  }

  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    this.startRequestId = requestIdFromHeaders(input.headers);
    return next(input);
  }

  handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    return this.within(input.headers, () => next(input));
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    this.within(input.headers, () => next(input));
  }

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    return this.within(input.headers, () => next(input));
  }

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return next({ ...input, headers: withRequestIdHeader(input.headers, this.current()) });
  }

  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    return next({ ...input, headers: withRequestIdHeader(input.headers, this.current()) });
  }

  startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ): Promise<[Promise<string>, Promise<unknown>]> {
    return next({ ...input, headers: withRequestIdHeader(input.headers, this.current()) });
  }

  continueAsNew(input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>): Promise<never> {
    return next({ ...input, headers: withRequestIdHeader(input.headers, this.current()) });
  }

  getLogAttributes(input: GetLogAttributesInput, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>): Record<string, unknown> {
    const requestId = this.current();
    return next(requestId ? { ...input, requestId } : input);
  }

  dispose(input: DisposeInput, next: Next<WorkflowInternalsInterceptor, 'dispose'>): void {
    // Node keeps an AsyncLocalStorage alive past the workflow's eviction from the cache unless disabled.
    this.handlerRequestId.disable();
    next(input);
  }
}

export const interceptors = (): WorkflowInterceptors => {
  const interceptor = new RequestIdWorkflowInterceptor();
  return { inbound: [interceptor], outbound: [interceptor], internals: [interceptor] };
};
