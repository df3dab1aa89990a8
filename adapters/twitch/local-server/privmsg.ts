import { randomUUID } from 'node:crypto';
import type { ClientConnection } from './connection.js';
import { channelName, ServerPrefix, type IrcLine } from './irc.js';
import type { ChatHub } from './session.js';
import { asParent, chatLine, colorFor, numericId } from './viewers.js';

const Action = /^\u0001ACTION (.*)\u0001$/su;

/** What chat would show: an ACTION's inner text; `/me x` the way Twitch reads it. */
function visibleText(text: string): { shown: string; command: boolean } {
  const action = Action.exec(text);
  if (action) return { shown: action[1] ?? '', command: false };
  const me = /^[/.]me (.*)$/su.exec(text);
  if (me) return { shown: me[1] ?? '', command: false };
  return { shown: text, command: /^(\/|\.(?!\.))/.test(text) };
}

/**
 * A bot PRIVMSG: checked against the rules in Twitch's order; refused ones leave a violation (and
 * a NOTICE when Twitch sends one); accepted ones are stored, confirmed with USERSTATE and delivered
 * to every other connection in the channel.
 */
export function handlePrivmsg(hub: ChatHub, conn: ClientConnection, line: IrcLine): void {
  const target = line.params[0] ?? '';
  const text = line.params[1];
  if (!target.startsWith('#') || text === undefined || text === '') return;
  hub.stats.privmsgReceived++;
  if (conn.anonymous) {
    hub.stats.privmsgDropped++; // Twitch silently ignores anonymous senders.
    return;
  }
  const login = conn.nick;
  const channel = channelName(target);
  const room = hub.room(channel);
  const now = hub.now();
  const { shown, command } = visibleText(text);
  const verdict = hub.enforcer.check({ login, room, text: shown, joined: conn.joined.has(channel), command, now });
  if (!verdict.ok) {
    hub.stats.privmsgDropped++;
    hub.violation(conn, verdict.kind, channel, text);
    if (verdict.notice) {
      conn.send({ tags: { 'msg-id': verdict.notice.msgId }, prefix: ServerPrefix, command: 'NOTICE', params: [`#${channel}`], trailing: verdict.notice.text });
    }
    return;
  }
  const replyParentId = line.tags['reply-parent-msg-id'];
  const parentEntry = replyParentId === undefined ? undefined : room.message(replyParentId);
  if (replyParentId !== undefined && !parentEntry) hub.stats.unknownReplyParents++;
  const role = room.roleOf(login);
  const broadcaster = room.isBroadcaster(login);
  const id = randomUUID();
  const clientNonce = line.tags['client-nonce'];
  const { line: out, entry } = chatLine({
    room, text, emotes: hub.emotes, at: now, id,
    chatter: {
      login, displayName: login, userId: numericId(login), color: colorFor(login),
      badges: { broadcaster, moderator: !broadcaster && role.moderator === true, vip: !broadcaster && role.vip === true, subscriber: role.subscriber === true },
    },
    ...(parentEntry ? { parent: asParent(parentEntry) } : {}),
    ...(clientNonce === undefined ? {} : { clientNonce }),
  });
  hub.stats.privmsgAccepted++;
  hub.enforcer.accepted(login, room, shown, now);
  room.remember({ ...entry, body: shown });
  hub.recordSent({ id, channel, text, ...(replyParentId === undefined ? {} : { replyParentId }), at: now, connectionId: conn.id, login });
  conn.send({ tags: { ...room.userStateTags(login), id }, prefix: ServerPrefix, command: 'USERSTATE', params: [`#${channel}`] });
  hub.broadcast(room, out, conn);
}
