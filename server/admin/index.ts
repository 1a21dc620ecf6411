import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { InstanceService } from '../instance/instance.service.js';
import { instanceRoutes } from '../instance/instance.routes.js';
import { PasswordResets } from './password-resets.js';
import { AdminRoomsService } from './rooms.service.js';
import { adminRoomsRoutes } from './rooms.routes.js';
import { AdminUsersService } from './users.service.js';
import { adminUsersRoutes } from './users.routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    adminUsers: AdminUsersService;
    adminRooms: AdminRoomsService;
    passwordResets: PasswordResets;
    instance: InstanceService;
  }
}

/** Admin console, people side: users, rooms, instance settings (registration, invites, announcement). */
export const adminPeoplePlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('adminUsers', new AdminUsersService(app.db));
    app.decorate('adminRooms', new AdminRoomsService(app.db, app.config.dataDir, (id) => app.rooms.liveProbe(id), (id) => app.presence.onlineCount(id)));
    app.decorate('passwordResets', new PasswordResets(app.db));
    app.decorate('instance', new InstanceService(app.db));
    await app.register(adminUsersRoutes);
    await app.register(adminRoomsRoutes);
    await app.register(instanceRoutes);
  },
  { name: 'admin-people', dependencies: ['db', 'auth', 'socket-io'] },
);
