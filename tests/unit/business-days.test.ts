import {
  HOLIDAY_ZONES,
  type HolidayZone,
  addBusinessDays,
  businessDaysBetween,
  isBusinessDay,
  isHolidayZone,
  isOverdue,
  timeZoneOf,
} from '../../domain/business-days';

/** Noon in Paris on a calendar day: far from midnight, so the day is unambiguous in any season. */
const parisNoon = (day: string) => new Date(`${day}T12:00:00+0${isSummer(day) ? 2 : 1}:00`);
// Paris summer time in 2025–2028, from the last Sunday of March to the last Sunday of October.
const isSummer = (day: string) =>
  (day >= '2025-03-30' && day < '2025-10-26') ||
  (day >= '2026-03-29' && day < '2026-10-25') ||
  (day >= '2027-03-28' && day < '2027-10-31') ||
  (day >= '2028-03-26' && day < '2028-10-29');

const iso = (d: Date) => d.toISOString();
/** The deadline, as an ISO string, of something started at `start` with `days` business days. */
const due = (start: string, days: number, zone: HolidayZone = 'FR') =>
  iso(addBusinessDays(new Date(start), days, zone));

describe('holiday zones', () => {
  it('lists métropole, Alsace-Moselle and the overseas departments with French labels', () => {
    expect(HOLIDAY_ZONES.map((z) => z.code)).toEqual([
      'FR',
      'FR-57',
      'FR-67',
      'FR-68',
      'FR-GP',
      'FR-MQ',
      'FR-GF',
      'FR-RE',
      'FR-YT',
      'FR-MF',
      'FR-BL',
    ]);
    expect(HOLIDAY_ZONES.find((z) => z.code === 'FR')?.label).toBe('France métropolitaine');
    expect(HOLIDAY_ZONES.find((z) => z.code === 'FR-RE')?.label).toBe('La Réunion');
    for (const z of HOLIDAY_ZONES) expect(z.label).toMatch(/^\p{Lu}/u);
  });

  it.each([
    ['FR', true],
    ['FR-57', true],
    ['FR-GP', true],
    ['FR-75', false],
    ['fr', false],
    ['57', false],
    ['', false],
    [57, false],
    [undefined, false],
    [null, false],
    [{ code: 'FR' }, false],
  ])('isHolidayZone(%p) is %p', (x, expected) => {
    expect(isHolidayZone(x)).toBe(expected);
  });

  it('counts days in Paris time in métropole and Alsace-Moselle, local time overseas', () => {
    expect(timeZoneOf('FR')).toBe('Europe/Paris');
    expect(timeZoneOf('FR-67')).toBe('Europe/Paris');
    expect(timeZoneOf('FR-GP')).toBe('America/Guadeloupe');
    expect(timeZoneOf('FR-RE')).toBe('Indian/Reunion');
  });

  it('refuses an unknown zone', () => {
    const unknown = 'FR-75' as HolidayZone;
    expect(() => isBusinessDay(parisNoon('2026-05-11'), unknown)).toThrow('Zone de jours fériés inconnue');
  });
});

