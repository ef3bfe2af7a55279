// The conversation itself, end to end: edits on either side reach the copy on
// the other (or, where Telegram cannot edit in place, a marked new version
// does), replies keep pointing at the right message on both sides, albums
// travel as one album, and different kinds of messages keep their order. On
// SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Message, PhotoSize } from 'grammy/types';
import { assertNoBrokenJobs, fromBot as isFromBot, managerWrites, outboxDrained, pause, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { eventually, startDesk, text, type TestDesk } from '../support/desk.js';

/** The largest size's file id: what identifies a photo across copies. */
const photoId = (m: Message | undefined) => (m?.photo as PhotoSize[] | undefined)?.at(-1)?.file_id;
/** A photo's or video's file id. */
const mediaId = (m: Message | undefined) => photoId(m) ?? m?.video?.file_id;

for (const kind of dbKinds) {
  describe(`conversation on ${kind}`, () => {
    let d: TestDesk;
    beforeEach(async () => {
      d = await startDesk(kind);
    });
    afterEach(async () => {
      await d.close();
    });

    const prisma = () => d.app.db.prisma;
    const fromBot = (m: Message) => isFromBot(d, m);
    /** What the bot relayed into a topic: no creation message, no card (it has buttons). */
    const relayedInTopic = (thread: number) =>
      d.topicMessages(thread).filter((m) => fromBot(m) && !m.reply_markup && !('forum_topic_created' in m) && !('forum_topic_edited' in m));

    /** The message's row once it is DELIVERED (written just after Telegram accepted the copy). */
    function delivered(userId: number, where: { userChatMessageId?: number; topicMessageId?: number }) {
      return eventually(async () => {
        const m = await prisma().message.findFirst({ where: { userId: BigInt(userId), ...where } });
        return m?.state === 'DELIVERED' && m;
      });
    }

    describe('edits', () => {
      test('a user edits a text and a photo caption: the copies in the topic are edited in place', async () => {
        const user = d.tg.createUser({ first_name: 'Edith', language_code: 'en' });
        const { sent, thread, copy } = await userWrites(d, user, 'My order #123 is late');
        const row = await delivered(user.id, { userChatMessageId: sent.message_id });
        assert.equal(row.topicMessageId, copy.message_id);

        d.tg.userEdits(user, sent.message_id, { text: 'My order #124 is late' });
        const edited = await d.tg.waitFor(() => {
          const m = d.tg.message(d.group.id, copy.message_id);
          return text(m) === 'My order #124 is late' && m;
        });
        assert.ok(edited.edit_date, 'edited, not re-sent');

        const photo = d.tg.userSends(user, { photo: true, caption: 'screenshot of the error' });
        const photoCopy = await d.tg.waitFor(() => d.topicMessages(thread).find((m) => fromBot(m) && 'photo' in m));
        assert.equal(photoCopy.caption, 'screenshot of the error');
        assert.equal(photoId(photoCopy), photoId(photo));
        d.tg.userEdits(user, photo.message_id, { photo: true, caption: 'screenshot of the error, after the update' });
        await d.tg.waitFor(() => d.tg.message(d.group.id, photoCopy.message_id)?.caption === 'screenshot of the error, after the update');
        assert.equal(photoId(d.tg.message(d.group.id, photoCopy.message_id)), photoId(photo), 'the same photo');

        await outboxDrained(d);
        assert.deepEqual(relayedInTopic(thread).map(text), ['My order #124 is late', 'screenshot of the error, after the update'], 'nothing new was posted');
        assert.equal(d.botMessagesTo(user).length, 0);
        await assertNoBrokenJobs(d);
      });

      test('a user edit Telegram cannot apply to the copy: a new version is posted as a reply to the old copy, after an "✏️ edited:" marker', async () => {
        const user = d.tg.createUser({ first_name: 'Otto', language_code: 'en' });
        const { sent, thread, copy } = await userWrites(d, user, 'the printer is broken');
        await delivered(user.id, { userChatMessageId: sent.message_id });
        await outboxDrained(d);

        d.tg.failWhen((method, p) => method === 'editMessageText' && Number(p.chat_id) === d.group.id && Number(p.message_id) === copy.message_id, {
          error_code: 400,
          description: "Bad Request: message can't be edited",
        });
        d.tg.userEdits(user, sent.message_id, { text: 'the scanner is broken' });
        const newVersion = await d.tg.waitFor(() => d.topicMessages(thread).find((m) => fromBot(m) && text(m) === 'the scanner is broken'));
        assert.equal(newVersion.reply_to_message?.message_id, copy.message_id, 'a reply to the old copy');
        assert.equal(newVersion.forward_origin, undefined, 'copied, not forwarded');
        const marker = d.tg.message(d.group.id, newVersion.message_id - 1);
        assert.equal(text(marker), '✏️ edited:', 'the marker comes right before the new version');
        assert.ok(marker && fromBot(marker));
        assert.equal(marker?.message_thread_id, thread);
        assert.equal(marker?.reply_to_message?.message_id, copy.message_id);
        assert.equal(text(d.tg.message(d.group.id, copy.message_id)), 'the printer is broken', 'the old copy stays as it was');

        await outboxDrained(d);
        assert.deepEqual(relayedInTopic(thread).map(text), ['the printer is broken', '✏️ edited:', 'the scanner is broken']);
        const refused = d.tg.calls.filter((c) => c.method === 'editMessageText' && Number(c.params.message_id) === copy.message_id);
        assert.deepEqual(
          refused.map((c) => c.error_code ?? 'ok'),
          [400],
          'tried once, not retried',
        );
        // The row still maps the original to the first copy, so replies keep working.
        const row = await prisma().message.findFirstOrThrow({ where: { userId: BigInt(user.id), userChatMessageId: sent.message_id } });
        assert.equal(row.topicMessageId, copy.message_id);
        assert.equal(d.botMessagesTo(user).length, 0, 'the user is not bothered');
        await assertNoBrokenJobs(d);
      });

      test("a manager edits a delivered reply: the user's copy shows the new text", async () => {
        const user = d.tg.createUser({ first_name: 'Rita', language_code: 'en' });
        const { thread } = await userWrites(d, user, 'how do I reset my password?');
        const { sent, copy } = await managerWrites(d, thread, 'Open Settings → Security');
        const row = await delivered(user.id, { topicMessageId: sent.message_id });
        assert.equal(row.userChatMessageId, copy.message_id);

        d.tg.managerEdits(d.group.id, d.manager, sent.message_id, { text: 'Open Settings → Privacy → Password' });
        const edited = await d.tg.waitFor(() => {
          const m = d.tg.message(user.id, copy.message_id);
          return text(m) === 'Open Settings → Privacy → Password' && m;
        });
        assert.ok(edited.edit_date);
        await outboxDrained(d);
        assert.deepEqual(d.botMessagesTo(user).map(text), ['Open Settings → Privacy → Password'], 'edited in place, nothing new sent');
        await assertNoBrokenJobs(d);
      });

      test('a manager edit Telegram cannot apply: the user gets a marker in their language and the new version, as replies to the old copy', async () => {
        const user = d.tg.createUser({ first_name: 'Вера', language_code: 'ru' });
        const { thread } = await userWrites(d, user, 'не работает оплата');
        const { sent, copy } = await managerWrites(d, thread, 'Попробуйте другую карту');
        await delivered(user.id, { topicMessageId: sent.message_id });
        await outboxDrained(d);

        d.tg.failWhen((method, p) => method === 'editMessageText' && Number(p.chat_id) === user.id && Number(p.message_id) === copy.message_id, {
          error_code: 400,
          description: "Bad Request: message can't be edited",
        });
        d.tg.managerEdits(d.group.id, d.manager, sent.message_id, { text: 'Попробуйте оплату через СБП' });
        const newVersion = await d.tg.waitFor(() => d.botMessagesTo(user).find((m) => text(m) === 'Попробуйте оплату через СБП'));
        assert.equal(newVersion.reply_to_message?.message_id, copy.message_id);
        const marker = d.tg.message(user.id, newVersion.message_id - 1);
        assert.equal(text(marker), '✏️ изменено:');
        assert.equal(marker?.reply_to_message?.message_id, copy.message_id);
        assert.equal(text(d.tg.message(user.id, copy.message_id)), 'Попробуйте другую карту');
        await outboxDrained(d);
        assert.deepEqual(d.botMessagesTo(user).map(text), ['Попробуйте другую карту', '✏️ изменено:', 'Попробуйте оплату через СБП']);
        await assertNoBrokenJobs(d);
      });
    });

    describe('replies', () => {
      test("a user's reply to a manager's message points at the manager's original in the topic; a user's reply to their own message points at its copy", async () => {
        const user = d.tg.createUser({ first_name: 'Paul', language_code: 'en' });
        const { thread, copy: firstCopy, sent: first } = await userWrites(d, user, 'my app crashes');
        const answer = await managerWrites(d, thread, 'Which version do you have?');
        await delivered(user.id, { topicMessageId: answer.sent.message_id });
        // A second manager message, so that "the latest" is not the right answer by accident.
        await managerWrites(d, thread, 'And which phone?');

        const { copy: replyCopy } = await userWrites(d, user, 'version 2.3', { replyToMessageId: answer.copy.message_id });
        assert.equal(replyCopy.reply_to_message?.message_id, answer.sent.message_id, "a reply to the manager's own message in the topic");
        assert.equal(text(replyCopy.reply_to_message), 'Which version do you have?');
        assert.equal(replyCopy.message_thread_id, thread);

        const { copy: selfReplyCopy } = await userWrites(d, user, 'it crashes on start', { replyToMessageId: first.message_id });
        assert.equal(selfReplyCopy.reply_to_message?.message_id, firstCopy.message_id, "a reply to the copy of the user's own message");

        const plain = await userWrites(d, user, 'thanks');
        assert.equal(plain.copy.reply_to_message?.message_id, thread, "a plain message only carries the topic's implicit reply");
        await assertNoBrokenJobs(d);
      });

      test("a manager's explicit reply to a user's message arrives as a reply to the user's original; a message with only the implicit reply to the topic does not", async () => {
        const user = d.tg.createUser({ first_name: 'Lena', language_code: 'en' });
        const first = await userWrites(d, user, 'question one');
        const second = await userWrites(d, user, 'question two');
        const thread = first.thread;

        const plain = await managerWrites(d, thread, 'Hello!');
        assert.equal(plain.sent.reply_to_message?.message_id, thread, 'the fake gives a topic message its implicit reply, as Telegram does');
        assert.equal(plain.copy.reply_to_message, undefined, 'the implicit reply to the topic is not passed on');

        const toFirst = await managerWrites(d, thread, 'About question one: yes.', { replyToMessageId: first.copy.message_id });
        assert.equal(toFirst.copy.reply_to_message?.message_id, first.sent.message_id, "a reply to the user's own original");
        assert.equal(text(toFirst.copy.reply_to_message), 'question one');

        // A reply to another manager message: the user's copy of that one.
        const toPlain = await managerWrites(d, thread, 'As I said: hello.', { replyToMessageId: plain.sent.message_id });
        assert.equal(toPlain.copy.reply_to_message?.message_id, plain.copy.message_id);

        // A reply to the card (not a relayed message) has nothing to point at on the user's side.
        const ticket = await prisma().ticket.findFirstOrThrow({ where: { userId: BigInt(user.id) } });
        const toCard = await managerWrites(d, thread, 'Taking this one.', { replyToMessageId: ticket.cardMessageId! });
        assert.equal(toCard.copy.reply_to_message, undefined);

        await outboxDrained(d);
        const rows = await prisma().message.findMany({ where: { userId: BigInt(user.id), direction: 'OUTBOUND' }, orderBy: { id: 'asc' } });
        assert.deepEqual(
          rows.map((m) => [m.replyToSourceId, m.state]),
          [
            [null, 'DELIVERED'],
            [first.copy.message_id, 'DELIVERED'],
            [plain.sent.message_id, 'DELIVERED'],
            [ticket.cardMessageId, 'DELIVERED'],
          ],
        );
        void second;
        await assertNoBrokenJobs(d);
      });
    });

    describe('albums', () => {
      test("a user's album of 3 photos arrives in the topic as one album, in order, caption on the first; 3 DELIVERED rows", async () => {
        const user = d.tg.createUser({ first_name: 'Alba', language_code: 'en' });
        const { thread } = await userWrites(d, user, 'look at these');
        const album = d.tg.userSendsAlbum(user, [{ photo: true }, { photo: true }, { photo: true }], 'three screenshots');
        assert.equal(new Set(album.map((m) => m.media_group_id)).size, 1);

        const copies = await d.tg.waitFor(() => {
          const photos = d.topicMessages(thread).filter((m) => fromBot(m) && 'photo' in m);
          return photos.length === 3 && photos;
        });
        const groupIds = new Set(copies.map((m) => m.media_group_id));
        assert.equal(groupIds.size, 1, 'one album');
        assert.ok(copies[0]?.media_group_id, 'an album, not three single photos');
        assert.notEqual(copies[0]?.media_group_id, album[0]?.media_group_id, 'a new album in the group');
        assert.deepEqual(copies.map(photoId), album.map(photoId), 'the same photos in the same order');
        assert.deepEqual(
          copies.map((m) => m.caption),
          ['three screenshots', undefined, undefined],
        );
        assert.ok(copies.every((m) => m.message_thread_id === thread));

        const rows = await eventually(async () => {
          const r = await prisma().message.findMany({ where: { userId: BigInt(user.id), kind: 'photo' }, orderBy: { id: 'asc' } });
          return r.length === 3 && r.every((m) => m.state === 'DELIVERED') && r;
        });
        assert.deepEqual(
          rows.map((m) => [m.userChatMessageId, m.topicMessageId, m.mediaGroupId]),
          album.map((m, i) => [m.message_id, copies[i]!.message_id, m.media_group_id]),
        );
        assert.equal(
          d.tg.calls.filter(
            (c) => c.ok && /^copyMessages?$/.test(c.method) && Number(c.params.from_chat_id) === user.id && Number(c.params.chat_id) === d.group.id,
          ).length,
          2,
          'the text, then the album in one call',
        );

        // The album's caption, edited by the user, is edited on the first copy.
        d.tg.userEdits(user, album[0]!.message_id, { photo: true, caption: 'three screenshots (v2)' });
        await d.tg.waitFor(() => d.tg.message(d.group.id, copies[0]!.message_id)?.caption === 'three screenshots (v2)');
        await outboxDrained(d);
        assert.equal(d.topicMessages(thread).filter((m) => fromBot(m) && 'photo' in m).length, 3);
        await assertNoBrokenJobs(d);
      });

      test('an album caption edited before the album went out: the copy carries the new caption, and the edit is not an error', async () => {
        const user = d.tg.createUser({ first_name: 'Early', language_code: 'en' });
        const { thread } = await userWrites(d, user, 'hi');
        await outboxDrained(d);
        const album = d.tg.userSendsAlbum(user, [{ photo: true }, { photo: true }], 'draft caption');
        // The album waits a moment for its items; the edit comes in meanwhile.
        d.tg.userEdits(user, album[0]!.message_id, { photo: true, caption: 'final caption' });
        const copies = await d.tg.waitFor(() => {
          const photos = d.topicMessages(thread).filter((m) => fromBot(m) && 'photo' in m);
          return photos.length === 2 && photos;
        });
        assert.equal(copies[0]?.caption, 'final caption');
        await outboxDrained(d);
        assert.equal(d.tg.message(d.group.id, copies[0]!.message_id)?.caption, 'final caption');
        assert.deepEqual(
          relayedInTopic(thread).map((m) => m.caption ?? text(m)),
          ['hi', 'final caption', undefined],
          'no marked new version',
        );
        assert.equal(d.botMessagesTo(user).length, 0, 'the user is told of no failure');
        await assertNoBrokenJobs(d);
      });

      test("a manager's album of 2 arrives at the user as one album", async () => {
        const user = d.tg.createUser({ first_name: 'Max', language_code: 'en' });
        const { thread } = await userWrites(d, user, 'where do I click?');
        const album = d.tg.managerSendsAlbum(d.group.id, d.manager, [{ photo: true }, { video: true }], 'step 1 and step 2', { threadId: thread });

        const copies = await d.tg.waitFor(() => {
          const media = d.botMessagesTo(user).filter((m) => 'photo' in m || 'video' in m);
          return media.length === 2 && media;
        });
        assert.ok(copies[0]?.media_group_id, 'an album');
        assert.equal(copies[1]?.media_group_id, copies[0]?.media_group_id, 'one album');
        assert.deepEqual(copies.map(mediaId), album.map(mediaId), 'the photo, then the video');
        assert.ok('photo' in copies[0]! && 'video' in copies[1]!);
        assert.deepEqual(
          copies.map((m) => m.caption),
          ['step 1 and step 2', undefined],
        );
        assert.equal(copies[0]?.reply_to_message, undefined);

        const rows = await eventually(async () => {
          const r = await prisma().message.findMany({ where: { userId: BigInt(user.id), direction: 'OUTBOUND' }, orderBy: { id: 'asc' } });
          return r.length === 2 && r.every((m) => m.state === 'DELIVERED') && r;
        });
        assert.deepEqual(
          rows.map((m) => [m.topicMessageId, m.userChatMessageId, m.kind]),
          [
            [album[0]!.message_id, copies[0]!.message_id, 'photo'],
            [album[1]!.message_id, copies[1]!.message_id, 'video'],
          ],
        );
        await outboxDrained(d);
        assert.equal(d.botMessagesTo(user).length, 2, 'nothing else was sent');
        await assertNoBrokenJobs(d);
      });
    });

    test("a user's text, album, text in quick succession arrive in the topic in that order", async () => {
      const user = d.tg.createUser({ first_name: 'Quinn', language_code: 'en' });
      const before = d.tg.userSends(user, { text: 'before the album' });
      const album = d.tg.userSendsAlbum(user, [{ photo: true }, { photo: true }, { photo: true }], 'the album');
      const after = d.tg.userSends(user, { text: 'after the album' });
      const topic = await d.waitForTopicOf(user);
      const thread = topic.message_thread_id;
      await d.tg.waitFor(() => relayedInTopic(thread).length === 5, { timeoutMs: 10_000 });
      await outboxDrained(d);
      await pause(200);

      const relayed = relayedInTopic(thread);
      assert.deepEqual(
        relayed.map((m) => ('photo' in m ? `photo ${photoId(m)} ${m.caption ?? ''}`.trim() : text(m))),
        [text(before), ...album.map((m) => `photo ${photoId(m)} ${m.caption ?? ''}`.trim()), text(after)],
      );
      assert.equal(new Set(relayed.slice(1, 4).map((m) => m.media_group_id)).size, 1);
      assert.ok(relayed[1]?.media_group_id, 'still one album');
      const rows = await prisma().message.findMany({ where: { userId: BigInt(user.id) }, orderBy: { id: 'asc' } });
      assert.deepEqual(
        rows.map((m) => [m.userChatMessageId, m.topicMessageId, m.state]),
        [before, ...album, after].map((m, i) => [m.message_id, relayed[i]!.message_id, 'DELIVERED']),
      );
      await assertNoBrokenJobs(d);
    });
  });
}
