// The billing software's exports, read line by line: separators, BOM, quotes, line ends, header
// variants, dates, amounts in integer cents, one French message per refused line, numbers met twice.
import {
  EXPECTED_HEADER,
  InvoiceFileError,
  MAX_IMPORT_BYTES,
  MAX_INVOICE_LINES,
  normaliseColumnName,
  parseInvoiceCsv,
  parseInvoiceDate,
  parseInvoiceList,
  type ParsedInvoices,
} from '../../domain/invoice-import';

const HEADER = EXPECTED_HEADER;
const GOOD = 'F-0001;ville;amélie.lire;Restauration scolaire;Octobre 2026;03/11/2026;30/11/2026;42,50';

/** A file of the header and these lines, LF line ends. */
const csv = (...lines: string[]) => [HEADER, ...lines].join('\n') + '\n';

/** The message of the one refused line. */
function onlyRejection(parsed: ParsedInvoices): string {
  expect(parsed.lines).toEqual([]);
  expect(parsed.rejected).toHaveLength(1);
  return parsed.rejected[0].message;
}

const lineWith = (changes: Partial<Record<'numero' | 'regie' | 'compte' | 'service' | 'periode' | 'emission' | 'echeance' | 'montant', string>>) => {
  const v = {
    numero: 'F-0001', regie: 'ville', compte: 'amélie.lire', service: 'Restauration scolaire', periode: 'Octobre 2026',
    emission: '03/11/2026', echeance: '30/11/2026', montant: '42,50', ...changes,
  };
  return [v.numero, v.regie, v.compte, v.service, v.periode, v.emission, v.echeance, v.montant].join(';');
};

describe('parseInvoiceCsv: reading the file', () => {
  it('reads a semicolon export with a BOM and CRLF line ends into integer cents and ISO days', () => {
    const content = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from([HEADER, GOOD, 'F-0002;CCAS;Paul.Voisin@Example.fr;Aide sociale;Novembre 2026;2026-11-04;;7'].join('\r\n') + '\r\n'),
    ]);
    const parsed = parseInvoiceCsv(content);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.lines).toEqual([
      {
        line: 2, number: 'F-0001', regieCode: 'ville', account: 'amélie.lire', service: 'Restauration scolaire',
        periodLabel: 'Octobre 2026', issuedOn: '2026-11-03', dueOn: '2026-11-30', amountCents: 4250,
      },
      {
        line: 3, number: 'F-0002', regieCode: 'ccas', account: 'Paul.Voisin@Example.fr', service: 'Aide sociale',
        periodLabel: 'Novembre 2026', issuedOn: '2026-11-04', dueOn: null, amountCents: 700,
      },
    ]);
    expect(Number.isInteger(parsed.lines[0].amountCents)).toBe(true);
  });

  it('detects the comma separator; quoted fields keep their commas, doubled quotes and line breaks', () => {
    const content = [
      'numero,regie,compte,service,periode,date_emission,echeance,montant',
      'F-1,ville,amélie.lire,"Accueil périscolaire, matin et soir","Octobre ""2026""",03/11/2026,,"1 234,56"',
      'F-2,ville,amélie.lire,"Crèche',
      'multi-accueil",Octobre 2026,03/11/2026,,12.5',
      'F-3,ville,amélie.lire,Crèche,Octobre 2026,03/11/2026,,"-3,00"',
    ].join('\n');
    const parsed = parseInvoiceCsv(content);
    expect(parsed.lines.map((l) => [l.line, l.number, l.service, l.periodLabel, l.amountCents])).toEqual([
      [2, 'F-1', 'Accueil périscolaire, matin et soir', 'Octobre "2026"', 123456],
      // The line break inside the quotes is kept as a space; the record starts on line 3.
      [3, 'F-2', 'Crèche multi-accueil', 'Octobre 2026', 1250],
    ]);
    // The record after the two-line one starts on line 5.
    expect(parsed.rejected).toEqual([
      { line: 5, number: 'F-3', message: 'Montant négatif ou nul : -3,00 (un avoir ne se paie pas en ligne)' },
    ]);
  });

  it('takes the semicolon when the header has both, and reads a file without a final line break', () => {
    const parsed = parseInvoiceCsv(`${HEADER}\n${GOOD}`);
    expect(parsed.lines).toHaveLength(1);
    expect(parsed.lines[0].amountCents).toBe(4250);
  });

  it('accepts French variants of the header, in any order and case, with accents or not, and ignores other columns', () => {
    const content = [
      'Montant TTC;Échéance;N° de facture;Nom du payeur;RÉGIE;Identifiant;Prestation;Période facturée;Date d’émission',
      '15,00;;A/2026.7;Amélie Lire;Ville;amélie.lire;Cantine;Octobre 2026;01/10/2026',
    ].join('\n');
    const parsed = parseInvoiceCsv(content);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.lines[0]).toMatchObject({
      number: 'A/2026.7', regieCode: 'ville', account: 'amélie.lire', service: 'Cantine', periodLabel: 'Octobre 2026',
      issuedOn: '2026-10-01', dueOn: null, amountCents: 1500,
    });
  });

  it('normalises header names: case, accents, punctuation', () => {
    expect(normaliseColumnName(' Date d’émission ')).toBe('date_d_emission');
    expect(normaliseColumnName('N°')).toBe('n');
    expect(normaliseColumnName('Montant (€)')).toBe('montant');
    expect(normaliseColumnName('ÉCHÉANCE')).toBe('echeance');
  });

  it('skips blank lines, including the separators-only lines spreadsheets leave, and keeps physical line numbers', () => {
    const parsed = parseInvoiceCsv(`${HEADER}\n\n${GOOD}\n;;;;;;;\n${lineWith({ numero: 'F-0002' })}\n\n`);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.lines.map((l) => [l.line, l.number])).toEqual([[3, 'F-0001'], [5, 'F-0002']]);
  });

  it('uses the route’s régie when the file has no «regie» column', () => {
    const content = 'numero;compte;service;periode;date_emission;montant\nF-9;amélie.lire;Crèche;Mai 2026;02/06/2026;80\n';
    expect(parseInvoiceCsv(content, { defaultRegieCode: 'ccas' }).lines[0]).toMatchObject({ regieCode: 'ccas', amountCents: 8000 });
    expect(() => parseInvoiceCsv(content)).toThrow('Colonne manquante dans l’en-tête (première ligne) : « regie »');
  });

  it('reads a header-only file as no invoice', () => {
    expect(parseInvoiceCsv(`${HEADER}\r\n`)).toEqual({ lines: [], rejected: [] });
  });
});

