/** My personal to-do list: loaded over HTTP, kept live across tabs and devices by `todo:personal`. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Todo } from '@protocol/study.js';
import { errorMessage } from '../../lib/errors';
import { http } from '../../lib/http';
import { getSocket, onConnected } from '../../lib/socket';
import { useAuthStore } from '../auth/useAuthStore';
import { createTodoController } from './todoController';

export const usePersonalTodosStore = defineStore('personalTodos', () => {
  const auth = useAuthStore();
  const todos = ref<Todo[]>([]);
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const error = ref('');

  async function load(): Promise<void> {
    if (status.value !== 'ready') status.value = 'loading';
    try {
      todos.value = (await http.get<{ todos: Todo[] }>('/api/todos/mine')).todos;
      status.value = 'ready';
      error.value = '';
    } catch (err) {
      error.value = errorMessage(err);
      if (status.value !== 'ready') status.value = 'error';
    }
  }

  const controller = createTodoController(todos, { roomId: () => undefined, ownerId: () => auth.me?.id ?? 0, refetch: load });

  getSocket().on('todo:personal', ({ todo, deletedId }) => {
    if (status.value === 'idle') return;
    if (todo) controller.receive(todo);
    if (deletedId) controller.receiveDeleted(deletedId);
  });
  onConnected((recovered) => {
    if (!recovered && status.value !== 'idle') void load();
  });

  return { todos, status, error, controller, load };
});
