import { relations } from 'drizzle-orm';
import { messages, roomMembers, rooms, sessions, users } from './schema/index.js';

export const usersRelations = relations(users, ({ many }) => ({
  sessions: many(sessions),
  memberships: many(roomMembers),
}));
export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));
export const roomsRelations = relations(rooms, ({ many, one }) => ({
  members: many(roomMembers),
  messages: many(messages),
  owner: one(users, { fields: [rooms.ownerId], references: [users.id] }),
}));
export const roomMembersRelations = relations(roomMembers, ({ one }) => ({
  room: one(rooms, { fields: [roomMembers.roomId], references: [rooms.id] }),
  user: one(users, { fields: [roomMembers.userId], references: [users.id] }),
}));
export const messagesRelations = relations(messages, ({ one }) => ({
  room: one(rooms, { fields: [messages.roomId], references: [rooms.id] }),
  author: one(users, { fields: [messages.userId], references: [users.id] }),
}));
