// Business days of a commune: Monday to Friday, minus the public holidays of its zone (métropole,
// Alsace-Moselle, or an overseas department), as `date-holidays` knows them for France.
//
// Days are counted in the commune's own wall-clock time: Europe/Paris for métropole and Alsace-Moselle,
// the local time zone overseas (a Saturday evening in Guadeloupe is already Sunday in Paris, and the
// agents who work there follow the local calendar). Only Intl is used for time zones, so the rules stay
// pure and behave the same in the API, the worker and tests.
import Holidays from 'date-holidays';

export const HOLIDAY_ZONES = [
  { code: 'FR', label: 'France métropolitaine', timeZone: 'Europe/Paris' },
  { code: 'FR-57', label: 'Moselle (Alsace-Moselle)', timeZone: 'Europe/Paris' },
  { code: 'FR-67', label: 'Bas-Rhin (Alsace-Moselle)', timeZone: 'Europe/Paris' },
  { code: 'FR-68', label: 'Haut-Rhin (Alsace-Moselle)', timeZone: 'Europe/Paris' },
  { code: 'FR-GP', label: 'Guadeloupe', timeZone: 'America/Guadeloupe' },
  { code: 'FR-MQ', label: 'Martinique', timeZone: 'America/Martinique' },
  { code: 'FR-GF', label: 'Guyane', timeZone: 'America/Cayenne' },
  { code: 'FR-RE', label: 'La Réunion', timeZone: 'Indian/Reunion' },
  { code: 'FR-YT', label: 'Mayotte', timeZone: 'Indian/Mayotte' },
  { code: 'FR-MF', label: 'Saint-Martin', timeZone: 'America/Marigot' },
  { code: 'FR-BL', label: 'Saint-Barthélemy', timeZone: 'America/St_Barthelemy' },
] as const;

export type HolidayZone = (typeof HOLIDAY_ZONES)[number]['code'];

const zonesByCode = new Map<string, (typeof HOLIDAY_ZONES)[number]>(HOLIDAY_ZONES.map((z) => [z.code, z]));

export function isHolidayZone(x: unknown): x is HolidayZone {
  return typeof x === 'string' && zonesByCode.has(x);
}

function zoneInfo(zone: HolidayZone): (typeof HOLIDAY_ZONES)[number] {
  const info = zonesByCode.get(zone);
  if (!info) throw new Error(`Zone de jours fériés inconnue : «${String(zone)}».`);
  return info;
}

/** The IANA time zone in which a commune of this zone counts its days. */
export function timeZoneOf(zone: HolidayZone): string {
  return zoneInfo(zone).timeZone;
}

// ---------------------------------------------------------------------------------------------------
// Calendar days and wall-clock time, with Intl only.

/** A calendar day, months 1–12. */
interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

interface WallTime extends CalendarDay {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallTimeAt(instant: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
    millisecond: ((instant % 1000) + 1000) % 1000,
  };
}

function wallAsUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
}

/** Offset of the zone from UTC at an instant, in ms (Paris in summer: +2 h). */
function offsetAt(instant: number, timeZone: string): number {
  return wallAsUtc(wallTimeAt(instant, timeZone)) - instant;
}

/**
 * The instant at which the zone's clocks show `wall`. When clocks go back and the time happens twice,
 * the first one; when they go forward and the time does not exist, the same time after the jump
 * (02:30 on the last Sunday of March in Paris → 03:30).
 */
function instantOfWallTime(wall: WallTime, timeZone: string): number {
  const local = wallAsUtc(wall);
  // At most one offset change per day in real zones: the offsets a day before and after bracket it.
  const before = offsetAt(local - DAY_MS, timeZone);
  const after = offsetAt(local + DAY_MS, timeZone);
  const matching = [local - before, local - after].filter((t) => offsetAt(t, timeZone) === local - t);
  return matching.length > 0 ? Math.min(...matching) : local - before;
}

function dayAt(instant: Date, timeZone: string): CalendarDay {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new Error('Date invalide.');
  const { year, month, day } = wallTimeAt(t, timeZone);
  return { year, month, day };
}

function addCalendarDays(d: CalendarDay, n: number): CalendarDay {
  const u = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: u.getUTCFullYear(), month: u.getUTCMonth() + 1, day: u.getUTCDate() };
}

function dayKey(d: CalendarDay): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;
}

function compareDays(a: CalendarDay, b: CalendarDay): number {
  return Date.UTC(a.year, a.month - 1, a.day) - Date.UTC(b.year, b.month - 1, b.day);
}

