// The Node side of `cargo xtask bench-webhook`: per event, what the webhook
// router of Amio's Node SDK (amio-sdk-js, lib/webhook/webhook-router.js and
// x-hub-signature.utils.js) does with a delivery: body-parser's `json()`
// decodes the raw body (a Buffer) and `JSON.parse`s it, keeping the Buffer
// as `req.rawBody`; the router reads `data.channel.id`, looks its secret up,
// decodes `Buffer.from(req.rawBody)` again, HMAC-SHA1s that string
// (`hmac.update(body, 'utf-8')`) to hex and compares `sha1=<hex>` with the
// `X-Hub-Signature` header as strings.
//
// Usage: node webhook_node.js DIR NAME...
// DIR holds NAME.json (the body) and NAME.sig (the header) for each NAME, as
// the webhook bench writes them. Prints one line per body:
// `NAME <median ns per event> <events measured>`.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const SECRETS = {
  viber_service_messages_test: 'WebhookSecret',
  '6456078759331238786': 'WebhookSecret',
};

/** The secret of a channel (every benchmark body has the one secret). */
function secretOf(channelId) {
  return SECRETS[channelId];
}

/** One event, as the SDK's router handles it; throws if it does not verify. */
function handle(rawBody, header) {
  // body-parser's json(): decode, parse.
  const webhook = JSON.parse(rawBody.toString('utf8'));
  // WebhookRouter._verifyXHub.
  const channelId = webhook && webhook.data && webhook.data.channel && webhook.data.channel.id;
  const secret = secretOf(channelId);
  const rawWebhook = Buffer.from(rawBody).toString('utf8');
  const hmac = crypto.createHmac('sha1', secret);
  hmac.update(rawWebhook, 'utf-8');
  if (header !== `sha1=${hmac.digest('hex')}`) {
    throw new Error('the benchmark body does not verify');
  }
  return webhook;
}

/**
 * Median ns per event over short samples (about 50 µs, at least one event,
 * at least 100 samples and a second in all), as divan samples: a sample that
 * the scheduler interrupted is an outlier, not the median.
 */
function measure(body, header) {
  // Warm up (the JIT, the HMAC's first use) for half a second, timing it.
  let warmEvents = 0;
  const warmStart = process.hrtime.bigint();
  const warmEnd = warmStart + 500_000_000n;
  while (process.hrtime.bigint() < warmEnd) {
    handle(body, header);
    warmEvents++;
  }
  const roughNs = Number(process.hrtime.bigint() - warmStart) / warmEvents;
  const batch = Math.max(1, Math.round(50_000 / roughNs));
  const perEvent = [];
  const end = process.hrtime.bigint() + 1_000_000_000n;
  while (perEvent.length < 100 || process.hrtime.bigint() < end) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) handle(body, header);
    perEvent.push(Number(process.hrtime.bigint() - start) / batch);
  }
  perEvent.sort((a, b) => a - b);
  return { median: perEvent[Math.floor(perEvent.length / 2)], events: perEvent.length * batch };
}

function main() {
  const [dir, ...names] = process.argv.slice(2);
  if (!dir || names.length === 0) {
    console.error('usage: node webhook_node.js DIR NAME...');
    process.exit(2);
  }
  for (const name of names) {
    const body = fs.readFileSync(path.join(dir, `${name}.json`));
    const header = fs.readFileSync(path.join(dir, `${name}.sig`), 'utf8');
    const { median, events } = measure(body, header);
    console.log(`${name} ${median.toFixed(1)} ${events}`);
  }
}

main();