describe('isBusinessDay in métropole', () => {
  it.each(['2026-05-11', '2026-05-12', '2026-05-13', '2026-05-15', '2026-05-18', '2026-04-03', '2025-12-26'])(
    '%s is a business day',
    (day) => {
      expect(isBusinessDay(parisNoon(day), 'FR')).toBe(true);
    },
  );

  it.each(['2026-05-16', '2026-05-17', '2026-03-29', '2026-10-25'])('%s (weekend) is not', (day) => {
    expect(isBusinessDay(parisNoon(day), 'FR')).toBe(false);
  });

  it.each([
    ['2026-01-01', 'Jour de l’an'],
    ['2026-04-06', 'Lundi de Pâques'],
    ['2026-05-01', 'Fête du travail'],
    ['2026-05-08', 'Victoire 1945'],
    ['2026-05-14', 'Ascension'],
    ['2026-05-25', 'Lundi de Pentecôte'],
    ['2026-07-14', 'Fête nationale'],
    ['2026-11-11', 'Armistice'],
    ['2026-12-25', 'Noël'],
    ['2027-03-29', 'Lundi de Pâques 2027'],
    ['2027-05-06', 'Ascension 2027'],
    ['2027-05-17', 'Lundi de Pentecôte 2027'],
    ['2027-11-01', 'Toussaint 2027'],
    ['2027-11-11', 'Armistice 2027'],
  ])('%s (%s) is a public holiday', (day) => {
    expect(isBusinessDay(parisNoon(day), 'FR')).toBe(false);
  });

  it('takes the calendar day in Paris, not in UTC', () => {
    // 8 May 2026 00:30 in Paris is still 7 May in UTC.
    expect(isBusinessDay(new Date('2026-05-07T22:30:00Z'), 'FR')).toBe(false);
    expect(isBusinessDay(new Date('2026-05-07T21:59:59.999Z'), 'FR')).toBe(true);
    // Sunday 23:30 in UTC is Monday 00:30 in Paris (winter) / 01:30 (summer).
    expect(isBusinessDay(new Date('2026-01-11T23:30:00Z'), 'FR')).toBe(true);
    expect(isBusinessDay(new Date('2026-05-10T22:30:00Z'), 'FR')).toBe(true);
    // Friday 23:30 UTC in winter is already Saturday in Paris.
    expect(isBusinessDay(new Date('2026-01-09T23:30:00Z'), 'FR')).toBe(false);
    expect(isBusinessDay(new Date('2026-01-09T22:59:59.999Z'), 'FR')).toBe(true);
  });
});

describe('isBusinessDay in Alsace-Moselle', () => {
  it.each(['FR-57', 'FR-67', 'FR-68'] as const)('%s also rests on Good Friday and 26 December', (zone) => {
    expect(isBusinessDay(parisNoon('2026-04-03'), zone)).toBe(false);
    expect(isBusinessDay(parisNoon('2025-12-26'), zone)).toBe(false);
    expect(isBusinessDay(parisNoon('2027-03-26'), zone)).toBe(false);
    expect(isBusinessDay(parisNoon('2026-05-25'), zone)).toBe(false);
    expect(isBusinessDay(parisNoon('2026-04-02'), zone)).toBe(true);
  });
});

describe('isBusinessDay overseas', () => {
  // Each department's day of the abolition of slavery, on a weekday, which métropole works.
  it.each([
    ['FR-GP', '2026-05-27T12:00:00-04:00'],
    ['FR-MQ', '2026-05-22T12:00:00-04:00'],
    ['FR-GF', '2026-06-10T12:00:00-03:00'],
    ['FR-RE', '2027-12-20T12:00:00+04:00'],
    ['FR-YT', '2026-04-27T12:00:00+03:00'],
    ['FR-MF', '2026-05-27T12:00:00-04:00'],
    ['FR-BL', '2026-10-09T12:00:00-04:00'],
  ] as const)('%s rests on its own holiday %s', (zone, instant) => {
    expect(isBusinessDay(new Date(instant), zone)).toBe(false);
    expect(isBusinessDay(new Date(instant), 'FR')).toBe(true);
  });

  it('counts observances and bank holidays as working days', () => {
    // Jour de Victor Schoelcher is «optional» in date-holidays; Good Friday is a bank holiday in
    // Saint-Barthélemy.
    expect(isBusinessDay(new Date('2026-07-21T12:00:00-04:00'), 'FR-GP')).toBe(true);
    expect(isBusinessDay(new Date('2026-04-03T12:00:00-04:00'), 'FR-BL')).toBe(true);
    expect(isBusinessDay(new Date('2026-04-03T12:00:00-04:00'), 'FR-GP')).toBe(false);
  });

  it('uses the local day: Friday evening in Guadeloupe is Saturday in Paris', () => {
    const fridayEvening = new Date('2026-05-15T22:00:00-04:00');
    expect(isBusinessDay(fridayEvening, 'FR-GP')).toBe(true);
    expect(isBusinessDay(fridayEvening, 'FR')).toBe(false);
  });
});

