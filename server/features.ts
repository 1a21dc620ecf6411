/**
 * Wires the feature services together. Each feature owns its service, routes and socket handlers;
 * this is the one place that knows how they depend on each other.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AuditService } from './audit/audit.service.js';
import { auditPlugin } from './audit/index.js';
import { authRoutes } from './auth/auth.routes.js';
import { chatRoutes } from './chat/chat.routes.js';
import { ChatService } from './chat/chat.service.js';
import { registerChatSockets, socketChatNotifier } from './chat/chat.socket.js';
import { PresenceService } from './presence/presence.service.js';
import { ClusterPresence } from './cluster/presence.js';
import type { PresenceStatus } from '../protocol/rooms.js';
import { RoomEvents } from './rooms/room-events.js';
import { roomsRoutes } from './rooms/rooms.routes.js';
import { RoomsService } from './rooms/rooms.service.js';
import { registerRoomSockets, socketAccessHooks } from './rooms/rooms.socket.js';
import { membersChannel } from './rooms/room-channels.js';
import { userChannel } from './plugins/socket-io.js';
import { AlarmsService } from './study/alarms.service.js';
import { FocusTracker } from './study/focus-tracker.js';
import { GoalsService } from './study/goals.service.js';
import { StatsService } from './study/stats.service.js';
import { studyRoutes } from './study/study.routes.js';
import { streamPlugin } from './stream/index.js';
import { registerStudySockets } from './study/study.socket.js';
import { TimerService } from './study/timer.service.js';
import { TodosService } from './study/todos.service.js';
import { chessPlugin } from './games/chess/index.js';
import { blackjackPlugin } from './games/blackjack/index.js';
import { musicPlugin } from './music/index.js';
import { callsPlugin } from './calls/index.js';
import { sfuPlugin } from './sfu/index.js';
import { dmsPlugin } from './dms/index.js';
import { searchPlugin } from './search/index.js';
import { notificationsPlugin } from './notifications/index.js';
import { adminPeoplePlugin } from './admin/index.js';
import { reportsPlugin } from './reports/index.js';
import { analyticsPlugin } from './analytics/index.js';
import { integrationsPlugin } from './integrations/index.js';
import { filesPlugin } from './files/index.js';
import { documentsPlugin } from './documents/index.js';
import { interviewsPlugin } from './interviews/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditService;
    roomEvents: RoomEvents;
    presence: PresenceService;
    rooms: RoomsService;
    chat: ChatService;
    stats: StatsService;
    timers: TimerService;
    todos: TodosService;
    goals: GoalsService;
    alarms: AlarmsService;
  }
}

/**
 * The hot-path caches (rooms: memberships, slow mode; auth: public user cards) forget what changed
 * here; with several nodes the other nodes are told too. Memberships are not cached at all with
 * several nodes (a kick on another node must refuse the next command here at once): ADR 0022.
 */
function shareCacheInvalidation(app: FastifyInstance, rooms: RoomsService): void {
  const { cluster } = app;
  if (!cluster.enabled) return;
  rooms.cacheMembers = false;
  rooms.onRoomChanged = (roomId) => cluster.broadcast(ROOM_CHANGED, roomId);
  app.auth.onUserChanged = (userId) => cluster.broadcast(USER_CHANGED, userId);
  cluster.on(ROOM_CHANGED, (roomId) => {
    if (typeof roomId === 'number') rooms.forgetRoom(roomId);
  });
  cluster.on(USER_CHANGED, (userId) => {
    if (typeof userId === 'number') app.auth.forgetUser(userId);
  });
}
const ROOM_CHANGED = 'cache:room';
const USER_CHANGED = 'cache:user';