describe('parseInvoiceCsv: files refused as a whole', () => {
  const refusal = (content: Buffer | string) => {
    try {
      parseInvoiceCsv(content);
    } catch (err) {
      expect(err).toBeInstanceOf(InvoiceFileError);
      return (err as Error).message;
    }
    throw new Error('fichier accepté');
  };

  it('an empty file', () => {
    expect(refusal('')).toBe('Le fichier est vide.');
    expect(refusal('\n\r\n')).toBe('Le fichier est vide.');
  });

  it('a header without the columns it needs, named in the message', () => {
    expect(refusal('numero;compte;service\nF-1;a.b;Crèche\n')).toBe(
      'Colonnes manquantes dans l’en-tête (première ligne) : « regie », « periode », « date_emission », « montant ». ' +
        `En-tête attendu : ${HEADER}.`,
    );
  });

  it('a column given twice', () => {
    expect(refusal(`${HEADER};total\n`)).toBe('La colonne « montant » figure deux fois dans l’en-tête.');
  });

  it('a file that is not UTF-8 (Windows-1252 accents), or a workbook instead of a CSV', () => {
    expect(refusal(Buffer.from(`${HEADER}\nF-1;ville;amélie.lire;Crèche;Été;01/07/2026;;10\n`, 'latin1'))).toBe(
      'Le fichier n’est pas encodé en UTF-8 : enregistrez-le au format « CSV UTF-8 » et recommencez.',
    );
    expect(refusal(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).toMatch(/classeur de tableur, pas un CSV/);
  });

  it('a quote never closed', () => {
    expect(refusal(`${HEADER}\n${GOOD}\nF-2;ville;"amélie.lire;Crèche;Mai;01/06/2026;;10\n`)).toBe(
      'Guillemet ouvert à la ligne 3 et jamais fermé : le fichier ne peut pas être lu.',
    );
  });

  it(`more than ${MAX_INVOICE_LINES} invoices, or more than 2 MB`, () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => lineWith({ numero: `F-${i + 1}` }));
    expect(parseInvoiceCsv(csv(...lines(MAX_INVOICE_LINES))).lines).toHaveLength(MAX_INVOICE_LINES);
    expect(refusal(csv(...lines(MAX_INVOICE_LINES + 1)))).toBe('Le fichier compte plus de 5\u202f000 factures : découpez-le en plusieurs fichiers.');
    expect(refusal(Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x41))).toBe('Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers.');
  });
});

