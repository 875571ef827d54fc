import { XMLParser } from 'fast-xml-parser';
import {
  buildCreerPaiementSecuriseEnvelope,
  buildRecupererDetailPaiementSecuriseEnvelope,
  creerPaiementSecuriseArgs,
  escapeXml,
  parseCreerPaiementSecuriseResponse,
  parseRecupererDetailPaiementSecuriseResponse,
  payfipObjet,
  payfipTransactionDate,
  PAYFIP_SERVICE_NAMESPACE,
  type CreerPaiementSecuriseArgs,
} from '../../payments/payfip';
import { interpretPayfipResult, PAYMENT_EXPIRY_MS, PermanentProviderError, type CreatePaymentInput } from '../../payments/provider';

const created = new Date('2026-03-02T10:00:00.000Z');
const after = (ms: number) => new Date(created.getTime() + ms);

describe('interpretPayfipResult', () => {
  it.each([
    ['P', 'paid'],
    ['V', 'paid'],
    ['R', 'refused'],
    ['Z', 'refused'],
    ['A', 'abandoned'],
  ])('resultrans %s → %s, with the code kept', (resultrans, kind) => {
    expect(interpretPayfipResult({ kind: 'result', resultrans }, created, after(60_000))).toEqual({ kind, code: resultrans });
  });

  it('a payment carries its authorisation number and time when PayFiP gives them', () => {
    const paidAt = new Date('2026-03-02T10:05:00.000Z');
    expect(interpretPayfipResult({ kind: 'result', resultrans: 'P', numauto: 'A55A', paidAt }, created, after(1))).toEqual({
      kind: 'paid',
      code: 'P',
      authorisation: 'A55A',
      paidAt,
    });
  });

  it('P5 is pending for 20 minutes after creation, expired from the 20th minute on', () => {
    const p5 = { kind: 'fault', code: 'P5' } as const;
    expect(interpretPayfipResult(p5, created, created)).toEqual({ kind: 'pending', code: 'P5' });
    expect(interpretPayfipResult(p5, created, after(PAYMENT_EXPIRY_MS - 1))).toEqual({ kind: 'pending', code: 'P5' });
    expect(interpretPayfipResult(p5, created, after(PAYMENT_EXPIRY_MS))).toEqual({ kind: 'expired', code: 'P5' });
    expect(interpretPayfipResult(p5, created, after(3 * 3600_000))).toEqual({ kind: 'expired', code: 'P5' });
    expect(PAYMENT_EXPIRY_MS).toBe(20 * 60_000);
  });

  it('P1 (an idOp PayFiP does not know) is expired at once', () => {
    expect(interpretPayfipResult({ kind: 'fault', code: 'P1' }, created, after(1_000))).toEqual({ kind: 'expired', code: 'P1' });
  });

  it('an answer it does not understand is a retryable error, not a decision', () => {
    for (const answer of [{ kind: 'result', resultrans: 'X' } as const, { kind: 'fault', code: 'P3' } as const]) {
      let thrown: unknown;
      try {
        interpretPayfipResult(answer, created, after(1_000));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect(thrown).not.toBeInstanceOf(PermanentProviderError);
    }
  });
});

const input: CreatePaymentInput = {
  reference: 'BEA0000123',
  amountCents: 4250,
  email: 'camille.martin@example.fr',
  label: 'Factures Ville BEA0000123',
  returnUrl: 'https://demarches-beaucouze.example.fr/paiement/retour?p=12&x=<1>',
  notifyUrl: 'https://demarches-beaucouze.example.fr/paiement/notification',
  regie: { payfipNumcli: '012345', payfipMode: 'T' },
  createdAt: created,
};

describe('creerPaiementSecuriseArgs', () => {
  it('maps a payment to PayFiP’s fields (amount in cents, budget year in Paris time)', () => {
    expect(creerPaiementSecuriseArgs(input)).toEqual({
      exer: '2026',
      mel: 'camille.martin@example.fr',
      montant: '4250',
      numcli: '012345',
      objet: 'Factures Ville BEA0000123',
      refdet: 'BEA0000123',
      saisie: 'T',
      urlnotif: input.notifyUrl,
      urlredirect: input.returnUrl,
    });
    // 31 December, 23:30 UTC is already 1 January in Paris.
    expect(creerPaiementSecuriseArgs({ ...input, createdAt: new Date('2025-12-31T23:30:00Z') }).exer).toBe('2026');
  });

  it.each<[string, Partial<CreatePaymentInput>]>([
    ['a reference shorter than 6', { reference: 'BEA12' }],
    ['a reference longer than 30', { reference: 'B'.repeat(31) }],
    ['a reference with a dash', { reference: 'BEA-000123' }],
    ['a zero amount', { amountCents: 0 }],
    ['an amount in fractions of cents', { amountCents: 12.5 }],
    ['a régie without numcli', { regie: { payfipNumcli: null, payfipMode: 'W' } }],
    ['a numcli of 5 digits', { regie: { payfipNumcli: '12345', payfipMode: 'W' } }],
    ['a régie without mode', { regie: { payfipNumcli: '012345', payfipMode: null } }],
    ['an email without @', { email: 'camille.example.fr' }],
    ['a relative return URL', { returnUrl: '/paiement/retour' }],
    ['a notification URL in another scheme', { notifyUrl: 'ftp://example.fr/notif' }],
  ])('refuses for good %s', (_what, change) => {
    expect(() => creerPaiementSecuriseArgs({ ...input, ...change })).toThrow(PermanentProviderError);
  });
});

describe('payfipObjet', () => {
  it('keeps letters, digits and spaces only: accents off, apostrophes and hyphens as spaces', () => {
    expect(payfipObjet('Factures CCAS — l’école Saint-Éloi & cantine (été) n°12')).toBe('Factures CCAS l ecole Saint Eloi cantine ete n12');
  });

  it('is at most 100 characters', () => {
    const objet = payfipObjet(`Factures ${'périscolaire '.repeat(20)}`);
    expect(objet.length).toBeLessThanOrEqual(100);
    expect(objet).toMatch(/^Factures periscolaire periscolaire/);
    expect(objet).not.toMatch(/\s$/);
  });
});

const readXml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, htmlEntities: true });

