// /stats [period]: any member of the group gets the scoreboard (a summary
// and a chart). /export [period]: the group's admins get the conversation
// and the tickets as CSV files (they hold what users wrote, so not everyone).
import { Composer } from 'grammy';
import { answerManager } from '../../domain/answers.js';
import { parsePeriod } from '../../domain/reports.js';
import { exportJobs, statsJobs } from '../../delivery/jobs/reports.js';
import { GROUP_QUEUE } from '../../delivery/jobs/notice.js';
import type { Context } from '../context.js';
import { threadOf } from '../conversation.js';

export const stats = new Composer<Context>();
const inGroup = stats.chatType('supergroup');

for (const command of ['stats', 'export'] as const) {
  inGroup.command(command, async (ctx) => {
    const desk = ctx.desk;
    const t = desk.managerTexts.stats;
    const at = { userId: ctx.conversationUserId, chatId: ctx.chat.id, threadId: threadOf(ctx), replyTo: ctx.msg.message_id };
    if (command === 'export' && !(await ctx.isAdmin())) return answerManager(desk, at, t.exportOnlyAdmins);
    const parsed = parsePeriod(ctx.match, desk.settings.get('timeZone'), desk.now());
    if ('error' in parsed) return answerManager(desk, at, parsed.error === 'tooLong' ? t.tooLong : t.invalidPeriod);
    const jobs = command === 'stats' ? statsJobs : exportJobs;
    await desk.outbox.enqueue(
      jobs(GROUP_QUEUE, {
        from: parsed.period.from.toISOString(),
        to: parsed.period.to.toISOString(),
        label: parsed.label,
        chatId: ctx.chat.id,
        ...(at.threadId !== undefined ? { threadId: at.threadId } : {}),
        replyTo: ctx.msg.message_id,
      }),
    );
  });
}
