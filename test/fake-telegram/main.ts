// Runs the fake Bot API server on its own, so a bot can be pointed at it by hand:
//   node --import tsx test/fake-telegram/main.ts
// It seeds one user and one forum supergroup with a manager, prints their ids, and lets you
// type lines that the user sends to the bot. Ctrl+C stops it.
import { createInterface } from 'node:readline';
import { startFakeTelegram } from './server.js';

const tg = await startFakeTelegram({ token: process.env.FAKE_TELEGRAM_TOKEN });
const group = tg.createSupergroup({ title: 'Support' });
const manager = tg.createUser({ first_name: 'Mary', last_name: 'Manager', username: 'mary_support' });
tg.addMember(group.id, manager, 'administrator');
const user = tg.createUser({ first_name: 'Ann', username: 'ann' });

console.log(`apiRoot  ${tg.apiRoot}`);
console.log(`token    ${tg.token}`);
console.log(`bot      @${tg.botUser.username} (${tg.botUser.id})`);
console.log(`group    ${group.id} (forum, bot is admin), manager ${manager.id}`);
console.log(`user     ${user.id}; type a line to send it as this user`);

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim()) console.log(`sent #${tg.userSends(user, { text: line }).message_id}`);
});

let seen = 0;
const report = setInterval(() => {
  for (const call of tg.calls.slice(seen)) {
    if (call.method !== 'getUpdates') console.log(`${call.method} ${call.ok ? 'ok' : `${call.error_code} ${call.description}`}`);
  }
  seen = tg.calls.length;
}, 200);

process.once('SIGINT', () => {
  clearInterval(report);
  input.close();
  void tg.stop().then(() => process.exit(0));
});