describe('SOAP requests', () => {
  const args: CreerPaiementSecuriseArgs = {
    exer: '2026',
    mel: 'o\'brien+test@example.fr',
    montant: '4250',
    numcli: '012345',
    objet: 'Factures Ville BEA0000123',
    refdet: 'BEA0000123',
    saisie: 'T',
    urlnotif: 'https://portail.example.fr/paiement/notification',
    urlredirect: 'https://portail.example.fr/retour?a=1&b=<2>',
  };

  it('escapes the five XML specials and drops what XML cannot carry', () => {
    expect(escapeXml(`a&b<c>d"e'f\u0001g`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;fg');
  });

  it('creerPaiementSecurise: every field inside arg0, in the service’s namespace, escaped', () => {
    const envelope = buildCreerPaiementSecuriseEnvelope(args);
    expect(envelope).toContain(`xmlns:pai="${PAYFIP_SERVICE_NAMESPACE}"`);
    expect(envelope).toContain('<pai:creerPaiementSecurise><arg0>');
    expect(envelope).toContain('<urlredirect>https://portail.example.fr/retour?a=1&amp;b=&lt;2&gt;</urlredirect>');
    expect(envelope).toContain('<mel>o&apos;brien+test@example.fr</mel>');
    const parsed = readXml.parse(envelope, true) as { Envelope: { Body: { creerPaiementSecurise: { arg0: Record<string, string> } } } };
    expect(parsed.Envelope.Body.creerPaiementSecurise.arg0).toEqual(args);
  });

  it('creerPaiementSecurise leaves out an empty objet', () => {
    expect(buildCreerPaiementSecuriseEnvelope({ ...args, objet: '' })).not.toContain('<objet>');
  });

  it('recupererDetailPaiementSecurise asks with idOp (capital O)', () => {
    const envelope = buildRecupererDetailPaiementSecuriseEnvelope('81bdf4c0-8edb-11e5-99d5-00000a634c44');
    expect(envelope).toContain('<pai:recupererDetailPaiementSecurise><arg0><idOp>81bdf4c0-8edb-11e5-99d5-00000a634c44</idOp></arg0>');
    expect(() => readXml.parse(envelope, true)).not.toThrow();
  });
});

const SERVICE = PAYFIP_SERVICE_NAMESPACE;

function fault(type: string, code: string, libelle: string): string {
  return `<?xml version='1.0' encoding='UTF-8'?>
<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/">
  <S:Body>
    <S:Fault xmlns:ns4="http://www.w3.org/2003/05/soap-envelope">
      <faultcode>S:Server</faultcode>
      <faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.${type}</faultstring>
      <detail>
        <ns2:${type} xmlns:ns2="${SERVICE}">
          <code>${code}</code>
          <descriptif>${libelle}</descriptif>
          <libelle>${libelle}</libelle>
          <severite>2</severite>
        </ns2:${type}>
      </detail>
    </S:Fault>
  </S:Body>
</S:Envelope>`;
}

describe('SOAP answers', () => {
  it('creerPaiementSecurise: the idOp', () => {
    const xml = `<?xml version='1.0' encoding='UTF-8'?>
<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>
<ns2:creerPaiementSecuriseResponse xmlns:ns2="${SERVICE}"><return><idOp>6475fa10-b338-11e2-a082-001fe256bdfe</idOp></return></ns2:creerPaiementSecuriseResponse>
</S:Body></S:Envelope>`;
    expect(parseCreerPaiementSecuriseResponse(xml)).toEqual({ kind: 'ok', value: { idOp: '6475fa10-b338-11e2-a082-001fe256bdfe' } });
  });

  it('creerPaiementSecurise: a functional fault with its code', () => {
    expect(parseCreerPaiementSecuriseResponse(fault('FonctionnelleErreur', 'T1', 'Numéro client invalide.'))).toEqual({
      kind: 'fault',
      fault: {
        type: 'FonctionnelleErreur',
        code: 'T1',
        libelle: 'Numéro client invalide.',
        descriptif: 'Numéro client invalide.',
        severite: '2',
        faultstring: 'fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur',
      },
    });
  });

  it('recupererDetailPaiementSecurise: the transaction (response namespace, strings kept as sent)', () => {
    const xml = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<ns1:recupererDetailPaiementSecuriseResponse xmlns:ns1="${SERVICE}">
 <return xmlns:r="http://securite.service.tpa.cp.finances.gouv.fr/reponse">
  <r:dattrans>19112015</r:dattrans><r:exer>2015</r:exer><r:heurtrans>1735</r:heurtrans>
  <r:idOp>81bdf4c0-8edb-11e5-99d5-00000a634c44</r:idOp><r:mel>gerard.riviere@example.fr</r:mel>
  <r:montant>001500</r:montant><r:numauto>A55A</r:numauto><r:numcli>012345</r:numcli>
  <r:objet>Cantine &amp; garderie &#233;t&#xE9;</r:objet><r:refdet>123456789</r:refdet>
  <r:resultrans>P</r:resultrans><r:saisie>T</r:saisie>
 </return>
</ns1:recupererDetailPaiementSecuriseResponse></soapenv:Body></soapenv:Envelope>`;
    expect(parseRecupererDetailPaiementSecuriseResponse(xml)).toEqual({
      kind: 'ok',
      value: {
        idOp: '81bdf4c0-8edb-11e5-99d5-00000a634c44',
        resultrans: 'P',
        numauto: 'A55A',
        dattrans: '19112015',
        heurtrans: '1735',
        mel: 'gerard.riviere@example.fr',
        montant: '001500',
        refdet: '123456789',
        numcli: '012345',
        exer: '2015',
        objet: 'Cantine & garderie été',
        saisie: 'T',
      },
    });
  });

  it('recupererDetailPaiementSecurise: an empty numauto (a refusal) is absent', () => {
    const xml = `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:recupererDetailPaiementSecuriseResponse xmlns:ns2="${SERVICE}"><return><idOp>x1</idOp><numauto/><resultrans>R</resultrans></return></ns2:recupererDetailPaiementSecuriseResponse></S:Body></S:Envelope>`;
    const answer = parseRecupererDetailPaiementSecuriseResponse(xml);
    expect(answer.kind === 'ok' && answer.value).toMatchObject({ idOp: 'x1', resultrans: 'R', numauto: undefined });
  });

  it.each([
    ['FonctionnelleErreur', 'P5', 'Résultat de la transaction non connu.'],
    ['FonctionnelleErreur', 'P1', 'IdOp incorrect.'],
    ['TechIndisponibiliteErreur', '999', 'Service indisponible.'],
  ])('recupererDetailPaiementSecurise: %s %s', (type, code, libelle) => {
    expect(parseRecupererDetailPaiementSecuriseResponse(fault(type, code, libelle))).toMatchObject({
      kind: 'fault',
      fault: { type, code, libelle },
    });
  });

  it('a fault without one of PayFiP’s details is still a fault', () => {
    const xml = `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault><faultcode>S:Client</faultcode><faultstring>Cannot find dispatch method</faultstring></S:Fault></S:Body></S:Envelope>`;
    expect(parseCreerPaiementSecuriseResponse(xml)).toEqual({
      kind: 'fault',
      fault: { type: 'inconnue', code: '', faultstring: 'Cannot find dispatch method' },
    });
  });

  it.each([
    ['an HTML error page', '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['broken XML', '<S:Envelope><S:Body><ns2:creerPaiementSecuriseResponse>'],
    ['an empty answer', ''],
    ['an answer without idOp', `<S:Envelope><S:Body><creerPaiementSecuriseResponse><return/></creerPaiementSecuriseResponse></S:Body></S:Envelope>`],
  ])('%s is a retryable error', (_what, xml) => {
    let thrown: unknown;
    try {
      parseCreerPaiementSecuriseResponse(xml);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(PermanentProviderError);
  });
});

describe('payfipTransactionDate', () => {
  it('reads dattrans and heurtrans in Paris time, winter and summer', () => {
    expect(payfipTransactionDate('19112015', '1735')).toEqual(new Date('2015-11-19T16:35:00Z'));
    expect(payfipTransactionDate('15072026', '1200')).toEqual(new Date('2026-07-15T10:00:00Z'));
    // The night of the change to summer time: 03:30 exists only in CEST.
    expect(payfipTransactionDate('29032026', '0330')).toEqual(new Date('2026-03-29T01:30:00Z'));
  });

  it('is undefined when a part is missing or malformed', () => {
    expect(payfipTransactionDate(undefined, '1735')).toBeUndefined();
    expect(payfipTransactionDate('2015-11-19', '1735')).toBeUndefined();
    expect(payfipTransactionDate('19132015', '1735')).toBeUndefined();
    expect(payfipTransactionDate('19112015', '2575')).toBeUndefined();
  });
});
