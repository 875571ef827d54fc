// The payment providers of the portal: each régie pays through its own (one PayFiP merchant
// account per régie, or the sandbox in development and tests).
import type { DataSource } from 'typeorm';
import type { Regie } from '../db/entities/regie';
import { PayfipProvider, type PayfipOptions } from './payfip';
import { PermanentProviderError, type PaymentProvider } from './provider';
import { SandboxProvider } from './sandbox';

export * from './provider';
export { PayfipProvider, PAYFIP_PAYMENT_PAGE_URL, PAYFIP_WS_URL, type PayfipOptions } from './payfip';
export { SandboxProvider, SANDBOX_TEST_CARDS } from './sandbox';

export interface PaymentProvidersDeps {
  dataSource: DataSource;
  /** The portal's public base URL (the sandbox's card page lives under it). */
  publicUrl: string;
  /** False in production: a régie left on 'sandbox' must not take «payments» there. */
  sandboxEnabled: boolean;
  payfip?: PayfipOptions;
}

export interface PaymentProviders {
  forRegie(regie: Pick<Regie, 'provider' | 'payfipNumcli' | 'payfipMode'>): PaymentProvider;
}

export function createPaymentProviders(deps: PaymentProvidersDeps): PaymentProviders {
  const payfip = new PayfipProvider(deps.payfip);
  const sandbox = new SandboxProvider({ dataSource: deps.dataSource, publicUrl: deps.publicUrl });
  return {
    forRegie(regie) {
      if (regie.provider === 'payfip') {
        // The régie's own merchant account: its numcli and mode go with every payment it creates.
        return {
          name: payfip.name,
          create: (input) => payfip.create({ ...input, regie: { payfipNumcli: regie.payfipNumcli, payfipMode: regie.payfipMode } }),
          status: (providerRef, createdAt, now) => payfip.status(providerRef, createdAt, now),
        };
      }
      if (regie.provider === 'sandbox') {
        if (!deps.sandboxEnabled) {
          throw new PermanentProviderError('Le paiement de test (sandbox) est désactivé ici : configurez PayFiP pour cette régie.');
        }
        return sandbox;
      }
      throw new PermanentProviderError(`Moyen de paiement inconnu pour la régie : « ${String(regie.provider)} ».`);
    },
  };
}
