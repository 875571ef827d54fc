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

/** A calendar date stored as 'YYYY-MM-DD' shown as «JJ/MM/AAAA». */
export function formatIsoDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}
