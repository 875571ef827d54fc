// A workflow's end, reported to the worker through a Temporal sink (no I/O from workflow code):
// the worker counts it in portail_workflows_ended_total{kind,outcome}. Sinks are not called
// again when a workflow's history is replayed, so each end is counted once.
import { proxySinks, type Sinks } from '@temporalio/workflow';

export interface ProcessEndSinks extends Sinks {
  processes: { ended(kind: string, outcome: string): void };
}

const { processes } = proxySinks<ProcessEndSinks>();

/** Called as a workflow function returns, with its process kind and final status. */
export function reportEnd(kind: string, outcome: string): void {
  processes.ended(kind, outcome);
}
