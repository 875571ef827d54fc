// Dates shown to residents and agents are in the commune's time, which is Europe/Paris for
// métropole and Alsace-Moselle (overseas communes would pass their own zone).
const PARIS_DATE_TIME = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const PARIS_DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' });

/** «mardi 1 décembre 2026 à 15:00» */
export function formatParisDateTime(date: Date): string {
  return PARIS_DATE_TIME.format(date);
}

/** «01/12/2026» */
export function formatParisDate(date: Date): string {
  return PARIS_DATE.format(date);
}

// en-CA writes dates as AAAA-MM-JJ.
const PARIS_ISO_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Paris calendar day of an instant, as stored: 'AAAA-MM-JJ' (23:30 UTC on 31 Dec is already 1 Jan). */
export function parisIsoDay(date: Date): string {
  return PARIS_ISO_DAY.format(date);
}

/** A calendar date stored as 'YYYY-MM-DD' shown as «JJ/MM/AAAA». */
export function formatIsoDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}
