const store = require('../../utils/store');

/** The longest todo text the composer takes. */
const MAX_LENGTH = 40;

Page({
  data: {
    todos: [],
    draft: '',
    remaining: 0,
  },

  onLoad(query) {
    this.query = query || {};
    this.refresh();
  },

  // The stats tab may have cleared done items: read storage again whenever we come back.
  onShow() {
    this.refresh();
  },

  onReady() {
    console.log('index ready with ' + this.data.todos.length + ' todos');
  },

  refresh() {
    const todos = store.load();
    this.setData({ todos, remaining: store.remaining(todos) });
  },

  commit(todos) {
    this.setData({ todos, remaining: store.remaining(todos) });
    store.save(todos);
  },

  // The input is controlled: it shows `draft` only, so text over the limit never appears.
  onDraft(e) {
    if (e.detail.value.length > MAX_LENGTH) {
      my.showToast({ content: `At most ${MAX_LENGTH} characters` });
      return;
    }
    this.setData({ draft: e.detail.value });
  },

  // Runs for the keyboard's confirm key (detail.value is the input's text) and the Add button.
  onAdd(e) {
    const typed = e && e.detail && typeof e.detail.value === 'string' ? e.detail.value : this.data.draft;
    const text = String(typed || '').trim();
    if (!text) {
      my.showToast({ content: 'Type something first' });
      return;
    }
    const todos = this.data.todos.slice();
    todos.push({ id: store.nextId(todos), text, done: false });
    this.commit(todos);
    this.setData({ draft: '' });
  },

  onToggle(e) {
    const id = e.currentTarget.dataset.id;
    const index = this.data.todos.findIndex((todo) => todo.id === id);
    if (index < 0) return;
    // A path update touches only the one item.
    this.setData({ ['todos[' + index + '].done']: !this.data.todos[index].done });
    this.setData({ remaining: store.remaining(this.data.todos) });
    store.save(this.data.todos);
  },

  onDelete(e) {
    const id = e.currentTarget.dataset.id;
    this.commit(this.data.todos.filter((todo) => todo.id !== id));
  },
});
