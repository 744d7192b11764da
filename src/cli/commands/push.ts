/**
 * `confidential-client push send|bulk`: push notifications through `PushClient`, which asks for
 * `messages.write push.application.<app>` itself and checks each notification before sending.
 * Prints the message IDs.
 *
 * @module
 */

import { readFile } from 'node:fs/promises';
import {
  isInvalidInputError,
  isPushError,
  PushClient,
  type PushNotification,
  type PushTarget,
} from 'confidential-client/mobilefirst';
import { clientObserver } from '../client-observer.js';
import type { CliCommand, CommandContext } from '../command.js';
import { clientFlags, clientFlagsHelp, resolveClientOptions } from '../credentials.js';
import { CliFailure, UsageError } from '../errors.js';
import { exitCodeOf } from '../exit-codes.js';
import { type ParsedFlags, parseFlags } from '../parse-flags.js';

const help = `Usage: confidential-client push send --app <id> (--alert <text> | --file <message.json>)
         [--device <id>... | --platform A|G|W... | --tag <name>... | --user <id>... | --broadcast]
       confidential-client push bulk --app <id> --file <messages.json> [--broadcast]

send: sends one notification and prints its message ID. bulk: sends a JSON array of
notifications in one request and prints their IDs, one a line. The client needs the allowed
scope "messages.write push.application.<id>". Nothing is retried that the push service may have
acted on: such a failure says the message may have been delivered.

Options:
  --app <id>               the push application ID, e.g. com.acme.app
  --alert <text>           the text of the notification
  --file <path>            a notification as JSON ({ "message": { "alert": … }, "target": …,
                           "settings": … }), or for bulk an array of them; - reads stdin
  --device <id>            target a device; repeat for more (one kind of target only)
  --platform <A|G|W>       target every device of a platform (Apple, Google, Windows); repeatable
  --tag <name>             target the devices subscribed to a tag; repeatable
  --user <id>              target the devices of a user; repeatable
  --broadcast              send to every device of the application: needed when there is no
                           target, so that none goes out by mistake
  --json                   print { "messageId" } (bulk: { "messageIds", "count" })
  -v, --verbose            say on stderr when a token is requested
  -h, --help               show this help
Target flags given with --file replace the file's target.

${clientFlagsHelp}

Example:
  confidential-client push send --app com.acme.app --alert 'Your order has shipped' --user alice`;

