// Sends the queue board (domain/queue-board.ts) to General: an edit of the
// board message, or, when there is none yet or a person deleted it, a new
// message, pinned without a notification. It renders when it runs, so a job
// that waited shows the queue as it is then, and it records what Telegram
// accepted and when in the same transaction that removes the job: an
// unchanged board is never sent again, not even after a restart, and two
// changes are at least a period apart.
import { z } from 'zod';
import { currentBoard } from '../../domain/queue-board.js';
import { DeliveryError, type Place } from '../courier.js';
import type { JobOutcome } from '../outbox.js';
import { defineJob, type JobDeps, type JobKind } from './job.js';

/** The board's own send queue: its waits never hold up notices or settings in General. */
export const BOARD_QUEUE = 'board';

const GENERAL: Place = { chat: 'support' };

export const updateQueueBoard: JobKind<Record<string, never>> = defineJob('queueBoard', z.object({}), async (_payload, { desk }, job): Promise<JobOutcome> => {
  const chatId = BigInt(desk.supportChatId);
  const shown = await desk.store.queueBoard(desk.supportChatId);
  if (!desk.settings.get('queueBoard')) {
    if (!shown) return;
    await takeDown(desk, shown.messageId);
    return { record: (tx) => [tx.queueBoard.deleteMany({ where: { chatId } })] };
  }
  // A job queued before the last change went out (a backlog, a restart) waits its turn.
  const due = shown ? shown.sentAt.getTime() + desk.boardPeriodMs : 0;
  if (due > desk.now().getTime()) {
    return { followUps: [updateQueueBoard.make(job.queue, {}, { coalesceKey: BOARD_QUEUE, notBefore: new Date(due) })] };
  }
  const { html, empty } = await currentBoard(desk);
  if (shown ? shown.text === html : empty) return;
  let messageId = shown?.messageId;
  if (messageId !== undefined) {
    try {
      await desk.courier.edit(GENERAL, messageId, { html });
    } catch (error) {
      // A person deleted the board ("message to edit not found"): a new one takes its place.
      if (!(error instanceof DeliveryError && error.failure === 'not-editable')) throw error;
      desk.logger.info({ message_id: messageId, description: error.description }, 'queue board is gone; posting a new one');
      messageId = undefined;
    }
  }
  if (messageId === undefined) {
    messageId = await desk.courier.post(GENERAL, { html });
    await pinBoard(desk, messageId);
  }
  // When Telegram answered: the next change is due a whole period after Telegram saw this one.
  const sentAt = desk.now();
  const row = { messageId, text: html, sentAt };
  return { record: (tx) => [tx.queueBoard.upsert({ where: { chatId }, create: { chatId, ...row }, update: row })] };
});

/**
 * Pinned so that managers find it at the top of the group. The board is
 * already posted (and is recorded whatever happens here), so a refusal is
 * only logged: the bot may lack the "Pin messages" right.
 */
async function pinBoard(desk: JobDeps['desk'], messageId: number): Promise<void> {
  try {
    await desk.courier.pin(GENERAL, messageId);
  } catch (error) {
    desk.logger.warn(
      { message_id: messageId, description: error instanceof Error ? error.message : String(error) },
      'queue board posted but not pinned: give the bot the "Pin messages" right',
    );
  }
}

/** The board was turned off: unpinned, and says so (what it showed would only grow stale). */
async function takeDown(desk: JobDeps['desk'], messageId: number): Promise<void> {
  await desk.courier.unpin(GENERAL, messageId).catch((error: unknown) => {
    desk.logger.info({ message_id: messageId, description: error instanceof Error ? error.message : String(error) }, 'queue board not unpinned');
  });
  try {
    await desk.courier.edit(GENERAL, messageId, { html: desk.managerTexts.board.off });
  } catch (error) {
    // Deleted already: nothing is left to take down.
    if (!(error instanceof DeliveryError && error.failure === 'not-editable')) throw error;
  }
}