describe('parseInvoiceCsv: one message per refused line', () => {
  it.each([
    [{ montant: '-12,50' }, 'Montant négatif ou nul : -12,50 (un avoir ne se paie pas en ligne)'],
    [{ montant: '12,50-' }, 'Montant négatif ou nul : 12,50- (un avoir ne se paie pas en ligne)'],
    [{ montant: '0,00' }, 'Montant négatif ou nul : 0,00 (un avoir ne se paie pas en ligne)'],
    [{ montant: '0' }, 'Montant négatif ou nul : 0 (un avoir ne se paie pas en ligne)'],
    [{ montant: 'douze' }, 'Montant invalide : douze (en euros, par exemple 12,50)'],
    [{ montant: '12,505' }, 'Montant invalide : 12,505 (en euros, par exemple 12,50)'],
    [{ montant: '12345678,00' }, 'Montant trop élevé : 12345678,00'],
    [{ montant: '' }, 'Montant manquant'],
    [{ numero: '' }, 'Numéro de facture manquant'],
    [{ numero: 'F 0001' }, 'Numéro de facture invalide : F 0001 (lettres, chiffres, « - », « _ », « . » et « / », 40 caractères au plus)'],
    [{ numero: 'F'.repeat(41) }, `Numéro de facture invalide : ${'F'.repeat(41)} (lettres, chiffres, « - », « _ », « . » et « / », 40 caractères au plus)`],
    [{ regie: ' ' }, 'Régie manquante'],
    [{ compte: '' }, 'Compte manquant'],
    [{ service: '' }, 'Service manquant'],
    [{ service: 'x'.repeat(101) }, 'Service trop long (100 caractères au plus)'],
    [{ periode: '' }, 'Période manquante'],
    [{ periode: 'x'.repeat(101) }, 'Période trop longue (100 caractères au plus)'],
    [{ emission: '' }, 'Date d’émission manquante'],
    [{ emission: '31/02/2026' }, 'Date d’émission invalide : 31/02/2026 (JJ/MM/AAAA ou AAAA-MM-JJ)'],
    [{ emission: '2026-11-3' }, 'Date d’émission invalide : 2026-11-3 (JJ/MM/AAAA ou AAAA-MM-JJ)'],
    [{ echeance: '2026-13-01' }, 'Date d’échéance invalide : 2026-13-01 (JJ/MM/AAAA ou AAAA-MM-JJ)'],
    [{ echeance: '02/11/2026' }, 'Échéance antérieure à la date d’émission : 02/11/2026'],
  ])('%j → %s', (changes, message) => {
    expect(onlyRejection(parseInvoiceCsv(csv(lineWith(changes))))).toBe(message);
  });

  it('gives every problem of a line, and its number when it has one', () => {
    const parsed = parseInvoiceCsv(csv(lineWith({ compte: '', montant: '-1' })));
    expect(parsed.rejected).toEqual([
      { line: 2, number: 'F-0001', message: 'Compte manquant ; Montant négatif ou nul : -1 (un avoir ne se paie pas en ligne)' },
    ]);
    expect(parseInvoiceCsv(csv(lineWith({ numero: '' }))).rejected[0]).not.toHaveProperty('number');
  });

  it('refuses a line cut by an unquoted decimal comma rather than reading a wrong amount', () => {
    const content = 'numero,regie,compte,service,periode,date_emission,echeance,montant\nF-1,ville,amélie.lire,Crèche,Mai,01/06/2026,,12,50\n';
    expect(onlyRejection(parseInvoiceCsv(content))).toBe(
      'La ligne compte 9 colonnes au lieu de 8 (un montant avec une virgule doit être entre guillemets quand le séparateur est la virgule)',
    );
  });

  it('refuses a line with cells missing', () => {
    expect(onlyRejection(parseInvoiceCsv(csv('F-1;ville;amélie.lire;Crèche;Mai;01/06/2026')))).toBe(
      'La ligne compte 6 colonnes au lieu de 8 ; Montant manquant',
    );
  });

  it('cleans text: NFC, control characters and repeated spaces out', () => {
    const decomposed = 'Cre\u0300che\u0007   collective\u200b';
    const [line] = parseInvoiceCsv(csv(lineWith({ service: decomposed }))).lines;
    expect(line.service).toBe('Crèche collective');
    expect(line.service).toBe(line.service.normalize('NFC'));
  });
});

describe('numbers met twice in one file', () => {
  it('reports the second occurrence, with the line of the first; case does not make another number', () => {
    const parsed = parseInvoiceCsv(csv(
      lineWith({ numero: 'F-1' }),
      lineWith({ numero: 'F-2' }),
      lineWith({ numero: 'f-1', montant: '10' }),
      lineWith({ numero: 'F-2' }),
    ));
    expect(parsed.lines.map((l) => l.number)).toEqual(['F-1', 'F-2']);
    expect(parsed.rejected).toEqual([
      { line: 4, number: 'f-1', message: 'Numéro en double dans le fichier : f-1 (déjà à la ligne 2)' },
      { line: 5, number: 'F-2', message: 'Numéro en double dans le fichier : F-2 (déjà à la ligne 3)' },
    ]);
  });

  it('counts a refused first occurrence too, and the same number in two régies is two invoices', () => {
    const parsed = parseInvoiceCsv(csv(
      lineWith({ numero: 'F-1', montant: '-5' }),
      lineWith({ numero: 'F-1' }),
      lineWith({ numero: 'F-1', regie: 'ccas' }),
    ));
    expect(parsed.lines.map((l) => [l.line, l.regieCode])).toEqual([[4, 'ccas']]);
    expect(parsed.rejected.map((r) => [r.line, r.message])).toEqual([
      [2, 'Montant négatif ou nul : -5 (un avoir ne se paie pas en ligne)'],
      [3, 'Numéro en double dans le fichier : F-1 (déjà à la ligne 2)'],
    ]);
  });
});

