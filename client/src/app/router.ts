import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router';
import { guestLanding } from '../features/auth/knownAccount';
import { safeNext } from '../features/auth/safeNext';
import { useAuthStore } from '../features/auth/useAuthStore';
import { adminSections } from '../features/admin/sections';
import LobbyPage from '../features/lobby/LobbyPage.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** Only for signed-out visitors (login, register). */
    guestOnly?: boolean;
    /** Only for instance admins; everyone else sees the 404 page. */
    admin?: boolean;
  }
}

// The lobby is in the entry bundle; everything else loads when first visited.
const AuthPage = () => import('../features/auth/AuthPage.vue');

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'lobby', component: LobbyPage },
    { path: '/login', name: 'login', component: AuthPage, props: { mode: 'login' }, meta: { public: true, guestOnly: true } },
    { path: '/register', name: 'register', component: AuthPage, props: { mode: 'register' }, meta: { public: true, guestOnly: true } },
    { path: '/reset-password', name: 'reset-password', component: () => import('../features/auth/ResetPasswordPage.vue'), meta: { public: true } },
    { path: '/r/:code', name: 'invite', component: () => import('../features/room/InvitePage.vue'), props: true },
    {
      path: '/rooms/:id(\\d+)',
      name: 'room',
      component: () => import('../features/room/RoomPage.vue'),
      props: (r) => ({ id: Number(r.params.id) }),
    },
    { path: '/dm/:id(\\d+)?', name: 'dm', component: () => import('../features/dms/DmPage.vue'), props: (r) => ({ id: r.params.id ? Number(r.params.id) : null }) },
    { path: '/interviews', name: 'interviews', component: () => import('../features/interviews/InterviewsPage.vue') },
    {
      // A session-chat notification names the session's hidden room: find the session, go there.
      path: '/session/room/:roomId(\\d+)',
      name: 'session-by-room',
      component: () => import('../features/interviews/SessionPage.vue'),
      beforeEnter: async (to) => {
        const { interviewsApi } = await import('../features/interviews/api');
        try {
          return { name: 'session', params: { id: await interviewsApi.byRoom(Number(to.params.roomId)) } };
        } catch {
          return { name: 'not-found', params: { pathMatch: to.path.slice(1).split('/') } };
        }
      },
    },
    { path: '/session/:id([A-Za-z0-9_-]{22})', name: 'session', component: () => import('../features/interviews/SessionPage.vue'), props: true },
    { path: '/session/:id([A-Za-z0-9_-]{22})/replay', name: 'session-replay', component: () => import('../features/interviews/ReplayPage.vue'), props: true },
    { path: '/search', name: 'search', component: () => import('../features/search/SearchPage.vue') },
    { path: '/todos', name: 'todos', component: () => import('../features/study/TodosPage.vue') },
    { path: '/stats', name: 'stats', component: () => import('../features/study/StatsPage.vue') },
    {
      path: '/admin',
      component: () => import('../features/admin/AdminPage.vue'),
      meta: { admin: true },
      children: [
        { path: '', name: 'admin', redirect: { name: `admin-${adminSections[0]!.key}` } },
        ...adminSections.map((s) => ({ path: s.key, name: `admin-${s.key}`, component: s.component, meta: { admin: true } })),
      ],
    },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./NotFoundPage.vue'), meta: { public: true } },
  ],
});

router.beforeEach(async (to): Promise<RouteLocationRaw | true> => {
  const auth = useAuthStore();
  await auth.ensureLoaded();
  if (to.meta.guestOnly && auth.me) return safeNext(to.query.next) ?? '/';
  // First visit on this browser: offer an account first; people who signed in here before get "Log in".
  if (!to.meta.public && !auth.me) return { name: guestLanding(), query: to.fullPath === '/' ? {} : { next: to.fullPath } };
  if (to.meta.admin && !auth.me?.isAdmin) return { name: 'not-found', params: { pathMatch: to.path.slice(1).split('/') }, query: to.query, hash: to.hash };
  return true;
});
