// Room names: a user's personal room (all their tabs and devices) and a chat's room (its open
// views; only members may join).
export const userRoom = (userId: string) => `user:${userId}`;
export const chatRoom = (chatId: string) => `chat:${chatId}`;