describe('parseInvoiceDate', () => {
  it.each([
    ['03/11/2026', '2026-11-03'],
    ['2026-11-03', '2026-11-03'],
    [' 29/02/2028 ', '2028-02-29'],
    ['3/1/2026', '2026-01-03'],
    ['29/02/2027', null],
    ['2026-02-30', null],
    ['1999-12-31', null],
    ['03-11-2026', null],
    ['2026/11/03', null],
    ['', null],
  ])('%s → %s', (text, expected) => {
    expect(parseInvoiceDate(text)).toBe(expected);
  });
});

describe('parseInvoiceList (the machine API’s JSON)', () => {
  const invoice = {
    number: 'F-1', account: 'amélie.lire', service: 'Crèche', periodLabel: 'Mai 2026', issuedOn: '2026-06-01', dueOn: '2026-06-30',
    amountCents: 8000,
  };

  it('reads each invoice with the route’s régie; a number sent as a JSON integer and a null due date are fine', () => {
    const parsed = parseInvoiceList({ invoices: [invoice, { ...invoice, number: 42, dueOn: null, issuedOn: '01/06/2026' }] }, 'ville');
    expect(parsed.rejected).toEqual([]);
    expect(parsed.lines).toEqual([
      { line: 1, number: 'F-1', regieCode: 'ville', account: 'amélie.lire', service: 'Crèche', periodLabel: 'Mai 2026', issuedOn: '2026-06-01', dueOn: '2026-06-30', amountCents: 8000 },
      { line: 2, number: '42', regieCode: 'ville', account: 'amélie.lire', service: 'Crèche', periodLabel: 'Mai 2026', issuedOn: '2026-06-01', dueOn: null, amountCents: 8000 },
    ]);
  });

  it('refuses amounts that are not a positive integer of cents, line by line', () => {
    const parsed = parseInvoiceList({
      invoices: [
        { ...invoice, number: 'A', amountCents: 12.5 },
        { ...invoice, number: 'B', amountCents: '1250' },
        { ...invoice, number: 'C', amountCents: -1250 },
        { ...invoice, number: 'D', amountCents: 0 },
        { ...invoice, number: 'E', amountCents: undefined },
        { ...invoice, number: 'F', amountCents: 1_000_000_000 },
        'F-7',
        { ...invoice, number: 'G', service: 12 },
        { ...invoice, number: 'A' },
      ],
    }, 'ville');
    expect(parsed.lines).toEqual([]);
    expect(parsed.rejected.map((r) => [r.line, r.message])).toEqual([
      [1, '« amountCents » doit être un nombre entier de centimes : 12.5'],
      [2, '« amountCents » doit être un nombre entier de centimes : "1250"'],
      [3, 'Montant négatif ou nul : -1250 centimes (un avoir ne se paie pas en ligne)'],
      [4, 'Montant négatif ou nul : 0 centimes (un avoir ne se paie pas en ligne)'],
      [5, 'Montant manquant (« amountCents »)'],
      [6, 'Montant trop élevé : 1000000000 centimes'],
      [7, 'Chaque facture doit être un objet JSON'],
      [8, '« service » doit être une chaîne de caractères ; Service manquant'],
      [9, 'Numéro en double dans l’envoi : A (déjà en position 1)'],
    ]);
  });

  it('refuses a body that is not { invoices: [...] }, or a list too long', () => {
    expect(() => parseInvoiceList([invoice], 'ville')).toThrow(InvoiceFileError);
    expect(() => parseInvoiceList({ factures: [invoice] }, 'ville')).toThrow('Le corps doit être un objet { "invoices": [...] }');
    expect(() => parseInvoiceList(undefined, 'ville')).toThrow(InvoiceFileError);
    const many = Array.from({ length: MAX_INVOICE_LINES + 1 }, (_, i) => ({ ...invoice, number: `F-${i}` }));
    expect(() => parseInvoiceList({ invoices: many }, 'ville')).toThrow('Au plus 5\u202f000 factures par envoi : découpez la liste.');
    expect(parseInvoiceList({ invoices: [] }, 'ville')).toEqual({ lines: [], rejected: [] });
  });
});
