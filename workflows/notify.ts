import { log } from '@temporalio/workflow';

/**
 * Notifications are retried until delivered; only one that can never be delivered (refused
 * address) fails for good. That must not undo the process's progress: the failure stays
 * visible in the workflow history and the process goes on.
 */
export async function notify(send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    log.warn('Notification impossible à remettre', { error: err instanceof Error ? err.message : String(err) });
  }
}
