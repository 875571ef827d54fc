import {
  MAX_SEQUENCE,
  communePrefix,
  formatRequestNumber,
  parseRequestNumber,
  requestYear,
} from '../../domain/request-number';

describe('formatRequestNumber', () => {
  it.each([
    ['BEA', 2026, 123, 'BEA-2026-000123'],
    ['BEA', 2026, 1, 'BEA-2026-000001'],
    ['ANG', 2027, 999_999, 'ANG-2027-999999'],
    ['XYZ', 2030, 100_000, 'XYZ-2030-100000'],
  ])('%s %i %i → %s', (prefix, year, sequence, expected) => {
    expect(formatRequestNumber(prefix, year, sequence)).toBe(expected);
  });

  it('throws beyond 999 999 requests a year rather than printing seven digits', () => {
    expect(MAX_SEQUENCE).toBe(999_999);
    expect(() => formatRequestNumber('BEA', 2026, 1_000_000)).toThrow('ne tient pas sur six chiffres');
  });

  it.each([
    ['bea', 2026, 1],
    ['BE', 2026, 1],
    ['BEAU', 2026, 1],
    ['BÉA', 2026, 1],
    ['B3A', 2026, 1],
  ])('refuses the prefix «%s»', (prefix, year, sequence) => {
    expect(() => formatRequestNumber(prefix, year, sequence)).toThrow(
      'Préfixe de numéro de demande invalide',
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the sequence %p', (sequence) => {
    expect(() => formatRequestNumber('BEA', 2026, sequence)).toThrow("Numéro d'ordre de demande invalide");
  });

  it.each([999, 10_000, 2026.5])('refuses the year %p', (year) => {
    expect(() => formatRequestNumber('BEA', year, 1)).toThrow('Année de numéro de demande invalide');
  });
});

describe('parseRequestNumber', () => {
  const expected = { prefix: 'BEA', year: 2026, sequence: 123 };

  it.each([
    'BEA-2026-000123',
    'bea-2026-000123',
    'Bea-2026-000123',
    '  BEA-2026-000123  ',
    'BEA 2026 000123',
    'BEA 2026 000 123',
    'BEA - 2026 - 000123',
    'BEA–2026–000123', // en dash, as a word processor writes it
    'BEA—2026—000123',
    'BEA\u00a02026\u202f000123',
    'BEA2026000123',
    'bea2026123',
    'BEA-2026-123',
    'BEA/2026/000123',
    'BEA.2026.000123',
    'BEA_2026_000123',
    'BÉA-2026-000123',
    'N° BEA-2026-000123',
    'n°bea-2026-000123',
    'BEA--2026--000123',
    'B E A 2026 000123',
    'BEA-2026000123',
    'BEA2026-000123',
    'BEA-2026-000 123',
  ])('reads «%s»', (typed) => {
    expect(parseRequestNumber(typed)).toEqual(expected);
  });

  it('reads back whatever formatRequestNumber writes', () => {
    for (const [prefix, year, sequence] of [
      ['BEA', 2026, 1],
      ['ANG', 2031, 999_999],
      ['YXX', 2026, 42],
    ] as const) {
      expect(parseRequestNumber(formatRequestNumber(prefix, year, sequence))).toEqual(
        { prefix, year, sequence },
      );
    }
  });

  it.each([
    '',
    '   ',
    'BEA',
    'BEA-2026',
    'BEA-2026-',
    'BEA-2026-0000000',
    'BEA-2026-1234567',
    'BEA-2026-000000',
    'BEA-26-000123',
    'BEA-20 26-000123',
    'BEA-2026 000 0123',
    'BE-2026-000123',
    'BEAU-2026-000123',
    '123-2026-000123',
    'BEA-2026-00012A',
    'BEA-2026-000123-1',
    'BEA+2026+000123',
    'BEA-٢٠٢٦-000123', // Arabic-Indic digits are not the digits on paper
    'x'.repeat(200),
  ])('returns null for «%s»', (typed) => {
    expect(parseRequestNumber(typed)).toBeNull();
  });

  it('returns null for something that is not a string', () => {
    expect(parseRequestNumber(undefined as unknown as string)).toBeNull();
    expect(parseRequestNumber(123 as unknown as string)).toBeNull();
  });
});

describe('communePrefix', () => {
  it.each([
    ['beaucouze', 'BEA'],
    ['Beaucouzé', 'BEA'],
    ['angers', 'ANG'],
    ['ecouflant', 'ECO'],
    ['écouflant', 'ECO'],
    ['eaux', 'EAU'],
    ['saint-barthelemy-d-anjou', 'SAI'],
    ['le-plessis', 'LEP'],
    ['y', 'YXX'],
    ['ay', 'AYX'],
    ['a-1', 'AXX'],
    ['73-aix', 'AIX'],
    ['', 'XXX'],
  ])('%s → %s', (slug, prefix) => {
    expect(communePrefix(slug)).toBe(prefix);
  });

  it('always gives a prefix formatRequestNumber accepts', () => {
    for (const slug of ['beaucouze', 'y', 'œuilly', '42', 'Île-d-Arz']) {
      expect(() => formatRequestNumber(communePrefix(slug), 2026, 1)).not.toThrow();
    }
  });
});

describe('requestYear', () => {
  it.each([
    ['2026-12-31T23:30:00Z', 2027], // already 1 January 00:30 in Paris (UTC+1 in winter)
    ['2026-12-31T22:59:59.999Z', 2026], // 23:59:59.999 in Paris
    ['2026-12-31T23:00:00Z', 2027], // midnight in Paris
    ['2026-01-01T00:30:00Z', 2026],
    ['2025-12-31T23:00:00Z', 2026],
    ['2026-07-14T12:00:00Z', 2026],
  ])('%s is in %i in Paris', (iso, year) => {
    expect(requestYear(new Date(iso))).toBe(year);
  });

  it('counts in the commune time zone when given one', () => {
    // 31 December 22:30 in Guadeloupe, when it is already 1 January in Paris.
    const date = new Date('2027-01-01T02:30:00Z');
    expect(requestYear(date)).toBe(2027);
    expect(requestYear(date, 'America/Guadeloupe')).toBe(2026);
  });

  it('refuses an invalid date', () => {
    expect(() => requestYear(new Date('not a date'))).toThrow('Date de demande invalide.');
  });
});
