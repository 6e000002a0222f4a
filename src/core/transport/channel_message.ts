/**
 * The channel messages (service byte `Channel`, reliable), one layout for all of them: the type
 * byte, then for Open the channel's wire id, the lobby id and the opening message; for the others
 * whether the sender opened the channel, its wire id and a reason.
 */
import { MalformedError } from '../wire/byte_reader.js';
import type { ByteLayout } from '../wire/byte_stream.js';

export const enum ChannelMessageType {
  Open = 1,
  Accept = 2,
  Deny = 3,
  Close = 4,
  CloseConfirm = 5,
}

export type ChannelMessage =
  | { type: ChannelMessageType.Open; wireId: number; lobbyId: string; message: string }
  | {
      type: ChannelMessageType.Accept | ChannelMessageType.Deny | ChannelMessageType.Close | ChannelMessageType.CloseConfirm;
      /** The sender opened the channel (so the receiver did not). */
      senderOpened: boolean;
      wireId: number;
      reason: string;
    };

export const channelMessageLayout: ByteLayout<ChannelMessage> = (s, m) => {
  const type = s.u8(m.type) as ChannelMessageType;
  if (type === ChannelMessageType.Open) {
    const open = m as Extract<ChannelMessage, { type: ChannelMessageType.Open }>;
    return { type, wireId: s.varint(open.wireId), lobbyId: s.text(open.lobbyId), message: s.longText(open.message) };
  }
  if (type < ChannelMessageType.Accept || type > ChannelMessageType.CloseConfirm) throw new MalformedError(`unknown channel message ${type as number}`);
  const control = m as Extract<ChannelMessage, { senderOpened: boolean }>;
  return { type, senderOpened: s.u8(control.senderOpened ? 1 : 0) === 1, wireId: s.varint(control.wireId), reason: s.text(control.reason) };
};
