// What the invoices process asks of a card-payment provider (PayFiP, or the sandbox in development
// and tests), and the one reading of PayFiP's answers. The status always comes from the provider
// itself: a callback only says «ask now», never what happened.

export interface CreatePaymentInput {
  /** Our payment reference (PayFiP «refdet»): 6 to 30 letters and digits. */
  reference: string;
  amountCents: number;
  /** The payer's email (PayFiP «mel»). */
  email: string;
  /** «Factures Ville BEA0000123» (PayFiP «objet»: at most 100 characters, no special characters). */
  label: string;
  /** Where the browser comes back (PayFiP «urlredirect»). */
  returnUrl: string;
  /** The server-to-server callback (PayFiP «urlnotif»). */
  notifyUrl: string;
  regie: { payfipNumcli: string | null; payfipMode: 'T' | 'X' | 'W' | null };
  createdAt: Date;
}

export interface CreatedPayment {
  /** PayFiP idOp, or the sandbox payment's id. */
  providerRef: string;
  /** Where to send the payer's browser. */
  redirectUrl: string;
}

export type ProviderStatus =
  | { kind: 'paid'; code: string; authorisation?: string; paidAt?: Date }
  | { kind: 'refused'; code: string }
  | { kind: 'abandoned'; code: string }
  | { kind: 'pending'; code: string }
  | { kind: 'expired'; code: string };

export interface PaymentProvider {
  readonly name: 'sandbox' | 'payfip';
  create(input: CreatePaymentInput): Promise<CreatedPayment>;
  /** The authoritative status, read from the provider (never from a callback body). */
  status(providerRef: string, createdAt: Date, now: Date): Promise<ProviderStatus>;
}

/**
 * The provider refused the request for good (unknown client number, amount out of bounds, bad
 * reference…): trying again cannot help. Any other error means «not reachable now, retry».
 * Its `name` is what a Temporal retry policy lists in `nonRetryableErrorTypes`.
 */
export class PermanentProviderError extends Error {
  override readonly name = 'PermanentProviderError';

  constructor(
    message: string,
    /** The provider's own code (PayFiP: T1, M3, R3…), when it gave one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

const REFERENCE = /^[A-Za-z0-9]{6,30}$/;

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * What every provider requires of a payment (PayFiP's rules, which the sandbox applies too so that
 * development meets them first): throws PermanentProviderError, since the same request would fail again.
 */
export function assertPayableInput(input: Pick<CreatePaymentInput, 'reference' | 'amountCents' | 'returnUrl' | 'notifyUrl'>): void {
  if (!REFERENCE.test(input.reference)) {
    throw new PermanentProviderError(`Référence de paiement invalide : « ${input.reference} » (6 à 30 lettres ou chiffres).`);
  }
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents < 1) {
    throw new PermanentProviderError(`Montant invalide : ${input.amountCents} (un nombre entier de centimes, au moins 1).`);
  }
  if (!isWebUrl(input.notifyUrl) || !isWebUrl(input.returnUrl)) {
    throw new PermanentProviderError('Les adresses de notification et de retour doivent être des URL http(s) absolues.');
  }
}

/**
 * How long PayFiP keeps an unanswered payment open: within it «P5» means the payer may still be on
 * the card page; past it the payment will never happen (DESIGN.md, «Invoices and payment»).
 */
export const PAYMENT_EXPIRY_MS = 20 * 60_000;

/** What `recupererDetailPaiementSecurise` answered: a transaction result, or a fault's code. */
export type PayfipAnswer =
  | { kind: 'result'; resultrans: string; numauto?: string; paidAt?: Date }
  | { kind: 'fault'; code: string };

/**
 * PayFiP's answer as a payment status. resultrans P (card) or V (direct debit) is paid, R or Z
 * refused, A abandoned; fault P5 («résultat non connu») is pending for 20 minutes after creation
 * and expired after; P1 (idOp unknown: never reached the card page, purged at night) is expired.
 * Anything else is not a status this code understands: it throws a plain (retryable) error, so the
 * payment stays open and the failure shows instead of being turned into a wrong decision.
 */
export function interpretPayfipResult(answer: PayfipAnswer, createdAt: Date, now: Date): ProviderStatus {
  if (answer.kind === 'fault') {
    switch (answer.code) {
      case 'P5':
        return now.getTime() - createdAt.getTime() < PAYMENT_EXPIRY_MS
          ? { kind: 'pending', code: 'P5' }
          : { kind: 'expired', code: 'P5' };
      case 'P1':
        return { kind: 'expired', code: 'P1' };
      default:
        throw new Error(`Erreur PayFiP inattendue à la lecture d'un paiement : ${answer.code}`);
    }
  }
  switch (answer.resultrans) {
    case 'P':
    case 'V':
      return {
        kind: 'paid',
        code: answer.resultrans,
        ...(answer.numauto ? { authorisation: answer.numauto } : {}),
        ...(answer.paidAt ? { paidAt: answer.paidAt } : {}),
      };
    case 'R':
    case 'Z':
      return { kind: 'refused', code: answer.resultrans };
    case 'A':
      return { kind: 'abandoned', code: 'A' };
    default:
      throw new Error(`Résultat de transaction PayFiP inconnu : « ${answer.resultrans} »`);
  }
}