describe('addBusinessDays from a business day: same wall-clock time', () => {
  it.each([
    ['plain week, Friday → Tuesday', '2026-05-15T15:00:00+02:00', 2, '2026-05-19T15:00:00+02:00'],
    ['Monday → Wednesday', '2026-05-04T09:30:00+02:00', 2, '2026-05-06T09:30:00+02:00'],
    ['over Ascension Thursday', '2026-05-13T16:00:00+02:00', 1, '2026-05-15T16:00:00+02:00'],
    ['over Ascension, 3 days', '2026-05-11T09:30:00+02:00', 3, '2026-05-15T09:30:00+02:00'],
    ['Ascension then weekend', '2026-05-13T16:00:00+02:00', 2, '2026-05-18T16:00:00+02:00'],
    ['over Whit Monday', '2026-05-22T10:00:00+02:00', 1, '2026-05-26T10:00:00+02:00'],
    ['over Easter Monday', '2026-04-03T11:00:00+02:00', 1, '2026-04-07T11:00:00+02:00'],
    ['over 1 May (a Friday)', '2026-04-30T12:00:00+02:00', 1, '2026-05-04T12:00:00+02:00'],
    ['over 8 May (a Friday)', '2026-05-07T12:00:00+02:00', 1, '2026-05-11T12:00:00+02:00'],
    ['over 14 July (a Tuesday)', '2026-07-13T08:00:00+02:00', 1, '2026-07-15T08:00:00+02:00'],
    ['over 11 November (a Wednesday)', '2026-11-10T17:00:00+01:00', 1, '2026-11-12T17:00:00+01:00'],
    ['11 November 2027, a Thursday', '2027-11-10T17:00:00+01:00', 2, '2027-11-15T17:00:00+01:00'],
    ['Toussaint 2027 on a Monday', '2027-10-29T10:00:00+02:00', 1, '2027-11-02T10:00:00+01:00'],
    ['Christmas 2026 on a Friday', '2026-12-24T11:00:00+01:00', 1, '2026-12-28T11:00:00+01:00'],
    ['a two-week delay', '2026-06-01T10:00:00+02:00', 10, '2026-06-15T10:00:00+02:00'],
  ])('%s', (_label, start, days, expected) => {
    expect(iso(addBusinessDays(new Date(start), days, 'FR'))).toBe(iso(new Date(expected)));
  });

  it('keeps the wall-clock time across the spring change (last Sunday of March)', () => {
    const start = new Date('2026-03-27T15:00:00+01:00');
    const deadline = addBusinessDays(start, 2, 'FR');
    expect(iso(deadline)).toBe('2026-03-31T13:00:00.000Z');
    expect(deadline.getTime() - start.getTime()).toBe(4 * 86_400_000 - 3_600_000);
  });

  it('keeps the wall-clock time across the autumn change (last Sunday of October)', () => {
    const start = new Date('2026-10-23T15:00:00+02:00');
    const deadline = addBusinessDays(start, 2, 'FR');
    expect(iso(deadline)).toBe('2026-10-27T14:00:00.000Z');
    expect(deadline.getTime() - start.getTime()).toBe(4 * 86_400_000 + 3_600_000);
  });

  it('uses the offset of the deadline day, not of the day before, right after a change', () => {
    // Monday 00:30 follows the Sunday of the change by less than a day.
    expect(due('2026-10-23T00:30:00+02:00', 1)).toBe('2026-10-25T23:30:00.000Z');
    expect(due('2026-03-27T01:00:00+01:00', 1)).toBe('2026-03-29T23:00:00.000Z');
  });

  it('keeps the time of an early-morning start across the autumn change', () => {
    expect(due('2027-10-29T00:30:00+02:00', 1)).toBe('2027-11-01T23:30:00.000Z');
  });

  it('crosses the year boundary and New Year’s Day', () => {
    expect(due('2025-12-31T10:00:00+01:00', 1)).toBe('2026-01-02T09:00:00.000Z');
    expect(due('2026-12-31T10:00:00+01:00', 1)).toBe('2027-01-04T09:00:00.000Z');
    expect(due('2027-12-31T10:00:00+01:00', 2)).toBe('2028-01-04T09:00:00.000Z');
  });

  it('keeps milliseconds', () => {
    expect(due('2026-05-15T15:00:00.123+02:00', 2)).toBe('2026-05-19T13:00:00.123Z');
  });

  it('takes the Paris day of a late-evening instant', () => {
    // Friday 23:30 in Paris is 21:30 UTC: still Friday.
    expect(due('2026-05-15T21:30:00Z', 2)).toBe('2026-05-19T21:30:00.000Z');
  });

  it('uses the zone’s own holidays', () => {
    const thursday = new Date('2026-04-02T14:00:00+02:00');
    expect(iso(addBusinessDays(thursday, 1, 'FR'))).toBe('2026-04-03T12:00:00.000Z');
    expect(iso(addBusinessDays(thursday, 1, 'FR-57'))).toBe('2026-04-07T12:00:00.000Z');

    const christmasEve = new Date('2025-12-24T11:00:00+01:00');
    expect(iso(addBusinessDays(christmasEve, 1, 'FR'))).toBe('2025-12-26T10:00:00.000Z');
    expect(iso(addBusinessDays(christmasEve, 1, 'FR-68'))).toBe('2025-12-29T10:00:00.000Z');

    const beforeAbolition = new Date('2026-05-22T10:00:00-04:00');
    expect(iso(addBusinessDays(beforeAbolition, 2, 'FR-GP'))).toBe('2026-05-28T14:00:00.000Z');
  });

  it('keeps the local wall-clock time overseas', () => {
    const friday = new Date('2027-12-17T09:00:00+04:00');
    expect(iso(addBusinessDays(friday, 1, 'FR-RE'))).toBe('2027-12-21T05:00:00.000Z');
    expect(iso(addBusinessDays(friday, 1, 'FR'))).toBe('2027-12-20T05:00:00.000Z');
  });
});

