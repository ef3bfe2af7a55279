// Satisfaction surveys (CSAT). When a manager resolves a ticket, the user
// gets five buttons a little later (the admins set the delay, or switch it
// off); a rating of 3 or less asks what could be better, and the user's next
// message is kept as the comment (and relayed as usual). A low rating (2 or
// less) is posted in the topic, and the card shows ⭐ n. A score is given
// once: pressed twice, late or forged, it is refused and never changes.
import { askRating } from '../delivery/jobs/ask-rating.js';
import { editMessage } from '../delivery/jobs/edit-message.js';
import { noticeToTopic, noticeToUser } from '../delivery/jobs/notice.js';
import { refreshCard } from '../delivery/jobs/refresh-card.js';
import type { NewJob } from '../delivery/outbox.js';
import type { Store } from '../db/queries/index.js';
import { languageOf, textsFor } from '../i18n/index.js';
import { decide, topicQueue, userQueue, type Desk } from './desk.js';

/** A score at or below this is shown to the managers in the topic. */
export const LOW_RATING = 2;
/** A score at or below this asks the user what could be better. */
const ASK_COMMENT_AT = 3;
/** A survey older than this takes no answer. */
const ANSWER_WINDOW_MS = 7 * 86_400_000;

/** Part of a manager's decision to resolve a ticket: the survey, for later. */
/** How long a press waits for its survey's sending to be recorded. */
const SURVEY_RECORD_WAIT_MS = 10_000;

// A queue of its own: a job waits at its queue's head until its time, and
// the user's own queue must not stop for a minute behind the survey.
const surveyQueue = (userId: number) => `${userQueue(userId)}:survey`;

export function scheduleSurvey(desk: Desk, send: (job: NewJob) => void, ticketId: number, userId: number, now: Date): void {
  const delay = desk.settings.get('surveyDelayMinutes');
  if (delay === null) return;
  send(askRating.make(surveyQueue(userId), { ticketId, userId }, { notBefore: new Date(now.getTime() + delay * 60_000) }));
}

export type RateOutcome = 'rated' | 'already' | 'late' | 'outdated';

type Press = { userId: number; ticketId: number; score: number; messageId: number };

export async function rateTicket(desk: Desk, r: Press): Promise<RateOutcome> {
  // The survey is recorded once Telegram has accepted it, so the user can press
  // before its row exists (a slow database makes that moment longer): wait
  // for that record, then look again, rather than turn a real answer away.
  // Asked before deciding too: the record can commit while the decision reads.
  const queue = surveyQueue(r.userId);
  const wasSending = desk.outbox.sending(queue);
  const outcome = await rate(desk, r);
  if (outcome !== 'outdated' || !(wasSending || desk.outbox.sending(queue))) return outcome;
  await desk.outbox.sent(queue, SURVEY_RECORD_WAIT_MS);
  return rate(desk, r);
}

function rate(desk: Desk, r: Press): Promise<RateOutcome> {
  return decide(desk, async (store, send) => {
    const rating = await store.rating(r.ticketId);
    // Forged: no survey about this ticket, or one sent to someone else.
    if (!rating || Number(rating.userId) !== r.userId) return 'outdated';
    if (rating.score !== null) return 'already';
    const now = desk.now();
    if (now.getTime() - rating.sentAt.getTime() > ANSWER_WINDOW_MS) return 'late';
    if (!(await store.rate(r.ticketId, r.userId, r.score, now))) return 'already';
    const user = await store.user(r.userId);
    const t = textsFor(languageOf(user?.languageCode)).rating;
    // The buttons go: the survey shows the answer given.
    send(editMessage.make(userQueue(r.userId), { to: 'user', userId: r.userId, messageId: r.messageId, text: t.thanks(r.score) }));
    send(refreshCard.make(topicQueue(r.userId), { ticketId: r.ticketId }, { coalesceKey: `card:${r.ticketId}` }));
    if (r.score <= LOW_RATING) send(noticeToTopic(r.userId, desk.managerTexts.rating.low(r.ticketId, r.score)));
    if (r.score <= ASK_COMMENT_AT) {
      await store.awaitRatingComment(r.userId, r.ticketId);
      send(noticeToUser(r.userId, t.askComment));
    }
    return 'rated';
  });
}

/**
 * Part of the decision about a user's message: when a comment on a low
 * rating is awaited, this message is it (stored with the rating; the
 * managers are told before its copy arrives in the topic).
 */
export async function takeRatingComment(
  desk: Desk,
  store: Store,
  send: (job: NewJob) => void,
  c: { userId: number; ticketId: number; comment: string; languageCode: string | null },
): Promise<void> {
  await store.awaitRatingComment(c.userId, null);
  const rating = await store.rating(c.ticketId);
  if (!rating || rating.score === null) return;
  await store.setRatingComment(c.ticketId, c.comment);
  send(noticeToTopic(c.userId, desk.managerTexts.rating.comment(c.ticketId, rating.score)));
  send(noticeToUser(c.userId, textsFor(languageOf(c.languageCode)).rating.commentThanks));
}
