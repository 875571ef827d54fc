import {
  MAX_IDENTIFIER_LENGTH,
  baseIdentifier,
  nextFreeIdentifier,
  normaliseIdentifier,
} from '../../domain/identifier';

const codePoints = (s: string) => [...s].length;

describe('baseIdentifier', () => {
  it.each([
    ['Amélie', 'Lire', 'amélie.lire'],
    ['AMÉLIE', 'LIRE', 'amélie.lire'],
    ['Zoé', 'Lefèvre', 'zoé.lefèvre'],
    ['François', 'Çelik', 'françois.çelik'],
    ['Anaïs', 'Müller', 'anaïs.müller'],
    ['Hélène', 'Brûlé', 'hélène.brûlé'],
    ['Bjørn', 'Øster', 'bjørn.øster'],
    ['Œdipe', 'Cœur', 'œdipe.cœur'],
  ])('keeps accents: %s %s → %s', (first, last, expected) => {
    expect(baseIdentifier(first, last)).toBe(expected);
  });

  it.each([
    ['Jean-Pierre', "D'Artagnan", 'jean-pierre.d-artagnan'],
    ['Jean-Pierre', 'D’Artagnan', 'jean-pierre.d-artagnan'],
    ['Jean-Pierre', 'Dʼartagnan', 'jean-pierre.d-artagnan'],
    ['Jean-Pierre', 'D‘Artagnan', 'jean-pierre.d-artagnan'],
    ['Marie Claire', 'de La Fontaine', 'marie-claire.de-la-fontaine'],
    ['Marie  Claire', 'de   la\tFontaine', 'marie-claire.de-la-fontaine'],
    ['  Amélie ', '  Lire  ', 'amélie.lire'],
    ['Jean--Pierre', "O' Brien", 'jean-pierre.o-brien'],
    ["-Jean-", "'Lire'", 'jean.lire'],
    ['J.-P.', 'Lire', 'j-p.lire'],
    ['Marie_Anne', 'Lire', 'marie-anne.lire'],
    ['Jean–Pierre', 'Lire', 'jean-pierre.lire'],
  ])('turns separators inside a name into one hyphen: %s %s → %s', (first, last, expected) => {
    expect(baseIdentifier(first, last)).toBe(expected);
  });

  it('gives the same identifier for decomposed (NFD) and composed (NFC) input', () => {
    const nfd = baseIdentifier('Ame\u0301lie', 'Le\u0300vre');
    expect(nfd).toBe('amélie.lèvre');
    expect(nfd).toBe(baseIdentifier('Amélie', 'Lèvre'));
    expect(nfd).toBe(nfd.normalize('NFC'));
    expect(nfd).toHaveLength('amélie.lèvre'.length);
  });

  it('does not depend on the Turkish locale: İ keeps its dot, ı stays dotless', () => {
    expect(baseIdentifier('İlker', 'Yılmaz')).toBe('i\u0307lker.yılmaz');
    expect(baseIdentifier('I\u0307lker', 'Yılmaz')).toBe('i\u0307lker.yılmaz');
    expect(baseIdentifier('Irmak', 'Işık')).toBe('irmak.işık');
  });

  it('keeps letters of any script', () => {
    expect(baseIdentifier('Νίκος', 'Παπάς')).toBe('νίκος.παπάς');
    expect(baseIdentifier('Дмитрий', 'Иванов')).toBe('дмитрий.иванов');
    expect(baseIdentifier('Nguyễn', 'Thị')).toBe('nguyễn.thị');
  });

  it.each([
    ['Amélie 😀', 'Lire', 'amélie.lire'],
    ['Amélie', 'Lire2', 'amélie.lire'],
    ['Louis XIV 14', 'de Bourbon', 'louis-xiv.de-bourbon'],
    ['Amélie!', 'Li(re)', 'amélie.lire'],
    ['👩‍👩‍👧 Amélie', 'Lire', 'amélie.lire'],
    ['Amélie', 'Lire@example.org', 'amélie.lireexample-org'],
  ])('strips emoji, digits and punctuation: %s %s → %s', (first, last, expected) => {
    expect(baseIdentifier(first, last)).toBe(expected);
  });

  it('drops an accent left without its letter', () => {
    expect(baseIdentifier('😀\u0301Amélie', 'Lire')).toBe('amélie.lire');
  });

  it.each([
    ['', 'Lire', 'prénom'],
    ['   ', 'Lire', 'prénom'],
    ['😀', 'Lire', 'prénom'],
    ['2024', 'Lire', 'prénom'],
    ["' - '", 'Lire', 'prénom'],
    ['Amélie', '', 'nom'],
    ['Amélie', '---', 'nom'],
  ])('refuses a name with no letter: «%s» «%s»', (first, last, which) => {
    const message = new RegExp(`^Le ${which} doit contenir au moins une lettre`);
    expect(() => baseIdentifier(first, last)).toThrow(message);
  });

  it('fits long names in MAX_IDENTIFIER_LENGTH by shortening the longer part', () => {
    const id = baseIdentifier('Amélie', 'Lire-'.repeat(40));
    expect(codePoints(id)).toBeLessThanOrEqual(MAX_IDENTIFIER_LENGTH);
    expect(id.startsWith('amélie.lire-lire')).toBe(true);
    expect(id.endsWith('-')).toBe(false);

    const both = baseIdentifier('é'.repeat(80), 'è'.repeat(80));
    expect(codePoints(both)).toBe(MAX_IDENTIFIER_LENGTH);
    const [a, b] = both.split('.');
    expect(Math.abs(codePoints(a) - codePoints(b))).toBeLessThanOrEqual(1);
  });

  it('never cuts an accent off its letter when shortening decomposed input', () => {
    const id = baseIdentifier('Amélie', 'e\u0301'.repeat(120));
    expect(id).toBe(`amélie.${'é'.repeat(MAX_IDENTIFIER_LENGTH - 7)}`);
  });

  it('does not shorten names that fit exactly', () => {
    const last = 'x'.repeat(MAX_IDENTIFIER_LENGTH - 'amélie.'.length);
    expect(baseIdentifier('Amélie', last)).toBe(`amélie.${last}`);
  });

  it.each([
    ['Amélie', 'Lire'],
    ['İlker', 'Yılmaz'],
    ['ΝΊΚΟΣ', 'ΠΑΠΆΣ'],
    ['Jean-Pierre', "D'Artagnan"],
    ['Дмитрий', 'Иванов'],
  ])('is already in normalised form: %s %s', (first, last) => {
    const id = baseIdentifier(first, last);
    expect(normaliseIdentifier(id)).toBe(id);
    expect(normaliseIdentifier(id.normalize('NFD'))).toBe(id);
  });

  it.each([
    ['Amélie', 'Lire'],
    ['ΝΊΚΟΣ', 'ΠΑΠΆΣ'],
    ['Jean-Pierre', "D'Artagnan"],
    ['Дмитрий', 'Иванов'],
  ])('is found again from the identifier typed in capitals: %s %s', (first, last) => {
    const id = baseIdentifier(first, last);
    expect(normaliseIdentifier(id.toUpperCase())).toBe(id);
    expect(normaliseIdentifier(id.toUpperCase().normalize('NFD'))).toBe(id);
  });
});

