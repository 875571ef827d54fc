import { formatEuros, parseEuros } from '../../domain/money';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

function codePoints(text: string): string[] {
  return [...text].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
}

describe('formatEuros', () => {
  it.each([
    [0, `0,00${NBSP}€`],
    [5, `0,05${NBSP}€`],
    [99, `0,99${NBSP}€`],
    [100, `1,00${NBSP}€`],
    [1250, `12,50${NBSP}€`],
    [99_999, `999,99${NBSP}€`],
    [100_000, `1${NBSP}000,00${NBSP}€`],
    [123_456, `1${NBSP}234,56${NBSP}€`],
    [100_000_000, `1${NBSP}000${NBSP}000,00${NBSP}€`],
    [123_456_789, `1${NBSP}234${NBSP}567,89${NBSP}€`],
  ])('%d cents → %j', (cents, expected) => {
    expect(formatEuros(cents)).toBe(expected);
  });

  it('writes 123456 cents with no-break spaces (U+00A0), code point by code point', () => {
    expect(codePoints(formatEuros(123456))).toEqual([
      'U+0031', // 1
      'U+00A0', // no-break space between thousands
      'U+0032',
      'U+0033',
      'U+0034',
      'U+002C', // decimal comma
      'U+0035',
      'U+0036',
      'U+00A0', // no-break space before the sign
      'U+20AC', // €
    ]);
  });

  it('never uses an ordinary space, nor a narrow no-break space', () => {
    for (const cents of [0, 5, 100, 123456, 100_000_000]) {
      const text = formatEuros(cents);
      expect(text).not.toContain(' ');
      expect(text).not.toContain(NNBSP);
    }
  });

  it('writes the largest safe amount', () => {
    expect(formatEuros(Number.MAX_SAFE_INTEGER)).toBe(
      `90${NBSP}071${NBSP}992${NBSP}547${NBSP}409,91${NBSP}€`,
    );
  });

  it.each([-1, -100, 1.5, 0.1, 100.01, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    'throws on %p',
    (cents) => {
      expect(() => formatEuros(cents)).toThrow(`Montant invalide : ${cents}`);
    },
  );

  it('throws on what is not a number', () => {
    expect(() => formatEuros('100' as unknown as number)).toThrow(/Montant invalide/);
    expect(() => formatEuros(null as unknown as number)).toThrow(/Montant invalide/);
    expect(() => formatEuros(undefined as unknown as number)).toThrow(/Montant invalide/);
  });

  it('reads back what it writes', () => {
    for (const cents of [1, 5, 99, 100, 1250, 123456, 100_000_000, 999_999_999]) {
      expect(parseEuros(formatEuros(cents))).toBe(cents);
    }
  });
});

describe('parseEuros', () => {
  it.each<[string, number]>([
    ['12,50', 1250],
    ['12.50', 1250],
    ['12.5', 1250],
    ['12,5', 1250],
    ['12,05', 1205],
    ['0,01', 1],
    ['0.5', 50],
    ['1234', 123400],
    ['1', 100],
    ['1 234,56', 123456], // ordinary space
    [`1${NBSP}234,56`, 123456], // U+00A0
    [`1${NNBSP}234,56`, 123456], // U+202F, as Intl writes it in French
    [`1${NBSP}000${NBSP}000,00`, 100_000_000],
    ['12,50 €', 1250],
    [`12,50${NBSP}€`, 1250],
    ['12,50€', 1250],
    [' 7 ', 700],
    ['\t12,50\n', 1250],
    ['9999999', 999_999_900], // seven integer digits: the largest accepted
    ['9999999,99', 999_999_999],
  ])('%j → %d cents', (text, cents) => {
    expect(parseEuros(text)).toBe(cents);
  });

  it.each<[string, string]>([
    ['-3', 'negative: a credit note, not an invoice to pay'],
    ['-12,50', 'negative'],
    ['0', 'zero'],
    ['0,00', 'zero'],
    ['0.0', 'zero'],
    ['12,345', 'three decimals'],
    ['12.345', 'three decimals, or a thousands dot: ambiguous'],
    ['1.234,56', 'a thousands dot'],
    ['abc', 'not a number'],
    ['', 'empty'],
    ['   ', 'blank'],
    ['€', 'a sign alone'],
    ['1e3', 'exponent'],
    ['12,5,0', 'two separators'],
    ['12,', 'a separator without decimals'],
    [',50', 'decimals without euros'],
    ['12345678', 'more than 7 integer digits'],
    ['12345678,00', 'more than 7 integer digits, with decimals'],
    ['12 345 678', 'more than 7 integer digits, grouped'],
    ['€12,50', 'the sign in front'],
    ['12,50 EUR', 'another way to write the currency'],
    ['+12', 'a plus sign'],
    ['0x10', 'hexadecimal'],
    ['Infinity', 'Infinity'],
    ['١٢', 'non-ASCII digits'],
  ])('%j is refused (%s)', (text) => {
    expect(parseEuros(text)).toBeNull();
  });

  it.each([12.5, 1250, null, undefined, {}, ['12,50'], true])('refuses %p, which is not a string', (value) => {
    expect(parseEuros(value as unknown as string)).toBeNull();
  });

  it('always answers a positive safe integer of cents', () => {
    for (const text of ['0,01', '12.5', '1 234,56', '9999999,99']) {
      const cents = parseEuros(text);
      expect(Number.isSafeInteger(cents)).toBe(true);
      expect(cents).toBeGreaterThan(0);
    }
  });
});