describe('addBusinessDays from a weekend or holiday: end of the n-th business day', () => {
  it.each([
    ['Saturday', '2026-05-16T10:00:00+02:00', 2, '2026-05-19T21:59:59.999Z'],
    ['Sunday night', '2026-05-17T23:59:00+02:00', 2, '2026-05-19T21:59:59.999Z'],
    ['Friday 00:30 Saturday in Paris', '2026-05-15T22:30:00Z', 2, '2026-05-19T21:59:59.999Z'],
    ['Ascension Thursday', '2026-05-14T09:00:00+02:00', 1, '2026-05-15T21:59:59.999Z'],
    ['Whit Monday', '2026-05-25T09:00:00+02:00', 1, '2026-05-26T21:59:59.999Z'],
    ['Sunday of the spring change', '2026-03-29T10:00:00+02:00', 1, '2026-03-30T21:59:59.999Z'],
    ['Saturday before the spring change', '2026-03-28T10:00:00+01:00', 1, '2026-03-30T21:59:59.999Z'],
    ['Saturday before the autumn change', '2026-10-24T10:00:00+02:00', 1, '2026-10-26T22:59:59.999Z'],
    ['Sunday of the autumn change', '2026-10-25T02:30:00+01:00', 2, '2026-10-27T22:59:59.999Z'],
    ['New Year’s Day', '2027-01-01T10:00:00+01:00', 1, '2027-01-04T22:59:59.999Z'],
    ['Saturday 1 January 2028', '2028-01-01T10:00:00+01:00', 2, '2028-01-04T22:59:59.999Z'],
  ])('%s', (_label, start, days, expected) => {
    expect(iso(addBusinessDays(new Date(start), days, 'FR'))).toBe(expected);
  });

  it('never gives a weekend request an earlier deadline than the Friday before', () => {
    const friday = new Date('2026-05-15T23:59:00+02:00');
    const saturday = new Date('2026-05-16T00:00:00+02:00');
    for (const days of [1, 2, 5]) {
      const fromSaturday = addBusinessDays(saturday, days, 'FR').getTime();
      expect(fromSaturday).toBeGreaterThan(addBusinessDays(friday, days, 'FR').getTime());
    }
  });

  it('ends a Guadeloupe deadline at local midnight', () => {
    expect(due('2026-05-16T10:00:00-04:00', 2, 'FR-GP')).toBe('2026-05-20T03:59:59.999Z');
  });
});