describe('normaliseIdentifier', () => {
  it.each([
    ['amélie.lire', 'amélie.lire'],
    ['Amélie.Lire', 'amélie.lire'],
    ['AMÉLIE.LIRE', 'amélie.lire'],
    ['  amélie.lire \n', 'amélie.lire'],
    ['AME\u0301LIE.LIRE', 'amélie.lire'],
    ['ame\u0301lie.lire2', 'amélie.lire2'],
  ])('compares login input in any case and form: %j → %s', (input, expected) => {
    expect(normaliseIdentifier(input)).toBe(expected);
  });

  it('keeps accents: amelie.lire is another identifier than amélie.lire', () => {
    expect(normaliseIdentifier('amelie.lire')).not.toBe(normaliseIdentifier('amélie.lire'));
  });

  it('lower-cases a Greek final sigma the same way in capitals and in the stored form', () => {
    expect(normaliseIdentifier('ΝΊΚΟΣ.ΠΑΠΆΣ')).toBe('νίκος.παπάς');
    expect(normaliseIdentifier('ΝΊΚΟΣ.ΠΑΠΆΣ2')).toBe('νίκος.παπάς2');
    expect(normaliseIdentifier('ΝΊΚΟΣ.ΠΑΠΆΣ')).toBe(baseIdentifier('Νίκος', 'Παπάς'));
  });

  it('maps İ the Unicode way whatever its form', () => {
    expect(normaliseIdentifier('İLKER.YILMAZ')).toBe('i\u0307lker.yilmaz');
    expect(normaliseIdentifier('I\u0307LKER.YILMAZ')).toBe('i\u0307lker.yilmaz');
  });
});

