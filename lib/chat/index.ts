// The chat domain: every rule about chats and messages, shared by the web app and the realtime
// server. Functions take the database client first so tests and the realtime server can pass
// their own.
export { getChatForMember, type ChatMembership } from './access';
export { listChatsForUser, openChat, type ChatSummary } from './chats';
export { listMessages, markMessagesRead, type MessagePage, type ReadReceipt } from './messages';
export { editMessage, listMessageChanges, setReaction, unsendMessage, type MessageChange } from './message-changes';
export { sendMessage, sendMessages, type SentMessage, type StoreOutcome, type SendRequest } from './send-messages';
export { toMessageDto, type MessageDto } from './message-dto';
export { countUnreadBoth } from './unread';
export { setChatPreferences } from './chat-preferences';
export { isArchived, type ChatPreferences } from './archived';
export { recordDeliveries, type DeliveryClaim, type DeliveryReceipt } from './delivery-receipts';
export { CHAT_EVENTS_CHANNEL, parseChatEvent, publishChatEvent, type ChatEvent } from './events';
export * from './schemas';
export {
  cancelScheduledMessage,
  changeScheduledMessage,
  listScheduledMessages,
  scheduleMessage,
  sendDueScheduledMessages,
  sendScheduledMessageNow,
  type ScheduledMessageDto,
} from './scheduled-messages';
export { searchInbox, type SearchResults } from './search';
export { blockStateOf, blockedCounterparts, setBlock, type BlockState } from './blocks';
