import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOPIC_NAME_LIMIT, topicName } from '../../src/domain/people.js';
import { renderCard } from '../../src/domain/card.js';
import { en } from '../../src/i18n/en.js';

test('a topic name is the status, the name and @username, whitespace collapsed, cut to 128 without splitting a character', () => {
  assert.equal(topicName('WAITING', { first_name: ' Anna  ', last_name: 'Smith', username: 'anna' }), '❗️ Anna Smith @anna');
  const long = topicName('IN_WORK', { first_name: '😀'.repeat(100) });
  assert.ok(long.length <= TOPIC_NAME_LIMIT);
  assert.ok(!/[\uD800-\uDBFF]$/.test(long), 'no lone surrogate at the end');
});

// Bug: the tag cut off (or the status) when a long name fills the 128 characters.
test("a category tag follows the status and survives a long name: the user's name is what gets shortened", () => {
  assert.equal(topicName('WAITING', { first_name: 'Anna' }, '🧾 Billing'), '❗️ [🧾 Billing] Anna');
  const long = topicName('RESOLVED', { first_name: 'x'.repeat(200) }, '🛠 Tech');
  assert.equal(long.length, TOPIC_NAME_LIMIT);
  assert.ok(long.startsWith('🏁 [🛠 Tech] xxx'), long);
});

test('the card escapes what users typed', () => {
  const html = renderCard(en, {
    ticketId: 3,
    status: 'WAITING',
    user: { id: 5n, firstName: '<b>&Co</b>', lastName: null, username: null, languageCode: 'en' },
    earlierTickets: 0,
    lastChange: null,
    category: '🧾 <Billing>',
    timeZone: 'UTC',
  });
  assert.ok(html.includes('🧾 &lt;Billing&gt;'), 'an admin-typed category name is escaped too');
  assert.ok(html.includes('&lt;b&gt;&amp;Co&lt;/b&gt;'));
  assert.ok(!html.includes('<b>&Co'));
});