describe('nextFreeIdentifier', () => {
  it('returns the base when nobody has it', () => {
    expect(nextFreeIdentifier('amélie.lire', [])).toBe('amélie.lire');
    expect(nextFreeIdentifier('amélie.lire', ['amelie.lire', 'amélie.lire2'])).toBe('amélie.lire');
  });

  it('appends 2, 3… without separator on collision', () => {
    expect(nextFreeIdentifier('amélie.lire', ['amélie.lire'])).toBe('amélie.lire2');
    expect(nextFreeIdentifier('amélie.lire', ['amélie.lire', 'amélie.lire2'])).toBe('amélie.lire3');
    const many = ['amélie.lire', ...Array.from({ length: 10 }, (_, i) => `amélie.lire${i + 2}`)];
    expect(nextFreeIdentifier('amélie.lire', many)).toBe('amélie.lire12');
  });

  it('fills a gap left by a deleted account', () => {
    expect(nextFreeIdentifier('amélie.lire', ['amélie.lire', 'amélie.lire3'])).toBe('amélie.lire2');
  });

  it('compares taken identifiers after normalisation (case, NFD, spaces)', () => {
    expect(nextFreeIdentifier('amélie.lire', ['AME\u0301LIE.Lire'])).toBe('amélie.lire2');
    expect(nextFreeIdentifier('amélie.lire', [' Amélie.Lire ', 'ame\u0301lie.lire2'])).toBe('amélie.lire3');
    expect(nextFreeIdentifier('AME\u0301LIE.LIRE', ['amélie.lire'])).toBe('amélie.lire2');
  });

  it('accepts any iterable of taken identifiers', () => {
    function* taken() {
      yield 'amélie.lire';
      yield 'amélie.lire2';
    }
    expect(nextFreeIdentifier('amélie.lire', taken())).toBe('amélie.lire3');
    expect(nextFreeIdentifier('amélie.lire', new Set(['amélie.lire']))).toBe('amélie.lire2');
  });

  it('shortens a base at the maximum length to make room for the number', () => {
    const base = baseIdentifier('Amélie', 'x'.repeat(200));
    expect(codePoints(base)).toBe(MAX_IDENTIFIER_LENGTH);
    const second = nextFreeIdentifier(base, [base]);
    expect(codePoints(second)).toBe(MAX_IDENTIFIER_LENGTH);
    expect(second).toBe(`${base.slice(0, -1)}2`);
    const numbered = (n: number) => `${base.slice(0, -String(n).length)}${n}`;
    const taken = [base, ...Array.from({ length: 9 }, (_, i) => numbered(i + 2))];
    expect(taken[taken.length - 1]).toBe(`${base.slice(0, -2)}10`);
    const eleventh = nextFreeIdentifier(base, taken);
    expect(eleventh).toBe(`${base.slice(0, -2)}11`);
    expect(codePoints(eleventh)).toBe(MAX_IDENTIFIER_LENGTH);
  });

  it('refuses a base that is not prénom.nom', () => {
    expect(() => nextFreeIdentifier('amélie', [])).toThrow('Identifiant de base invalide');
    expect(() => nextFreeIdentifier('amélie.', [])).toThrow('Identifiant de base invalide');
    expect(() => nextFreeIdentifier('.lire', [])).toThrow('Identifiant de base invalide');
  });
});
