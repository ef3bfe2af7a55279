// Outside working hours, the first message of a ticket gets a notice saying
// when the team is back: in the user's language, the time in the group's
// time zone (named, so a user elsewhere can convert it).
import { z } from 'zod';
import { languageOf, textsFor } from '../../i18n/index.js';
import { formatInZone, nextOpening } from '../../domain/working-hours.js';
import { postToUser } from './notice.js';
import { defineJob, idSchema } from './job.js';

export const offHoursNotice = defineJob('offHoursNotice', z.object({ userId: idSchema }), async ({ userId }, { desk }) => {
  const user = await desk.store.user(userId);
  const language = languageOf(user?.languageCode);
  const t = textsFor(language);
  const hours = desk.settings.hours();
  const back = nextOpening(hours, desk.now());
  const text = back ? t.offHours(formatInZone(back, hours.timeZone, language), hours.timeZone) : t.offHoursUnknown;
  await postToUser(desk, userId, { text });
});
