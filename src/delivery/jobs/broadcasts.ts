// The admins' side of a broadcast in General: the preview (the message
// copied back) with its panel under it, edited as they choose; and the
// progress message, posted when it starts and edited at most once per
// BROADCAST_PROGRESS_SECONDS (edits count against the group's 20 a
// minute), the summary last. Both render what the database holds when they
// run, so a job that waited shows the latest state, and a waiting one
// absorbs the next (coalesced). The sends to users are not jobs: see
// delivery/broadcast-sender.ts.
import { z } from 'zod';
import { draftKeyboard, progressKeyboard, scheduledKeyboard } from '../../bot/keyboards/broadcasts.js';
import { audienceOf, renderPanel, renderProgress } from '../../domain/broadcast-text.js';
import { audienceSize } from '../../domain/broadcasts.js';
import { escapeHtml } from '../../lib/html.js';
import { DeliveryError, type Place } from '../courier.js';
import type { JobOutcome } from '../outbox.js';
import { defineJob, idSchema } from './job.js';
import { noticeToGroup } from './notice.js';

/** A broadcast's panel changes in order, in a queue of its own (so the group's other notices never wait for it). */
export const broadcastQueue = (broadcastId: number) => `broadcast:${broadcastId}`;
/** Its progress message waits out its period in another, so the panel never waits behind it. */
export const progressQueue = (broadcastId: number) => `broadcast-progress:${broadcastId}`;
export const progressKey = (broadcastId: number) => `bprogress:${broadcastId}`;
const panelKey = (broadcastId: number) => `bpanel:${broadcastId}`;

const GENERAL: Place = { chat: 'support' };
/** The pace shown is that of the last minute (or since the start, if shorter). */
const RATE_WINDOW_MS = 60_000;

export const broadcastPanel = defineJob('broadcastPanel', z.object({ broadcastId: idSchema }), async ({ broadcastId }, { desk }, job): Promise<JobOutcome> => {
  const b = await desk.store.broadcast(broadcastId);
  if (!b) return;
  const t = desk.managerTexts;
  if (b.previewMessageId === null) {
    // Cancelled before it was ever shown: nothing to show.
    if (b.state !== 'DRAFT') return;
    let previewId: number;
    try {
      [previewId] = (await desk.courier.copy(GENERAL, [b.sourceMessageId], GENERAL, { replyTo: b.commandMessageId })) as [number];
    } catch (error) {
      // A message Telegram cannot copy (a service message, a deleted one) cannot be broadcast: said, and the draft ends.
      if (!(error instanceof DeliveryError) || error.transient) throw error;
      return {
        record: (tx) => [tx.broadcast.updateMany({ where: { id: b.id, state: 'DRAFT' }, data: { state: 'CANCELLED', finishedAt: desk.now() } })],
        followUps: [noticeToGroup(escapeHtml(t.broadcast.notCopyable(b.id, error.description)), { replyTo: b.commandMessageId })],
      };
    }
    // Recorded first: a failure posting the panel never copies the preview twice.
    return {
      record: (tx) => [tx.broadcast.update({ where: { id: b.id }, data: { previewMessageId: previewId } })],
      followUps: [broadcastPanel.make(job.queue, { broadcastId }, { coalesceKey: panelKey(broadcastId) })],
    };
  }
  const tz = desk.settings.get('timeZone');
  const open = b.state === 'DRAFT' || b.state === 'SCHEDULED';
  const count = open ? await audienceSize(desk, audienceOf(b)) : Object.values(await desk.store.recipientCounts(b.id)).reduce((a, n) => a + n, 0);
  const html = renderPanel(t, desk.settings, b, count, tz);
  const keyboard =
    b.state === 'DRAFT'
      ? draftKeyboard(t, { id: b.id, audience: b.audience, nps: b.nps, scheduled: b.scheduledAt !== null }, count, desk.settings.activeCategories())
      : b.state === 'SCHEDULED'
        ? scheduledKeyboard(t, b.id)
        : undefined;
  const post = { html, ...(keyboard ? { keyboard } : {}) };
  if (b.controlMessageId === null) {
    const controlId = await desk.courier.post(GENERAL, { ...post, replyTo: b.previewMessageId });
    return { record: (tx) => [tx.broadcast.update({ where: { id: b.id }, data: { controlMessageId: controlId } })] };
  }
  try {
    await desk.courier.edit(GENERAL, b.controlMessageId, post);
  } catch (error) {
    // Someone deleted the panel: the broadcast goes on (or stays cancelled) without it.
    if (!(error instanceof DeliveryError && error.failure === 'not-editable')) throw error;
    desk.logger.info({ broadcast_id: b.id, description: error.description }, 'broadcast panel is gone');
  }
});

export const broadcastProgress = defineJob(
  'broadcastProgress',
  z.object({ broadcastId: idSchema }),
  async ({ broadcastId }, { desk }, job): Promise<JobOutcome> => {
    const b = await desk.store.broadcast(broadcastId);
    // Not started (a draft, a schedule, or one cancelled before it began): there is no progress to show.
    if (!b?.startedAt || b.state === 'DRAFT' || b.state === 'SCHEDULED') return;
    const now = desk.now();
    const due = b.progressAt ? b.progressAt.getTime() + desk.broadcasts.progressPeriodMs : 0;
    if (b.progressMessageId !== null && due > now.getTime()) {
      return { followUps: [broadcastProgress.make(job.queue, { broadcastId }, { coalesceKey: progressKey(broadcastId), notBefore: new Date(due) })] };
    }
    const counts = await desk.store.recipientCounts(b.id);
    const window = Math.min(RATE_WINDOW_MS, now.getTime() - b.startedAt.getTime());
    const perSecond = window >= 1000 ? (await desk.store.triedSince(b.id, new Date(now.getTime() - window))) / (window / 1000) : 0;
    const t = desk.managerTexts;
    const html = renderProgress(t, desk.settings, b, counts, perSecond, now);
    if (b.progressMessageId !== null && b.progressText === html) return;
    const live = b.state === 'RUNNING' || b.state === 'PAUSED';
    const post = { html, ...(live ? { keyboard: progressKeyboard(t, b.id, b.state === 'PAUSED') } : {}) };
    let messageId = b.progressMessageId;
    if (messageId !== null) {
      try {
        await desk.courier.edit(GENERAL, messageId, post);
      } catch (error) {
        // Someone deleted it: a new one takes its place.
        if (!(error instanceof DeliveryError && error.failure === 'not-editable')) throw error;
        messageId = null;
      }
    }
    if (messageId === null) messageId = await desk.courier.post(GENERAL, { ...post, ...(b.previewMessageId !== null ? { replyTo: b.previewMessageId } : {}) });
    // When Telegram answered: the next edit is due a whole period after Telegram saw this one.
    const at = desk.now();
    const id = messageId;
    return { record: (tx) => [tx.broadcast.update({ where: { id: b.id }, data: { progressMessageId: id, progressText: html, progressAt: at } })] };
  },
);
