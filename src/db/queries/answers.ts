// Queries behind canned answers (/save, /a) and the auto-reply rules that send them.
import type { Queryable } from '../client.js';

export interface NewCannedAnswer {
  name: string;
  kind: string;
  text: string | null;
  entities: string | null;
  fileId: string | null;
  sourceChatId: number | null;
  sourceMessageId: number | null;
  createdById: number;
}

export interface NewAutoReply {
  pattern: string;
  isRegex: boolean;
  answerId: number;
}

export function answerQueries(db: Queryable) {
  return {
    /** Throws P2002 when the name (in any case) is taken. */
    addCannedAnswer(a: NewCannedAnswer, now: Date) {
      return db.cannedAnswer.create({
        data: {
          ...a,
          key: a.name.toLowerCase(),
          sourceChatId: a.sourceChatId === null ? null : BigInt(a.sourceChatId),
          createdById: BigInt(a.createdById),
          createdAt: now,
        },
      });
    },

    cannedAnswers() {
      return db.cannedAnswer.findMany({ orderBy: { key: 'asc' } });
    },

    cannedAnswer(id: number) {
      return db.cannedAnswer.findUnique({ where: { id } });
    },

    cannedAnswerByName(name: string) {
      return db.cannedAnswer.findUnique({ where: { key: name.toLowerCase() } });
    },

    /** Throws P2002 when the new name is taken. */
    renameCannedAnswer(id: number, name: string) {
      return db.cannedAnswer.updateMany({ where: { id }, data: { name, key: name.toLowerCase() } });
    },

    /** Its auto-reply rules go with it; messages that carried it keep their history. */
    deleteCannedAnswer(id: number) {
      return db.cannedAnswer.deleteMany({ where: { id } });
    },

    /** How often each answer was sent, by a person or automatically. */
    async cannedAnswerUses(id: number) {
      return db.message.count({ where: { cannedAnswerId: id } });
    },

    autoReplies() {
      return db.autoReply.findMany({ orderBy: { id: 'asc' }, include: { answer: { select: { name: true } } } });
    },

    addAutoReply(r: NewAutoReply, now: Date) {
      return db.autoReply.create({ data: { ...r, createdAt: now } });
    },

    setAutoReplyFirstOnly(id: number, firstMessageOnly: boolean) {
      return db.autoReply.updateMany({ where: { id }, data: { firstMessageOnly } });
    },

    deleteAutoReply(id: number) {
      return db.autoReply.deleteMany({ where: { id } });
    },

    /** Whether this answer was already sent automatically in this ticket (a rule answers once per ticket). */
    async autoAnswered(ticketId: number, answerId: number): Promise<boolean> {
      const found = await db.message.findFirst({ where: { ticketId, cannedAnswerId: answerId, managerId: null, direction: 'OUTBOUND' }, select: { id: true } });
      return found !== null;
    },
  };
}
