// Every kind of outbox job, registered by name. Adding a kind is adding its
// module beside this file and one line here.
import { isUserQueue } from '../../domain/desk.js';
import type { Job, JobHandler, Lanes } from '../outbox.js';
import { clearUserButtons, sendAnswer, showAnswer } from './answers.js';
import { askCategory } from './ask-category.js';
import { askRating } from './ask-rating.js';
import { broadcastPanel, broadcastProgress } from './broadcasts.js';
import { postExport, postStats, postStatsChart } from './reports.js';
import { checkOrphanTopic } from './check-orphan-topic.js';
import { copyToTopic } from './copy-to-topic.js';
import { copyToUser } from './copy-to-user.js';
import { defaultCategory } from './default-category.js';
import { editCopy } from './edit-copy.js';
import { editMessage } from './edit-message.js';
import { greet } from './greet.js';
import type { JobDeps, JobKind } from './job.js';
import { notice } from './notice.js';
import { offHoursNotice } from './off-hours-notice.js';
import { openTopic } from './open-topic.js';
import { postCard } from './post-card.js';
import { postPrompt } from './post-prompt.js';
import { updateQueueBoard } from './queue-board.js';
import { refreshCard } from './refresh-card.js';
import { reopenTopic } from './reopen-topic.js';
import { setReaction } from './set-reaction.js';
import { syncTopicName } from './sync-topic-name.js';
import { transferTicket } from './transfer-ticket.js';

const jobKinds: ReadonlyArray<JobKind<never>> = [
  openTopic,
  reopenTopic,
  postCard,
  syncTopicName,
  refreshCard,
  copyToTopic,
  copyToUser,
  editCopy,
  notice,
  checkOrphanTopic,
  greet,
  askCategory,
  defaultCategory,
  editMessage,
  postPrompt,
  offHoursNotice,
  transferTicket,
  sendAnswer,
  showAnswer,
  clearUserButtons,
  askRating,
  postStats,
  postStatsChart,
  postExport,
  updateQueueBoard,
  setReaction,
  broadcastPanel,
  broadcastProgress,
];

export function createJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  return Object.fromEntries(jobKinds.map((k) => [k.kind, k.handler(deps)]));
}

/**
 * The outbox's lanes. Users' private chats have their own (each chat its own
 * budget), so a manager's reply never waits behind the support group's 20 a
 * minute. Into the groups: a new user's topic creation runs in a narrow lane
 * of its own, so a thousand new accounts writing at once take turns among
 * themselves, at most NEWCOMERS_AT_ONCE waiting for the group's budget at a
 * time, while the conversations already open (users' messages, managers'
 * answers, cards, names) keep their turns beside them; with nothing else to
 * send, new topics get the whole budget.
 */
export const NEWCOMERS_AT_ONCE = 2;

export function outboxLanes(concurrency = 32): Lanes {
  return {
    of: (job: Job) =>
      job.kind === openTopic.kind && !(job.payload as { moved?: unknown } | null)?.moved ? 'newcomers' : isUserQueue(job.queue) ? 'chats' : 'groups',
    concurrency: { chats: concurrency, groups: concurrency, newcomers: NEWCOMERS_AT_ONCE },
  };
}