const flags = {
  ...clientFlags,
  app: { type: 'string' },
  alert: { type: 'string' },
  file: { type: 'string' },
  device: { type: 'string', multiple: true },
  platform: { type: 'string', multiple: true },
  tag: { type: 'string', multiple: true },
  user: { type: 'string', multiple: true },
  broadcast: { type: 'boolean' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ParsedFlags<typeof flags>['values'];

const PLATFORMS = new Set(['A', 'G', 'W']);

/** The target the flags name, if any: one kind only, as the API takes. */
function targetOf(values: Values): PushTarget | undefined {
  const kinds = [
    ['--device', 'deviceIds', values.device],
    ['--platform', 'platforms', values.platform],
    ['--tag', 'tagNames', values.tag],
    ['--user', 'userIds', values.user],
  ] as const;
  const given = kinds.filter(([, , list]) => list !== undefined && list.length > 0);
  if (given.length > 1) {
    throw new UsageError(
      `${given.map(([flag]) => flag).join(' and ')} exclude each other: a notification has one kind of target`,
    );
  }
  const [flag, key, list] = given[0] ?? [];
  if (flag === undefined || list === undefined) return undefined;
  if (flag === '--platform') {
    const bad = list.find((platform) => !PLATFORMS.has(platform));
    if (bad !== undefined) throw new UsageError(`--platform must be A, G or W, got "${bad}"`);
  }
  return { [key]: [...list] } as unknown as PushTarget;
}

/** JSON from a file, or from stdin for `-`. */
async function readJson(path: string, context: CommandContext): Promise<unknown> {
  let text: string;
  try {
    text =
      path === '-'
        ? (await context.stdin.bytes('--file -')).toString('utf8')
        : await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`--file ${JSON.stringify(path)} cannot be read (${code})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--file ${JSON.stringify(path)} is not JSON: ${(error as Error).message}`);
  }
}

/** The notifications to send, from the flags and the file; checked by `PushClient` later. */
async function notifications(sub: string, values: Values, context: CommandContext) {
  const target = targetOf(values);
  if (values.alert !== undefined && values.file !== undefined) {
    throw new UsageError('--alert and --file exclude each other: give one');
  }
  if (sub === 'bulk') {
    if (values.file === undefined) throw new UsageError('push bulk needs --file <messages.json>');
    if (values.alert !== undefined || target !== undefined) {
      throw new UsageError('push bulk takes its messages and their targets from --file only');
    }
    const list = await readJson(values.file, context);
    if (!Array.isArray(list))
      throw new UsageError('push bulk: --file must hold a JSON array of notifications');
    return list as PushNotification[];
  }
  let notification: PushNotification;
  if (values.file !== undefined) {
    notification = (await readJson(values.file, context)) as PushNotification;
    if (target !== undefined && typeof notification === 'object' && notification !== null) {
      notification = { ...notification, target };
    }
  } else if (values.alert !== undefined) {
    notification = {
      message: { alert: values.alert },
      ...(target === undefined ? {} : { target }),
    };
  } else {
    throw new UsageError('push send needs --alert <text> or --file <message.json>');
  }
  return [notification];
}

/** Every notification has a target, or `--broadcast` says that none is meant. */
function checkTargets(list: readonly PushNotification[], broadcast: boolean): void {
  const index = list.findIndex(
    (n) => typeof n === 'object' && n !== null && n.target === undefined,
  );
  if (index === -1 || broadcast) return;
  throw new UsageError(
    `${list.length > 1 ? `notification ${index} has` : 'there is'} no target: name one (--device, --platform, --tag, --user), or pass --broadcast to send to every device of the application`,
  );
}

/** A push failure, saying when the message may have reached devices all the same. */
function explain(error: unknown, file: string | undefined): unknown {
  if (isInvalidInputError(error) && file !== undefined) {
    return new CliFailure(
      `--file ${JSON.stringify(file)}: ${error.message.replace(/^confidential-client: /, '')}`,
      exitCodeOf(error),
    );
  }
  if (isPushError(error) && error.mayHaveBeenSent && !error.message.includes('may have')) {
    return new CliFailure(
      `${error.message.replace(/^confidential-client: /, '')} It may have been delivered: check before sending it again.`,
      exitCodeOf(error),
    );
  }
  return error;
}

/** The `push` command. */
export const pushCommand: CliCommand = {
  name: 'push',
  summary: 'send push notifications (send, bulk) and print their message IDs',
  help,
  jsonFlag: true,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, flags, { max: 1, usage: 'send or bulk' });
    const { output } = context;
    if (values.help) {
      output.line(help);
      return 0;
    }
    const [sub] = positionals;
    if (sub !== 'send' && sub !== 'bulk') {
      throw new UsageError(
        sub === undefined
          ? 'push needs send or bulk'
          : `unknown push command "${sub}" (send or bulk)`,
      );
    }
    if (values.app === undefined)
      throw new UsageError('--app <id> is required (the push application ID)');
    const list = await notifications(sub, values, context);
    checkTargets(list, values.broadcast === true);
    const client = await resolveClientOptions(values, context);
    const push = new PushClient({
      client: { ...client, ...clientObserver(output, values.verbose === true) },
      applicationId: values.app,
    });
    try {
      if (sub === 'send') {
        const { messageId } = await push.send(list[0] as PushNotification);
        if (output.json) output.document({ messageId });
        else output.line(messageId);
        return 0;
      }
      const { messageIds } = await push.sendBulk(list);
      if (output.json) {
        output.document({ messageIds: messageIds ?? null, count: list.length });
      } else if (messageIds === undefined) {
        output.note(`the push service accepted ${list.length} messages but listed no message IDs`);
      } else {
        for (const id of messageIds) output.line(id);
      }
      return 0;
    } catch (error) {
      throw explain(error, values.file);
    } finally {
      await push.close();
    }
  },
};