describe('addBusinessDays arguments', () => {
  it('returns the start itself for 0 days, as a new Date', () => {
    const start = new Date('2026-05-16T10:00:00+02:00');
    const deadline = addBusinessDays(start, 0, 'FR');
    expect(deadline).not.toBe(start);
    expect(deadline.getTime()).toBe(start.getTime());
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %p days', (days) => {
    const monday = parisNoon('2026-05-11');
    expect(() => addBusinessDays(monday, days, 'FR')).toThrow('Nombre de jours ouvrés invalide');
  });

  it('refuses an invalid date', () => {
    expect(() => addBusinessDays(new Date('not a date'), 2, 'FR')).toThrow('Date invalide');
  });

  it('does not modify the start', () => {
    const start = new Date('2026-05-15T15:00:00+02:00');
    addBusinessDays(start, 2, 'FR');
    expect(iso(start)).toBe('2026-05-15T13:00:00.000Z');
  });
});

describe('businessDaysBetween', () => {
  it.each([
    ['same day', '2026-05-11T08:00:00+02:00', '2026-05-11T18:00:00+02:00', 0],
    ['Friday → Monday', '2026-05-15T12:00:00+02:00', '2026-05-18T09:00:00+02:00', 1],
    ['Friday → Tuesday', '2026-05-15T12:00:00+02:00', '2026-05-19T09:00:00+02:00', 2],
    ['Monday → Friday over Ascension', '2026-05-11T12:00:00+02:00', '2026-05-15T12:00:00+02:00', 3],
    ['Saturday → Sunday', '2026-05-16T12:00:00+02:00', '2026-05-17T12:00:00+02:00', 0],
    ['backwards', '2026-05-19T09:00:00+02:00', '2026-05-15T12:00:00+02:00', -2],
    ['Paris midnight counts, not UTC', '2026-05-15T12:00:00+02:00', '2026-05-17T22:30:00Z', 1],
  ])('%s', (_label, from, to, expected) => {
    expect(businessDaysBetween(new Date(from), new Date(to), 'FR')).toBe(expected);
  });

  it('counts the business days of a whole year', () => {
    const from = parisNoon('2025-12-31');
    const to = parisNoon('2026-12-31');
    // 2026 has 261 weekdays; 9 holidays fall on one in métropole, Good Friday adds one in Alsace-Moselle.
    expect(businessDaysBetween(from, to, 'FR')).toBe(252);
    expect(businessDaysBetween(from, to, 'FR-57')).toBe(251);
  });

  it('measures back the n given to addBusinessDays, from any kind of start', () => {
    const starts = [
      '2026-05-15T15:00:00+02:00',
      '2026-05-16T10:00:00+02:00',
      '2026-05-14T09:00:00+02:00',
      '2026-03-27T23:59:00+01:00',
      '2026-12-24T00:00:00+01:00',
    ];
    for (const zone of ['FR', 'FR-57', 'FR-GP'] as const) {
      for (const s of starts) {
        for (const n of [1, 2, 3, 7, 30]) {
          const deadline = addBusinessDays(new Date(s), n, zone);
          expect(businessDaysBetween(new Date(s), deadline, zone)).toBe(n);
          expect(isBusinessDay(deadline, zone)).toBe(true);
        }
      }
    }
  });
});

describe('isOverdue', () => {
  const deadline = new Date('2026-05-19T13:00:00Z');
  it('is not overdue before or at the deadline, and is after it', () => {
    expect(isOverdue(deadline, new Date('2026-05-19T12:59:59.999Z'))).toBe(false);
    expect(isOverdue(deadline, new Date('2026-05-19T13:00:00Z'))).toBe(false);
    expect(isOverdue(deadline, new Date('2026-05-19T13:00:00.001Z'))).toBe(true);
  });

  it('gives a weekend request until midnight of the last day', () => {
    const deadlineOfSaturday = addBusinessDays(new Date('2026-05-16T10:00:00+02:00'), 2, 'FR');
    expect(isOverdue(deadlineOfSaturday, new Date('2026-05-19T23:59:59+02:00'))).toBe(false);
    expect(isOverdue(deadlineOfSaturday, new Date('2026-05-20T00:00:00+02:00'))).toBe(true);
  });
});