export const featuresPlugin = fp(
  async (app: FastifyInstance) => {
    const io = () => app.io;
    const roomEvents = new RoomEvents(app.db, app.io);
    const stats = new StatsService(app.db);
    const focus = new FocusTracker(stats);
    focus.onError = (err) => app.log.error({ err }, 'writing a focus span failed');
    const onPresence = (roomId: number, userId: number, status: PresenceStatus) => {
      roomEvents.broadcast(roomId, 'presence:changed', { userId, status }).catch((err: unknown) => app.log.error({ err, roomId }, 'presence broadcast failed'));
      focus.setPresent(roomId, userId, status !== 'offline', Date.now());
    };
    // Several nodes: presence is merged over all of them (server/cluster/presence.ts).
    const presence = app.cluster.enabled ? new ClusterPresence(app.cluster, onPresence) : new PresenceService(onPresence);
    const timers = new TimerService(app.db, roomEvents, focus, (roomId, view) =>
      app.io.to(membersChannel(roomId)).emit('lobby:timer', { roomId, ...view }),
    );
    timers.onError = (err, roomId) => app.log.error({ err, roomId }, 'pomodoro tick failed');
    const rooms = new RoomsService(app.db, roomEvents, presence, socketAccessHooks(io), (roomId) => timers.lobbyView(roomId));
    await rooms.init();
    shareCacheInvalidation(app, rooms);
    const chat = new ChatService(
      app.db,
      roomEvents,
      socketChatNotifier(io, async (id) => (await rooms.getRow(id)).name, async (id) => (await rooms.kindOf(id)) ?? 'room'),
      app.config.chatRatePer10s,
      {
        slowModeOf: (roomId) => rooms.slowModeOf(roomId),
        noteMember: (roomId, userId, patch) => rooms.noteMember(roomId, userId, patch),
        publicUser: (userId) => app.auth.publicUser(userId),
      },
    );
    app.decorate('audit', new AuditService(app.db));
    app.decorate('roomEvents', roomEvents);
    app.decorate('presence', presence);
    app.decorate('rooms', rooms);
    app.decorate('chat', chat);
    app.decorate('stats', stats);
    app.decorate('timers', timers);
    app.decorate('todos', new TodosService(app.db, roomEvents, { personal: (userId, todo, deletedId) => app.io.to(userChannel(userId)).emit('todo:personal', { todo, ...(deletedId ? { deletedId } : {}) }) }));
    app.decorate('goals', new GoalsService(app.db, roomEvents));
    const alarms = new AlarmsService(app.db, async (userId, alarm, firedAt) => {
      app.io.to(userChannel(userId)).emit('alarm:fired', { alarm, firedAt });
      await app.notifications.notify(userId, { kind: 'alarm', text: alarm.label || 'Your alarm went off' });
    });
    alarms.onError = (err) => app.log.error({ err }, 'alarm check failed');
    app.decorate('alarms', alarms);

    registerRoomSockets(app);
    registerChatSockets(app);
    registerStudySockets(app);
    await app.register(authRoutes);
    await app.register(roomsRoutes);
    await app.register(chatRoutes);
    await app.register(studyRoutes);
    await app.register(streamPlugin);
    await app.register(chessPlugin);
    await app.register(blackjackPlugin);
    await app.register(musicPlugin);
    await app.register(callsPlugin);
    await app.register(sfuPlugin);
    await app.register(dmsPlugin);
    await app.register(searchPlugin);
    await app.register(notificationsPlugin);
    await app.register(auditPlugin);
    await app.register(adminPeoplePlugin);
    await app.register(reportsPlugin);
    await app.register(analyticsPlugin);
    await app.register(integrationsPlugin);
    await app.register(filesPlugin);
    await app.register(documentsPlugin);
    await app.register(interviewsPlugin);

    // Timers and alarms catch up with the time the server was down, then run on their own.
    app.addHook('onReady', async () => {
      // Several nodes: running timers resume on the node that takes their room's lease (server/cluster).
      if (!app.cluster.enabled) await timers.resumeAll();
      await app.alarms.fireDue();
    });
    // Before the database closes: stop scheduling and write the focus time still being counted.
    app.addHook('preClose', async () => {
      presence.dispose();
      await timers.stop();
      app.alarms.stop();
    });
  },
  { name: 'features', dependencies: ['db', 'auth', 'socket-io'] },
);
