// The scoreboard as the managers read it in Telegram: a short summary (HTML;
// names escaped here) beside the chart (charts/scoreboard.ts).
import type { Texts } from '../i18n/index.js';
import { escapeHtml } from '../lib/html.js';
import type { Report, Spread } from './reports.js';

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 100));

export function renderReport(t: Texts, r: Report, label: string): string {
  const s = t.stats;
  const d = (ms: number | null | undefined) => (ms === null || ms === undefined ? s.noData : s.duration(ms));
  const speed = (line: (m: string, p: string) => string, x: Spread | null) => line(d(x?.median), d(x?.p90));
  const lines = [
    s.title(escapeHtml(label)),
    '',
    s.volume,
    s.opened(r.opened),
    s.resolved(r.resolvedByManagers + r.resolvedByAutoReply + r.resolvedOther, r.resolvedByManagers, r.resolvedByAutoReply),
    s.reopened(r.reopened),
    s.openAtEnd(r.openAtEnd),
    s.messages(r.messagesIn, r.messagesOut),
    '',
    s.speed,
    speed(s.firstResponse, r.firstResponse),
    speed(s.resolution, r.resolution),
  ];
  if (r.firstResponseWorking || r.resolutionWorking) {
    lines.push(`<i>${s.inWorkingTime}:</i>`, speed(s.firstResponse, r.firstResponseWorking), speed(s.resolution, r.resolutionWorking));
  }
  lines.push(s.waitingLong(r.waitingLong, r.waitingThresholdMinutes), '', s.quality);
  if (r.ratings === 0) lines.push(s.noRatings);
  else lines.push(s.csat(percent(r.positive, r.ratings), r.ratings), s.responseRate(percent(r.ratings, r.surveys), r.surveys), s.low(r.low));
  if (r.nps) lines.push(t.broadcast.npsLine(r.nps.score, r.nps.answers, r.nps.promoters, r.nps.detractors));
  if (r.managers.length) {
    lines.push('', s.perManager);
    for (const m of r.managers) {
      const csat = m.ratings ? `${percent(m.positive, m.ratings)}% (${m.ratings})` : s.noData;
      lines.push(`• ${s.manager(escapeHtml(m.name), m.replies, m.taken, m.resolved, d(m.medianFirstResponse), csat)}`);
    }
  }
  if (r.categories.length) {
    lines.push('', s.byCategory, r.categories.map((c) => `${escapeHtml(c.label)}: ${c.opened}`).join(' · '));
  }
  const busiest = r.hours
    .map((n, hour) => ({ hour, n }))
    .filter((h) => h.n > 0)
    .sort((a, b) => b.n - a.n || a.hour - b.hour)
    .slice(0, 3);
  if (busiest.length) lines.push('', s.busiestHours, busiest.map((h) => `${String(h.hour).padStart(2, '0')}:00 (${h.n})`).join(' · '));
  return lines.join('\n');
}