// ---------------------------------------------------------------------------------------------------
// Holidays. Building a Holidays instance parses the whole country's rules (tens of ms): one per zone,
// and one set of holiday days per zone and year.

const calendars = new Map<HolidayZone, Holidays>();
const holidayDays = new Map<string, Set<string>>();

function holidaysOf(zone: HolidayZone, year: number): Set<string> {
  const cacheKey = `${zone}:${year}`;
  let days = holidayDays.get(cacheKey);
  if (!days) {
    let calendar = calendars.get(zone);
    if (!calendar) {
      // Zone codes are ISO 3166-2 (FR-57, FR-GP); date-holidays wants the part after «FR-».
      const state = zoneInfo(zone).code.split('-')[1];
      calendar = state === undefined ? new Holidays('FR') : new Holidays('FR', state);
      calendars.set(zone, calendar);
    }
    // Only days off by law: date-holidays also lists observances (Fête des mères, Pentecost Sunday)
    // and, for Saint-Barthélemy, a bank holiday, which are working days for a town hall. The `date`
    // field is the local day, «YYYY-MM-DD hh:mm:ss».
    const daysOff = calendar.getHolidays(year).filter((h) => h.type === 'public');
    days = new Set(daysOff.map((h) => h.date.slice(0, 10)));
    holidayDays.set(cacheKey, days);
  }
  return days;
}

function isBusinessCalendarDay(d: CalendarDay, zone: HolidayZone): boolean {
  const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !holidaysOf(zone, d.year).has(dayKey(d));
}

// ---------------------------------------------------------------------------------------------------

/** Whether the calendar day on which `date` falls, in the commune's time, is a working day. */
export function isBusinessDay(date: Date, zone: HolidayZone): boolean {
  return isBusinessCalendarDay(dayAt(date, timeZoneOf(zone)), zone);
}

/**
 * The instant by which something started at `start` must be handled when it is given `days` business
 * days (e.g. an account to validate within 2 business days).
 *
 * - Started on a business day: the same wall-clock time, `days` business days later. Friday 15:00 + 2
 *   → Tuesday 15:00, whatever daylight-saving change happened in between.
 * - Started on a weekend or holiday: nobody could act on it that day, so it is treated as arriving with
 *   the next business day, which counts as day 1, and the deadline is the END of the `days`-th business
 *   day (23:59:59.999). Saturday 10:00 + 2 → Tuesday 23:59:59.999. This is never earlier than for the
 *   same request sent on the Friday before, and it ends on a day when agents work.
 * - `days` = 0 means no delay: the deadline is `start`.
 */
export function addBusinessDays(start: Date, days: number, zone: HolidayZone): Date {
  if (!Number.isInteger(days) || days < 0) {
    throw new Error(`Nombre de jours ouvrés invalide : ${days}.`);
  }
  const timeZone = timeZoneOf(zone);
  const startInstant = start.getTime();
  const startDay = dayAt(start, timeZone);
  if (days === 0) return new Date(startInstant);

  let day = startDay;
  for (let counted = 0; counted < days; ) {
    day = addCalendarDays(day, 1);
    if (isBusinessCalendarDay(day, zone)) counted++;
  }

  if (isBusinessCalendarDay(startDay, zone)) {
    const wall = wallTimeAt(startInstant, timeZone);
    return new Date(instantOfWallTime({ ...wall, ...day }, timeZone));
  }
  const nextMidnight = { ...addCalendarDays(day, 1), hour: 0, minute: 0, second: 0, millisecond: 0 };
  return new Date(instantOfWallTime(nextMidnight, timeZone) - 1);
}

/**
 * Business days after the day of `from`, up to and including the day of `to`, in the commune's time
 * (negative if `to` is earlier). For any start, `businessDaysBetween(start, addBusinessDays(start, n))`
 * is `n`: it tells how many business days an agent has had so far.
 */
export function businessDaysBetween(from: Date, to: Date, zone: HolidayZone): number {
  const timeZone = timeZoneOf(zone);
  const a = dayAt(from, timeZone);
  const b = dayAt(to, timeZone);
  const sign = compareDays(b, a) < 0 ? -1 : 1;
  const [low, high] = sign < 0 ? [b, a] : [a, b];
  let count = 0;
  for (let d = addCalendarDays(low, 1); compareDays(d, high) <= 0; d = addCalendarDays(d, 1)) {
    if (isBusinessCalendarDay(d, zone)) count++;
  }
  return sign * count;
}

/** Overdue once the deadline has passed; at the deadline itself there is still time. */
export function isOverdue(deadline: Date, now: Date): boolean {
  return now.getTime() > deadline.getTime();
}
