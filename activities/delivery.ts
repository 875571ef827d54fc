// What every activity that tells someone something shares: the resident's chosen channel, and
// how a message that can never be delivered ends its retries.
import { ApplicationFailure } from '@temporalio/common';
import type { Account } from '../db/entities';
import { isPermanentDeliveryError } from '../notify/errors';
import type { DeliveryInput, Outbox } from '../notify/outbox';

/** Sends through the outbox; a refused address or number fails for good instead of retrying forever. */
export async function deliver(outbox: Outbox, input: DeliveryInput): Promise<void> {
  try {
    await outbox.deliver(input);
  } catch (err) {
    if (isPermanentDeliveryError(err)) {
      throw ApplicationFailure.nonRetryable((err as Error).message, 'PermanentDeliveryError');
    }
    throw err;
  }
}

/** The resident's communication preference: SMS when chosen and a number is known, else email. */
export function residentAddress(account: Account): { channel: 'email' | 'sms'; to: string } {
  return account.communicationChannel === 'sms' && account.phone
    ? { channel: 'sms', to: account.phone }
    : { channel: 'email', to: account.email };
}
