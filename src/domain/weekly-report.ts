// The weekly report: the scoreboard of the past seven days, posted to
// General by itself at the day and hour the admins chose (in the group's time
// zone), once per week. Which week was posted is stored with the decision to
// post it, so a restart (or a standby taking over) never posts it twice.
import { statsJobs } from '../delivery/jobs/reports.js';
import { GROUP_QUEUE } from '../delivery/jobs/notice.js';
import { decide, type Desk } from './desk.js';
import { addDays, localParts, startOfLocalDay } from './working-hours.js';

const SENT_FOR = 'weeklyReportSentFor';
const DAY = 86_400_000;

/** This week's moment for the report: the latest `weekday` (0 = Monday) at `hour`, not after `now`. */
export function lastSlot(now: Date, weekday: number, hour: number, timeZone: string): { date: string; at: Date } {
  const today = localParts(now, timeZone);
  for (let back = 0; back <= 7; back++) {
    const date = addDays(today.date, -back);
    if ((today.weekday - back + 70) % 7 !== weekday) continue;
    const at = new Date(startOfLocalDay(date, timeZone).getTime() + hour * 3_600_000);
    if (at <= now) return { date, at };
  }
  // Today is the day but the hour is still ahead: the slot a week ago.
  const date = addDays(today.date, -7);
  return { date, at: new Date(startOfLocalDay(date, timeZone).getTime() + hour * 3_600_000) };
}

/** Posts the report if this week's moment has come and it was not posted yet; true when it queued one. */
export async function postWeeklyReportIfDue(desk: Desk): Promise<boolean> {
  const when = desk.settings.get('weeklyReport');
  if (!when) return false;
  const tz = desk.settings.get('timeZone');
  const now = desk.now();
  const slot = lastSlot(now, when.weekday, when.hour, tz);
  // A desk that was down for most of a week posts nothing stale: the next slot will come.
  if (now.getTime() - slot.at.getTime() > DAY) return false;
  return decide(desk, async (store, send) => {
    const sent = (await store.allSettings()).find((s) => s.key === SENT_FOR)?.value;
    if (sent === JSON.stringify(slot.date)) return false;
    await store.putSetting(SENT_FOR, JSON.stringify(slot.date), now);
    const from = new Date(slot.at.getTime() - 7 * DAY);
    for (const job of statsJobs(GROUP_QUEUE, {
      from: from.toISOString(),
      to: slot.at.toISOString(),
      label: `${localParts(from, tz).date} – ${addDays(slot.date, -1)}`,
      chatId: desk.supportChatId,
    }))
      send(job);
    return true;
  });
}
