/**
 * Recipe: a back-end sends push notifications through MobileFirst's push REST API — one message,
 * then a batch with bounded concurrency, each message reported sent (with its ID) or failed (with
 * whether it may have been delivered all the same). The confidential client needs the allowed
 * scope `messages.write push.application.<app>` (the DevKit's `test` client has `*`).
 */
import { PushClient } from 'confidential-client/mobilefirst';
import { mobileFirst } from './env.js';

const server = await mobileFirst();
const push = new PushClient({
  client: {
    serverUrl: server.serverUrl,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
  },
  applicationId: process.env.MFP_PUSH_APP ?? 'com.example.app',
});

try {
  // 1. One message, to the users' devices; checked before it is sent.
  const { messageId } = await push.send({
    message: { alert: 'Your order has shipped' },
    target: { userIds: ['alice'] },
    settings: { apns: { sound: 'default' }, gcm: { priority: 'high' } },
  });
  console.log(`1. sent: ${messageId}`);

  // 2. A batch: 8 at a time, 429s waited out, one result per message in input order.
  const tags = ['news', 'sports', 'weather', 'offers', 'alerts'];
  const results = await push.sendAll(
    tags.map((tag) => ({ message: { alert: `Today in ${tag}` }, target: { tagNames: [tag] } })),
    { concurrency: 8 },
  );
  for (const result of results) {
    const tag = tags[result.index];
    if (result.ok) console.log(`2. ${tag}: sent ${result.messageId}`);
    else {
      const again = result.mayHaveBeenSent
        ? 'may have been delivered: do not resend blindly'
        : 'not sent';
      console.log(`2. ${tag}: failed (${again}): ${result.error.message}`);
    }
  }
  if (results.some((result) => !result.ok)) process.exitCode = 1;
} finally {
  await push.close(); // closes the ConfidentialClient it made
  await server.close();
}
