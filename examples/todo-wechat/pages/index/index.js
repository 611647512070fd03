const store = require('../../utils/store');

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

  onDraft(e) {
    this.setData({ draft: e.detail.value });
  },

  // Runs for the keyboard's confirm key (detail.value is the input's text) and the Add button.
  onAdd(e) {
    const typed = e && e.detail && typeof e.detail.value === 'string' ? e.detail.value : this.data.draft;
    const text = String(typed || '').trim();
    if (!text) {
      wx.showToast({ title: 'Type something first', icon: 'none' });
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

  // The row carries the id as a mark, which reaches handlers of everything inside it.
  onDelete(e) {
    const id = e.mark.todo;
    this.commit(this.data.todos.filter((todo) => todo.id !== id));
  },
});
